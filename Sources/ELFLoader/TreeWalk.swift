#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A regular file met by `walk`, inside the root.
public struct WalkedFile: Sendable {
    public var path: String
    /// Reached through a symlink, so it must be resolved before it is opened.
    public var viaSymlink: Bool
}

extension FileSystemRoot {
    /// Opens a walked file: directly when the walk reached it through real directories only
    /// (no lookup per path component), through `open` otherwise.
    public func open(_ file: WalkedFile) throws -> FileBytes {
        file.viaSymlink ? try open(file.path) : try open(resolved: file.path)
    }

    /// Calls `visit` with the in-root path of every regular file at or under `path`, in
    /// directory order. Symlinks to files are visited under their own name (as scanelf does);
    /// symlinked directories are not entered, so the walk cannot loop or leave the root.
    /// What cannot be read — a directory, an entry that vanished, a dangling or looping
    /// symlink — is reported through `problem` and skipped; FIFOs, sockets and devices are
    /// skipped without a word (they hold no ELF and opening one could block).
    public func walk(_ path: String, visit: (WalkedFile) -> Void, problem: (String, String) -> Void) {
        var st = stat()
        guard let start = resolveParent(path), lstat(hostPath(start), &st) == 0 else {
            problem(path, "no such file or directory")
            return
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: visit(WalkedFile(path: start, viaSymlink: false))
        case S_IFLNK: visitLink(start, visit: visit, problem: problem)
        case S_IFDIR: walkDirectory(start, visit: visit, problem: problem)
        default: break
        }
    }

    /// A symlink is checked under its own name when it leads to a regular file; one that leads
    /// nowhere is a problem, one that leads to a directory or a device is passed over.
    private func visitLink(_ link: String, visit: (WalkedFile) -> Void, problem: (String, String) -> Void) {
        switch resolution(link) {
        case .failure(let why): problem(link, "broken symbolic link (\(why))")
        case .success: if regularFile(link) != nil { visit(WalkedFile(path: link, viaSymlink: true)) }
        }
    }

    /// The path with its directories resolved but its last component kept, so a symlink given
    /// on the command line is reported under its own name.
    private func resolveParent(_ path: String) -> String? {
        let parts = path.split(separator: "/")
        guard let last = parts.last else { return "/" }
        guard let dir = resolve("/" + parts.dropLast().joined(separator: "/")) else { return nil }
        if last == ".." || last == "." { return resolve(path) }
        return (dir == "/" ? "" : dir) + "/" + last
    }

    private func walkDirectory(_ dir: String, visit: (WalkedFile) -> Void, problem: (String, String) -> Void) {
        guard let handle = opendir(hostPath(dir)) else {
            problem(dir, String(cString: strerror(errno)))
            return
        }
        var subdirectories: [String] = []
        errno = 0
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let child = (dir == "/" ? "" : dir) + "/" + name
            var type = entry.pointee.d_type
            if type == UInt8(DT_UNKNOWN) {
                var st = stat()
                guard lstat(hostPath(child), &st) == 0 else {
                    problem(child, String(cString: strerror(errno)))
                    errno = 0
                    continue
                }
                switch st.st_mode & S_IFMT {
                case S_IFREG: type = UInt8(DT_REG)
                case S_IFDIR: type = UInt8(DT_DIR)
                case S_IFLNK: type = UInt8(DT_LNK)
                default: continue
                }
            }
            switch Int32(type) {
            case Int32(DT_REG): visit(WalkedFile(path: child, viaSymlink: false))
            case Int32(DT_DIR): subdirectories.append(child)
            case Int32(DT_LNK): visitLink(child, visit: visit, problem: problem)
            default: continue
            }
            errno = 0
        }
        // readdir returns nil at the end and on an error; only errno tells them apart.
        if errno != 0 { problem(dir, "reading the directory: \(String(cString: strerror(errno)))") }
        closedir(handle)
        for sub in subdirectories { walkDirectory(sub, visit: visit, problem: problem) }
    }
}
