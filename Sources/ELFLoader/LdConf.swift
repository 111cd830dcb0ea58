#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `/etc/ld.so.conf` with its `include` lines (globs allowed, as ldconfig reads them): the
/// directories ldconfig would cache. Used when a root has no ld.so.cache. Each file is read
/// once however often it is included, and at most `maxFiles` are read: included files may
/// include each other, and a glob that names them all would otherwise fan out without end.
struct LdConf {
    static let maxFiles = 256
    static let maxDirectories = 1024
    static let maxFileBytes = 1 << 20

    /// The directories listed, in order, each once.
    var directories: [String] = []
    /// The files read, by resolved path, in the order read.
    var filesRead: [String] = []
    /// What was not read or not kept because a limit was reached, said for the user.
    var limitsReached: [String] = []
    private var visited: Set<String> = []
    private var overBudget: [String] = []
    private var directoriesDropped: [String] = []

    static func read(root: FileSystemRoot) -> LdConf {
        var conf = LdConf()
        conf.read("/etc/ld.so.conf", root: root)
        if let first = conf.overBudget.first {
            conf.limitsReached.append("ld.so.conf and its includes name more than \(maxFiles) files; "
                                      + "\(first)\(more(conf.overBudget.count - 1)) not read")
        }
        if let first = conf.directoriesDropped.first {
            conf.limitsReached.append("ld.so.conf lists more than \(maxDirectories) directories; "
                                      + "\(first)\(more(conf.directoriesDropped.count - 1)) not searched")
        }
        return conf
    }

    private static func more(_ n: Int) -> String { n == 0 ? " was" : " and \(n) more were" }

    private mutating func read(_ path: String, root: FileSystemRoot) {
        guard let real = root.resolve(path), !visited.contains(real) else { return }
        guard filesRead.count < Self.maxFiles else {
            overBudget.append(path)
            visited.insert(real)
            return
        }
        visited.insert(real)
        guard let bytes = root.contents(real, limit: Self.maxFileBytes) else {
            if root.regularFile(real) != nil { limitsReached.append("\(path) is larger than \(Self.maxFileBytes) bytes: not read") }
            return
        }
        filesRead.append(real)
        let base = path.split(separator: "/").dropLast().joined(separator: "/")
        for raw in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" }) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = words.first else { continue }
            if first == "include" {
                for pattern in words.dropFirst() {
                    let absolute = pattern.hasPrefix("/") ? pattern : "/" + base + "/" + pattern
                    for file in Self.glob(absolute, root: root) { read(file, root: root) }
                }
            } else if first.hasPrefix("/"), !directories.contains(first) {
                if directories.count < Self.maxDirectories { directories.append(first) } else { directoriesDropped.append(first) }
            }
        }
    }

    /// Expands a `*`/`?` pattern in the last component, inside the root, sorted as glob(3) does.
    private static func glob(_ pattern: String, root: FileSystemRoot) -> [String] {
        let parts = pattern.split(separator: "/")
        guard let last = parts.last else { return [] }
        let dir = "/" + parts.dropLast().joined(separator: "/")
        guard last.contains("*") || last.contains("?") else { return [pattern] }
        guard let real = root.resolve(dir), let handle = opendir(root.hostPath(real)) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != "..", fnmatch(String(last), name, 0) == 0 { names.append(name) }
        }
        return names.sorted().map { (dir == "/" ? "" : dir) + "/" + $0 }
    }
}
