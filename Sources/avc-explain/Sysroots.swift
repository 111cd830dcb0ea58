import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The `--sysroot` values: at most one plain `DIR`, the root of every node without its own, and
/// `NODE=DIR` for the nodes of an aggregated log whose files were copied apart. A value that is
/// itself a directory is plain, even with an `=` in it.
struct Sysroots {
    var fallback: String?
    var byNode: [(node: String, directory: String)] = []

    init() {}

    init(_ values: [String]) throws {
        for value in values {
            if Self.isDirectory(value) {
                if let fallback { throw ValidationError("--sysroot \(value): one plain --sysroot DIR only (\(fallback) was given); NODE=DIR for each node") }
                fallback = value
                continue
            }
            guard let eq = value.firstIndex(of: "="), eq != value.startIndex, !value[..<eq].contains("/") else {
                throw ValidationError("--sysroot \(value): not a directory")
            }
            let node = String(value[..<eq]), directory = String(value[value.index(after: eq)...])
            guard Self.isDirectory(directory) else { throw ValidationError("--sysroot \(value): \(directory) is not a directory") }
            if byNode.contains(where: { $0.node == node }) { throw ValidationError("--sysroot \(value): node \(node) was given a root already") }
            byNode.append((node, directory))
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return !path.isEmpty && stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }
}
