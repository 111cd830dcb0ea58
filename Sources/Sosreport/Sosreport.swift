import AuditInput
import Diagnosis
#if canImport(Glibc)
import Glibc
#endif

/// An sosreport read in place, an extracted directory or the tarball itself: its audit logs as
/// inputs, and what it says of its host. Nothing is extracted to disk.
public struct Sosreport {
    /// The logs to read, oldest first.
    public var logs: [InputSource]
    /// How some of `logs` are read: the ausearch output only for what the logs lack; each log
    /// as of `node` when the report is one node's.
    public var scopes: [InputSource: InputScope] = [:]
    public var host: HostFacts
    /// One line each for stderr: which logs were read, which facts are unknown and why.
    public var notes: [String] = []
    /// What could not be read (damage to the archive, members over the limits), one line each:
    /// the rest was read, and the run's exit status says an input failed.
    public var problems: [String]

    /// Where sos keeps each fact, best first. Top-level names (`uname`, `hostname`) are its links
    /// to the command outputs.
    enum Layout {
        static let hostname = ["hostname", "sos_commands/host/hostname", "sos_commands/general/hostname", "etc/hostname"]
        static let uname = ["uname", "sos_commands/kernel/uname_-a"]
        static let rpms = ["installed-rpms"]
        static let dpkg = ["installed-debs", "sos_commands/dpkg/dpkg_-l"]
        static let sestatus = ["sos_commands/selinux/sestatus_-b", "sos_commands/selinux/sestatus"]
        static let selinuxConfig = ["etc/selinux/config"]
        static let processes = ["sos_commands/selinux/ps_auxZww", "sos_commands/process/ps_auxZww"]
        /// auditd's plugin runs `ausearch --input-logs -m avc,user_avc,fanotify -ts today`.
        static let ausearch = "sos_commands/auditd/ausearch_--input-logs_-m_avc_user_avc_fanotify_-ts_today"

        static var factFiles: Set<String> { Set(hostname + uname + rpms + dpkg + sestatus + selinuxConfig + processes) }
    }

    /// Whether `path` names an sosreport: a directory with sos's layout, or a tarball by its name.
    public static func looksLike(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        if st.st_mode & S_IFMT == S_IFDIR { return directoryTop(path) != nil }
        return isTarballName(path)
    }

    static func isTarballName(_ path: String) -> Bool {
        [".tar", ".tar.xz", ".tar.gz", ".tgz", ".txz", ".tar.bz2", ".tar.zst"].contains { path.hasSuffix($0) }
    }

    /// The report's top in an extracted directory: the directory itself when it has sos's
    /// layout, or its one `sosreport-*` subdirectory (a tarball extracted into a directory of its own).
    static func directoryTop(_ path: String) -> String? {
        func hasLayout(_ dir: String) -> Bool {
            ["sos_commands", "sos_reports", "version.txt"].contains { access(dir + "/" + $0, F_OK) == 0 }
        }
        if hasLayout(path) { return path }
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var tops: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("sosreport-"), hasLayout(path + "/" + name) { tops.append(path + "/" + name) }
        }
        return tops.count == 1 ? tops[0] : nil
    }

    /// Reads the report at `path`; fails with a message when it is not one or cannot be read.
    /// `node`: the node the report is of (`--sosreport NODE=PATH`), whose name its log records
    /// without `node=` are given.
    public static func open(_ path: String, node: String? = nil) -> Result<Sosreport, SosreportError> {
        open(path).map { report in
            guard let node else { return report }
            var named = report
            for log in named.logs { named.scopes[log, default: InputScope()].node = node }
            return named
        }
    }

    private static func open(_ path: String) -> Result<Sosreport, SosreportError> {
        var st = stat()
        guard stat(path, &st) == 0 else { return .failure(SosreportError("\(path): \(String(cString: strerror(errno)))")) }
        if st.st_mode & S_IFMT == S_IFDIR {
            guard let top = directoryTop(path) else {
                return .failure(SosreportError("\(path): not an sosreport (no sos_commands/, sos_reports/ or version.txt)"))
            }
            return .success(Sosreport(files: DirectoryReport(directory: top), problems: []))
        }
        do {
            let archive = try ArchivedReport(path: path, wanted: Layout.factFiles)
            guard archive.isSosreport else {
                return .failure(SosreportError("\(path): an archive, but not an sosreport (no sosreport-* top, sos_commands/ or version.txt)"))
            }
            return .success(Sosreport(files: archive, problems: archive.problems))
        } catch {
            return .failure(SosreportError("\(path): cannot read the archive: \(error)"))
        }
    }

    init(files: some ReportFiles, problems: [String]) {
        self.problems = problems
        let found = files.auditLogs()
        self.problems += found.skipped
        if !found.logs.isEmpty {
            logs = found.logs
            notes.append("\(files.name): reading the report's audit logs (\(found.logs.count) file\(found.logs.count == 1 ? "" : "s") under \(ReportLimits.logDirectory))")
        } else if let ausearch = files.input(Layout.ausearch) {
            logs = [ausearch]
            notes.append("\(files.name): no \(ReportLimits.logDirectory)/\(ReportLimits.logName) in the report; reading \(Layout.ausearch) (the denials of the day the report was taken)")
        } else {
            logs = []
            notes.append("\(files.name): no audit log in the report: neither \(ReportLimits.logDirectory)/\(ReportLimits.logName)* nor \(Layout.ausearch)")
        }
        var gathering = FactGathering(files: files)
        host = gathering.facts()
        if !found.logs.isEmpty { host.auditLogCut = supplement(files: files) }
        notes += gathering.notes
        self.problems += gathering.problems
    }
}

