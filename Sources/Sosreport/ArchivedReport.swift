import AuditInput

/// An sosreport tarball read in place: one pass lists its members and keeps the few small fact
/// files in memory; each log is read later, straight from the archive, as an input of its own.
/// Links inside are followed within the archive only.
struct ArchivedReport: ReportFiles {
    let name: String
    /// The directory every member is under (`sosreport-host-2024-01-01-abcdef`), "" if none.
    let top: String
    /// Members by path under `top`.
    private(set) var members: [String: ArchiveReader.Member] = [:]
    private(set) var contents: [String: [UInt8]] = [:]
    /// Damage met reading the archive, naming the member; what came before it is used.
    private(set) var problems: [String] = []

    static let maxMembers = 1 << 20
    static let maxLinks = 40

    /// Lists the archive and reads the members at `wanted` paths (under the top) into memory.
    init(path: String, wanted: Set<String>) throws {
        name = path
        let reader = try ArchiveReader(path: path)
        var top: String?
        do {
            while let member = try reader.next() {
                guard members.count < Self.maxMembers else {
                    problems.append("\(path): more than \(Self.maxMembers) members; the rest are not read")
                    break
                }
                var stored = member.name
                while stored.hasPrefix("./") { stored.removeFirst(2) }
                let first = stored.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
                if top == nil { top = first }
                let relative = first == top ? String(stored.dropFirst(first.count).drop { $0 == "/" }) : stored
                let key = relative.hasSuffix("/") ? String(relative.dropLast()) : relative
                members[key] = member
                guard member.kind == .regular, wanted.contains(key) else { continue }
                if let bytes = try reader.readWhole(limit: ReportLimits.factFile) { contents[key] = bytes }
            }
        } catch {
            problems.append("\(path): \(error); the members after it are not read")
        }
        self.top = top ?? ""
    }

    /// Whether the layout is sos's: a top directory `sosreport-*`, or `sos_commands/`,
    /// `sos_reports/` or `version.txt` under it.
    var isSosreport: Bool {
        top.hasPrefix("sosreport-") || members.keys.contains { key in
            key == "version.txt" || key.hasPrefix("sos_commands/") || key.hasPrefix("sos_reports/")
        }
    }

    /// The path a member path leads to, links followed within the archive (`..` and absolute
    /// targets clamped at its top), at most `maxLinks` of them; nil if missing or looping.
    func resolve(_ path: String) -> String? {
        var pending = Array(path.split(separator: "/").reversed())
        var resolved: [Substring] = []
        var links = 0
        while let part = pending.popLast() {
            if part == "." { continue }
            if part == ".." { _ = resolved.popLast(); continue }
            let candidate = (resolved + [part]).joined(separator: "/")
            if let member = members[candidate], member.kind == .symlink, let target = member.linkTarget {
                links += 1
                guard links <= Self.maxLinks else { return nil }
                if target.hasPrefix("/") { resolved.removeAll() }
                pending += target.split(separator: "/").reversed()
            } else {
                resolved.append(part)
            }
        }
        let real = resolved.joined(separator: "/")
        return members[real] != nil ? real : nil
    }

    func file(_ path: String) -> FileLookup {
        guard let real = resolve(path), let member = members[real], member.kind == .regular else { return .missing }
        guard let bytes = contents[real] else { return .tooLarge(path: real) }
        return .found(path: real, bytes: bytes)
    }

    func auditLogs() -> (logs: [InputSource], skipped: [String]) {
        let prefix = ReportLimits.logDirectory + "/"
        var found: [(name: String, age: Int)] = []
        // A log sos cut is a link to the tail it kept (sos_strings/auditd/…tailed): followed inside the archive.
        for (key, member) in members where key.hasPrefix(prefix) && member.kind != .other {
            let entry = String(key.dropFirst(prefix.count))
            if let age = InputOrder.rotationNumber(entry, of: ReportLimits.logName) { found.append((key, age)) }
        }
        var logs: [InputSource] = []
        var skipped: [String] = []
        for key in InputOrder.oldestFirst(found) {
            guard let real = resolve(key), let member = members[real], member.kind == .regular else { continue }
            if member.size > Int64(InputSource.archiveMemberLimit) {
                skipped.append("\(name): member \(member.name) is larger than \(InputSource.archiveMemberLimit >> 30) GiB; skipped")
                continue
            }
            logs.append(.archiveMember(archive: name, member: member.name))
        }
        return (logs, skipped)
    }

    func resolvedFile(_ path: String) -> (path: String, size: Int64)? {
        guard let real = resolve(path), let member = members[real], member.kind == .regular else { return nil }
        return (real, member.size)
    }

    func input(_ path: String) -> InputSource? {
        guard let real = resolve(path), let member = members[real], member.kind == .regular else { return nil }
        return .archiveMember(archive: name, member: member.name)
    }
}
