import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Rotated logs given in any order (`audit.log audit.log.1 audit.log.2.gz`) are read oldest
/// first, by the time of their first record, so findings' first and last times come out right.
public enum InputOrder {
    /// Files (and archive members) sorted by their first record's time; standard input, pipes
    /// and devices (which can be read only once), and files with no time in their first 64 KiB,
    /// keep their place relative to each other at the front.
    public static func chronological(_ sources: [InputSource]) -> [InputSource] {
        guard sources.count > 1 else { return sources }
        let stamped = sources.enumerated().map { (index: $0.offset, source: $0.element, time: firstTime($0.element)) }
        return stamped.sorted { a, b in
            switch (a.time, b.time) {
            case let (x?, y?): return x == y ? a.index < b.index : x < y
            case (nil, nil): return a.index < b.index
            case (nil, _): return true
            case (_, nil): return false
            }
        }.map(\.source)
    }

    /// Seconds of the first `audit(SECONDS.` stamp in the first 64 KiB (inflated if gzip'd).
    static func firstTime(_ source: InputSource) -> UInt64? {
        guard let head = head(source) else { return nil }
        let got = head.count
        let marker = Array("audit(".utf8)
        var i = 0
        while i + marker.count < got {
            if head[i] == marker[0], Array(head[i..<(i + marker.count)]) == marker {
                var j = i + marker.count
                var value: UInt64 = 0
                var digits = 0
                while j < got, head[j] >= 0x30, head[j] <= 0x39, digits < 20 {
                    value = value &* 10 &+ UInt64(head[j] - 0x30)
                    digits += 1
                    j += 1
                }
                if digits > 0, j < got, head[j] == UInt8(ascii: ".") { return value }
            }
            i += 1
        }
        return nil
    }

    /// An input's first 64 KiB (inflated if gzip'd); nil for standard input, a pipe or a device
    /// (`<(zcat audit.log.1.gz)`: what is read from it here would be gone when its turn
    /// comes, and opening it again would wait for a writer that never comes back), or one that
    /// cannot be opened.
    static func head(_ source: InputSource) -> [UInt8]? {
        guard source != .standardInput else { return nil }
        if case .file(let path) = source {
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        }
        guard let (opened, file) = try? source.open() else { return nil }
        var bytes = opened
        defer {
            bytes.release()
            try? file?.close()
        }
        var head = [UInt8](repeating: 0, count: 1 << 16)
        var got = 0
        while got < head.count {
            guard let n = try? head.withUnsafeMutableBytes({ try bytes.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }), n > 0 else { break }
            got += n
        }
        return Array(head[..<got])
    }

    /// The id of an input's first whole record, and whether a partial line came before it (the
    /// start of a file cut from the front, as sos keeps the tail of a log too large for it).
    public static func firstRecord(_ source: InputSource) -> (id: EventID, afterPartialLine: Bool)? {
        guard let head = head(source) else { return nil }
        var partial = false
        for (number, line) in head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().enumerated() {
            switch RecordParser.parse(Array(line), source: SourceLocation(input: source.name, line: number + 1)) {
            case .record(let record): return (record.key.id, partial)
            case .separator: continue
            case .malformed: partial = partial || number == 0
            }
        }
        return nil
    }

    /// 0 for the log itself, N for `log.N`, either maybe `.gz`; nil for anything else
    /// (`audit.log.bak`, `audit.log-old`). Sorting by it, highest first, puts the oldest first.
    public static func rotationNumber(_ entry: String, of name: String) -> Int? {
        guard entry.hasPrefix(name) else { return nil }
        var rest = entry.dropFirst(name.count)
        if rest.hasSuffix(".gz") { rest = rest.dropLast(3) }
        if rest.isEmpty { return 0 }
        guard rest.hasPrefix("."), rest.count > 1, rest.count <= 10,
              rest.dropFirst().allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Int(rest.dropFirst())
    }

    /// The names in `directory` that are `name` or its rotations (`name.N`, either maybe `.gz`),
    /// oldest first: the highest rotation number first, the live log last.
    public static func rotations(named name: String, in directory: String) -> Result<[String], RotationListingError> {
        guard let dir = opendir(directory) else { return .failure(RotationListingError(errno: errno)) }
        defer { closedir(dir) }
        var found: [(name: String, age: Int)] = []
        while let entry = readdir(dir) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let age = rotationNumber(entryName, of: name) { found.append((entryName, age)) }
        }
        return .success(oldestFirst(found))
    }

    /// Rotation names with their numbers, oldest first: the highest number first, the live log last.
    public static func oldestFirst(_ found: [(name: String, age: Int)]) -> [String] {
        found.sorted { $0.age != $1.age ? $0.age > $1.age : $0.name < $1.name }.map(\.name)
    }
}

public struct RotationListingError: Error, CustomStringConvertible {
    public var errno: Int32
    public var description: String { String(cString: strerror(errno)) }
}