extension Sosreport {
    /// sos keeps only the tail of a log over its size limit (`--log-size`, 25 MiB by default): the
    /// log is then a link to `sos_strings/auditd/var.log.audit.audit.log.tailed`, whose first
    /// line is partial. Without `--all-logs` it copies no rotation either. The ausearch output it
    /// saved was read from the whole logs: its events older than the logs' first record are
    /// read too, the later ones are the logs' own. Says how the live log was cut, if it was.
    mutating func supplement(files: some ReportFiles) -> HostFacts.Fact<String>? {
        let firsts = logs.compactMap { log in InputOrder.firstRecord(log).map { (log: log, id: $0.id, partial: $0.afterPartialLine) } }
        guard let earliest = firsts.min(by: { $0.id < $1.id }) else { return nil }
        let first = earliest.id
        // After a partial line, the first whole record's event lacks what the line held: it is
        // taken whole from the ausearch output, when that has it, and not from the log.
        let through = earliest.partial ? first.successor : first
        let ausearch = files.input(Layout.ausearch)
        // ausearch prints the oldest first: when its first is not older, the logs hold all of it.
        let older = ausearch.flatMap(InputOrder.firstRecord).map { $0.id < through } ?? false
        if let ausearch, older {
            logs.insert(ausearch, at: 0)
            scopes[ausearch] = InputScope(before: through)
            if earliest.partial { scopes[earliest.log] = InputScope(after: first) }
        }
        let live = ReportLimits.logDirectory + "/" + ReportLimits.logName
        let resolved = files.resolvedFile(live)
        let tailed = resolved.map { $0.path.hasSuffix(".tailed") } ?? false
        guard tailed || firsts.contains(where: \.partial) else { return nil }
        let size = resolved.map { r in
            let tenths = (r.size * 10 + (1 << 19)) >> 20
            return "\(tenths / 10).\(tenths % 10) MiB"
        } ?? "its size limit"
        let before = "events \(earliest.partial ? "up to" : "before") audit(\(first))"
        let rest = older ? "\(before) come from the ausearch output"
            : ausearch != nil ? "\(before) are not in the ausearch output either (it holds the day's denials only)"
            : "\(before) are not in the report (no ausearch output)"
        let how = tailed ? "a link to \(resolved!.path)" : "its first line is partial"
        notes.append("\(files.name): \(live) was cut by sos at \(size) (\(how)); \(rest)")
        return HostFacts.Fact("cut by sos at \(size); \(rest)", from: tailed ? resolved!.path : live)
    }
}

public struct SosreportError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Reads each fact from the first file of its list the report has, saying which are unknown.
struct FactGathering {
    let files: any ReportFiles
    var notes: [String] = []
    var problems: [String] = []

    init(files: any ReportFiles) { self.files = files }

    /// The first of `paths` the report has, as text, and where it was.
    mutating func text(_ paths: [String]) -> (text: String, source: String)? {
        for path in paths {
            switch files.file(path) {
            case .found(let real, let bytes): return (String(decoding: bytes, as: UTF8.self), real)
            case .missing: continue
            case .tooLarge(let real): problems.append("\(files.name): \(real) is larger than \(ReportLimits.factFile >> 20) MiB; skipped")
            }
        }
        return nil
    }

    mutating func unknown(_ fact: String, _ paths: [String]) {
        notes.append("\(files.name): \(fact) unknown: no readable \(paths.joined(separator: " or ")) in the report")
    }

    mutating func facts() -> HostFacts {
        var host = HostFacts()
        if let (text, source) = text(Sosreport.Layout.hostname), let name = FactParsers.hostname(text) {
            host.hostname = .init(name, from: source)
        } else { unknown("hostname", Sosreport.Layout.hostname) }

        if let (text, source) = text(Sosreport.Layout.uname), let uname = FactParsers.uname(text) {
            host.kernelRelease = .init(uname.release, from: source)
            host.architecture = uname.machine.map { .init($0, from: source) }
        } else { unknown("kernel release and architecture", Sosreport.Layout.uname) }

        if let (text, source) = text(Sosreport.Layout.rpms), let v = FactParsers.glibcFromRPMs(text, architecture: host.architecture?.value) {
            host.glibcVersion = .init(v, from: source)
        } else if let (text, source) = text(Sosreport.Layout.dpkg), let v = FactParsers.glibcFromDpkg(text) {
            host.glibcVersion = .init(v, from: source)
        } else { unknown("glibc version", Sosreport.Layout.rpms + Sosreport.Layout.dpkg) }

        if let (text, source) = text(Sosreport.Layout.sestatus) {
            let status = FactParsers.sestatus(text)
            host.selinuxMode = status.mode.map { .init($0, from: source) }
            host.policyName = status.policyName.map { .init($0, from: source) }
            host.booleans = status.booleans.map { .init($0, from: source) }
        }
        if host.selinuxMode == nil || host.policyName == nil, let (text, source) = text(Sosreport.Layout.selinuxConfig) {
            let config = FactParsers.selinuxConfig(text)
            if host.selinuxMode == nil { host.selinuxMode = config.mode.map { .init($0, from: source) } }
            if host.policyName == nil { host.policyName = config.policyName.map { .init($0, from: source) } }
        }
        if host.selinuxMode == nil { unknown("SELinux mode", Sosreport.Layout.sestatus + Sosreport.Layout.selinuxConfig) }
        if host.policyName == nil { unknown("policy name", Sosreport.Layout.sestatus + Sosreport.Layout.selinuxConfig) }
        if host.booleans == nil { unknown("booleans", [Sosreport.Layout.sestatus[0]]) }

        if let (text, source) = text(Sosreport.Layout.processes), let list = FactParsers.processes(text) {
            host.processes = .init(list, from: source)
        } else { unknown("running processes", Sosreport.Layout.processes) }
        return host
    }
}
