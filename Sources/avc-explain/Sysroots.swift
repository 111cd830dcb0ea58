import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `NODE=VALUE`, the form of the options that give one node of an aggregated log its own
/// files (`--sysroot`, `--sosreport`).
enum NodeAssignment {
    /// The node and the value; nil when `value` is no assignment (no `=`, or a `/` before it:
    /// a path). Throws when the node's name is empty.
    static func split(_ value: String, option: String) throws -> (node: String, value: String)? {
        guard let eq = value.firstIndex(of: "="), !value[..<eq].contains("/") else { return nil }
        guard eq != value.startIndex else { throw ValidationError("\(option) \(value): the node's name before = is empty") }
        return (String(value[..<eq]), String(value[value.index(after: eq)...]))
    }

    /// Throws when `node` was given a value of this option already.
    static func checkUnique(_ node: String, in given: [String], option: String, value: String) throws {
        if given.contains(node) { throw ValidationError("\(option) \(value): node \(node) was given one already") }
    }
}

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
            guard let (node, directory) = try NodeAssignment.split(value, option: "--sysroot") else {
                throw ValidationError("--sysroot \(value): not a directory")
            }
            guard Self.isDirectory(directory) else { throw ValidationError("--sysroot \(value): \(directory) is not a directory") }
            try NodeAssignment.checkUnique(node, in: byNode.map(\.node), option: "--sysroot", value: value)
            byNode.append((node, directory))
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return !path.isEmpty && stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }
}

/// The `--sosreport` values: plain `PATH`s, whose first gives the facts of every node without a
/// report of its own, and `NODE=PATH`, one node's report, whose records without `node=` are
/// that node's. A value that exists is plain, even with an `=` in it; a plain one that does not
/// is reported when read, as an input that cannot be.
struct Sosreports {
    var plain: [String] = []
    var byNode: [(node: String, path: String)] = []

    init() {}

    init(_ values: [String]) throws {
        for value in values {
            guard access(value, F_OK) != 0, let (node, path) = try NodeAssignment.split(value, option: "--sosreport") else {
                plain.append(value)
                continue
            }
            guard !path.isEmpty, access(path, F_OK) == 0 else {
                throw ValidationError("--sosreport \(value): \(path.isEmpty ? "no path after =" : "\(path) does not exist")")
            }
            try NodeAssignment.checkUnique(node, in: byNode.map(\.node), option: "--sosreport", value: value)
            byNode.append((node, path))
        }
    }
}
