#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A directory treated as `/`: the real root, or a copy of another host's files (an
/// sosreport, an unpacked image). Paths are resolved one component at a time, symlinks
/// included, and `..` and absolute link targets are clamped at the root, so no path ever leads out.
public struct FileSystemRoot: Sendable, Equatable {
    /// The host directory that plays `/`, without a trailing slash ("" for the real root).
    public let hostPrefix: String
    /// That directory held open, so files are looked up relative to it (`fstatat`, `openat`):
    /// the kernel then walks only the components inside the root, not the prefix again for each
    /// of the thousands of lookups a run over many programs makes. Nil for the real root, or
    /// when the directory could not be opened (then paths under `hostPrefix` are used).
    private let directory: OpenDirectory?

    public static let system = FileSystemRoot(hostPrefix: "")

    /// `directory` must be an absolute or relative path to an existing directory.
    public init(directory: String) {
        var d = directory
        while d.count > 1, d.hasSuffix("/") { d.removeLast() }
        self.init(hostPrefix: d == "/" ? "" : d)
    }

    private init(hostPrefix: String) {
        self.hostPrefix = hostPrefix
        directory = hostPrefix.isEmpty ? nil : OpenDirectory(hostPrefix)
    }

    /// The same directory is the same root, whether or not it is held open.
    public static func == (a: FileSystemRoot, b: FileSystemRoot) -> Bool { a.hostPrefix == b.hostPrefix }

    /// Calls `body` with the directory descriptor and path that name an in-root path for the
    /// `*at` calls: relative to the open root, else the host path from the working directory.
    func at<T>(_ path: String, _ body: (Int32, UnsafePointer<CChar>) throws -> T) rethrows -> T {
        guard let directory else { return try hostPath(path).withCString { try body(AT_FDCWD, $0) } }
        // The path past its leading slashes, in place: no copy of the string for each lookup.
        return try path.withCString { whole in
            var relative = whole
            while relative.pointee == CChar(UInt8(ascii: "/")) { relative += 1 }
            return try relative.pointee == 0 ? body(directory.descriptor, ".") : body(directory.descriptor, relative)
        }
    }

    public var isSystemRoot: Bool { hostPrefix.isEmpty }

    /// Where a path inside the root lives on this host.
    public func hostPath(_ path: String) -> String { hostPrefix + (path.hasPrefix("/") ? path : "/" + path) }

    static let maxSymlinks = 40

    /// The canonical path inside the root of an existing file, following every symlink;
    /// nil if a component is missing or links loop.
    public func resolve(_ path: String) -> String? { try? resolution(path).get() }

    /// The same, saying why a path does not resolve: which component is missing, or a loop.
    public func resolution(_ path: String) -> Result<String, ELFError> {
        var directories = KnownDirectories()
        return resolution(path, directories: &directories)
    }

    /// The same, skipping the `lstat` of components already known to be real directories.
    public func resolution(_ path: String, directories: inout KnownDirectories) -> Result<String, ELFError> {
        walk(path, directories: &directories).map(\.path).mapError(\.error)
    }

    /// Why a walk stopped, put into words only when someone reads it: most lookups of a run
    /// over many programs fail (programs not on this host) and only the failure is needed.
    private enum WalkFailure: Error {
        case nul, tooManyLinks
        case missing(String, errno: Int32)
        case unreadableLink(String)

        var error: ELFError {
            switch self {
            case .nul: ELFError("the path contains a NUL byte")
            case .tooManyLinks: ELFError("too many levels of symbolic links")
            case .missing(let candidate, let errno): ELFError("\(candidate): \(String(cString: strerror(errno)))")
            case .unreadableLink(let candidate): ELFError("\(candidate): cannot read the symbolic link")
            }
        }
    }

