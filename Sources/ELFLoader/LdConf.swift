#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `/etc/ld.so.conf` with its `include` lines (globs allowed, as ldconfig reads them): the
/// directories ldconfig would cache. Used when a root has no ld.so.cache.
enum LdConf {
    static let maxDepth = 8
    static let maxDirectories = 1024

    static func directories(root: FileSystemRoot) -> [String] {
        var out: [String] = []
        read("/etc/ld.so.conf", root: root, depth: 0, into: &out)
        return out
    }

    private static func read(_ path: String, root: FileSystemRoot, depth: Int, into out: inout [String]) {
        guard depth < maxDepth, let bytes = root.contents(path, limit: 1 << 20) else { return }
        let base = path.split(separator: "/").dropLast().joined(separator: "/")
        for raw in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" }) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = words.first else { continue }
            if first == "include" {
                for pattern in words.dropFirst() {
                    let absolute = pattern.hasPrefix("/") ? pattern : "/" + base + "/" + pattern
                    for file in glob(absolute, root: root) { read(file, root: root, depth: depth + 1, into: &out) }
                }
            } else if first.hasPrefix("/"), out.count < maxDirectories, !out.contains(first) {
                out.append(first)
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