    /// The walk behind `resolution`, with what `lstat` said of the path it ends at when that was
    /// its last lookup (not a directory known before, nor one reached by `..`): for a regular
    /// file that is what `stat` would say, so its identity costs no second call.
    private func walk(_ path: String, directories: inout KnownDirectories) -> Result<(path: String, status: stat?), WalkFailure> {
        guard !path.utf8.contains(0) else { return .failure(.nul) }
        var status: stat?
        // What is left to resolve: the path, then the target of each symlink met on top of it.
        var pending = [PathComponents(path)]
        var resolved: [Substring] = []
        // "/" + resolved.joined("/"), kept alongside rather than joined again for each component.
        var resolvedPath = ""
        var links = 0
        while let part = PathComponents.next(of: &pending) {
            if part == "." || part.isEmpty { continue }
            status = nil
            if part == ".." {
                _ = resolved.popLast()
                resolvedPath = resolved.isEmpty ? "" : "/" + resolved.joined(separator: "/")
                continue
            }
            let candidate = resolvedPath + "/" + part
            if directories.contains(candidate) {
                resolved.append(part)
                resolvedPath = candidate
                continue
            }
            var st = stat()
            let error = at(candidate) { fstatat($0, $1, &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno }
            guard error == 0 else { return .failure(.missing(candidate, errno: error)) }
            if st.st_mode & S_IFMT == S_IFLNK {
                links += 1
                guard links <= Self.maxSymlinks else { return .failure(.tooManyLinks) }
                guard let target = readLink(candidate) else { return .failure(.unreadableLink(candidate)) }
                if target.hasPrefix("/") {
                    resolved.removeAll()
                    resolvedPath = ""
                }
                pending.append(PathComponents(target))
            } else {
                if st.st_mode & S_IFMT == S_IFDIR { directories.insert(candidate) }
                resolved.append(part)
                resolvedPath = candidate
                status = st
            }
        }
        return .success((resolvedPath.isEmpty ? "/" : resolvedPath, status))
    }

    /// True if the path resolves to a regular file inside the root.
    public func regularFile(_ path: String) -> String? {
        regularFileIdentity(path)?.path
    }

    /// The regular file a path resolves to inside the root, with its identity; nil if it is
    /// missing or not a regular file.
    public func regularFileIdentity(_ path: String) -> FileIdentity? {
        var directories = KnownDirectories()
        return regularFileIdentity(path, directories: &directories)
    }

    /// The same, with components already known to be directories not looked up again.
    public func regularFileIdentity(_ path: String, directories: inout KnownDirectories) -> FileIdentity? {
        guard case .success(let (real, status)) = walk(path, directories: &directories) else { return nil }
        guard let status else { return identity(ofResolved: real) }
        return Self.regularIdentity(real, status)
    }

    /// The identity of a regular file at a path already resolved inside the root (no symlink
    /// walk: one `stat`), to tell whether a file read before is still the same file.
    public func identity(ofResolved real: String) -> FileIdentity? {
        var st = stat()
        guard at(real, { fstatat($0, $1, &st, 0) }) == 0 else { return nil }
        return Self.regularIdentity(real, st)
    }

    private static func regularIdentity(_ real: String, _ st: stat) -> FileIdentity? {
        guard st.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileIdentity(path: real, device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                            modified: Int64(st.st_mtim.tv_sec), modifiedNanoseconds: Int64(st.st_mtim.tv_nsec))
    }

    /// Opens a file inside the root for reading, after resolving it.
    public func open(_ path: String) throws -> FileBytes {
        guard let real = regularFile(path) else { throw ELFError("no such file inside the analysed root") }
        return try open(resolved: real)
    }

    /// Opens a path already resolved inside the root (a `FileIdentity`'s): no lookup per
    /// component, and a symlink put on its way since is refused rather than followed.
    public func open(resolved real: String) throws -> FileBytes {
        try at(real) { try FileBytes(directory: $0, path: $1, beneath: directory != nil) }
    }

    /// Reads a whole small file inside the root (ld.so.cache, ld.so.conf), at most `limit` bytes.
    /// Nil if the file is missing or larger than `limit`.
    public func contents(_ path: String, limit: Int = 64 << 20) -> [UInt8]? {
        (try? open(path))?.contents(limit: limit)
    }

    /// The target of a symlink at an in-root path.
    private func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = at(path) { readlinkat($0, $1, &buffer, buffer.count - 1) }
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A directory held open for as long as a root that names it is in use.
private final class OpenDirectory: Sendable {
    let descriptor: Int32

    init?(_ path: String) {
        // Read-only rather than O_PATH, which Glibc's module does not export: listing it is allowed anyway.
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        descriptor = fd
    }

    deinit { close(descriptor) }
}

/// A path's components, by "/", taken one at a time from the front (empty ones included),
/// so resolving a path builds no list of them. An ASCII path is split by byte, which is what
/// splitting by Character gives there at a fraction of the cost (every program of a run is
/// looked up); elsewhere a "/" followed by a combining mark is no separator, so Characters decide.
struct PathComponents {
    private var rest: Substring
    private let ascii: Bool

    init(_ path: String) {
        rest = path[...]
        ascii = path.utf8.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0x80 } } ?? path.utf8.allSatisfy { $0 < 0x80 }
    }

    /// The next component of the innermost path in `stack` not yet used up.
    static func next(of stack: inout [PathComponents]) -> Substring? {
        while let top = stack.indices.last {
            if let part = stack[top].next() { return part }
            stack.removeLast()
        }
        return nil
    }

    private mutating func next() -> Substring? {
        guard !rest.isEmpty else { return nil }
        let separator = ascii ? rest.utf8.firstIndex(of: UInt8(ascii: "/")) : rest.firstIndex(of: "/")
        guard let separator else {
            defer { rest = rest[rest.endIndex...] }
            return rest
        }
        defer { rest = rest[rest.index(after: separator)...] }
        return rest[..<separator]
    }
}

extension String {
    /// The last non-empty component of a path (a file's base name), as splitting by "/" gives
    /// it; nil when there is none ("", "/"). Found from the end rather than by splitting the whole
    /// path: it is asked of objects of every program. By byte in ASCII paths only, as
    /// `PathComponents` splits: elsewhere a "/" followed by a combining mark is no separator.
    public var lastNonEmptyPathComponent: Substring? {
        let ascii = utf8.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0x80 } } ?? utf8.allSatisfy { $0 < 0x80 }
        guard ascii else { return split(separator: "/").last }
        let trimmed = utf8.reversed().drop { $0 == UInt8(ascii: "/") }
        guard !trimmed.isEmpty else { return nil }
        let end = trimmed.startIndex.base
        let start = utf8[..<end].lastIndex(of: UInt8(ascii: "/")).map { utf8.index(after: $0) } ?? startIndex
        return self[start..<end]
    }

    /// That component, or the path itself when it has none.
    public var lastPathComponent: String { lastNonEmptyPathComponent.map(String.init) ?? self }
}
