#if canImport(Glibc)
import Glibc
#endif

/// `tail -F` for one file: reads what is there, then what is appended; survives rotation (the
/// name now leads to another file: the old one is read to its end first) and truncation.
public final class FollowedFile {
    public let path: String
    private var fd: Int32 = -1
    private var identity: (dev: UInt64, ino: UInt64)?
    private var offset: Int64 = 0
    private var lines = LineAccumulator()
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    /// Why the path is not being read now: nil while it is open. Kept up to date by `poll`.
    public private(set) var waitingReason: String?

    /// What `poll` found happened to the file since the last call, told as `tail -F` tells it
    /// (truncated, replaced by another file).
    public func takeNotices() -> [String] {
        defer { notices = [] }
        return notices
    }
    private var notices: [String] = []

    public init(path: String) {
        self.path = path
        reopen()
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Complete lines written since the last call, each ending in a newline.
    public func poll() -> [UInt8] {
        var out: [UInt8] = []
        if fd < 0 { reopen() }
        guard fd >= 0 else { return out }
        var st = stat()
        if fstat(fd, &st) == 0, Int64(st.st_size) < offset {
            // Truncated in place (copytruncate): start again from the top.
            offset = 0
            lines = LineAccumulator()
            notices.append("truncated; reading it again from the start")
        }
        out += drain()
        if rotated() {
            notices.append("replaced by another file (rotated); the old one was read to its end, following the new one")
            out += drain() + lines.finish()
            close(fd)
            fd = -1
            reopen()
            out += drain()
        }
        return out
    }

    private func drain() -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard n > 0 else { break }
            offset += Int64(n)
            out += lines.add(buffer[0..<n])
        }
        return out
    }

    private func rotated() -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, let identity else { return false }
        return UInt64(st.st_dev) != identity.dev || UInt64(st.st_ino) != identity.ino
    }

    /// Opens the path if it is a regular file. O_NONBLOCK because a FIFO's open() would wait
    /// for a writer (and a device's reads need not end); anything but a regular file is
    /// refused and the path is tried again at the next poll.
    private func reopen() {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let error = errno
            waitingReason = error == ENOENT ? "not there yet; waiting for it to appear"
                : "cannot open (\(String(cString: strerror(error)))); trying again"
            return
        }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            waitingReason = "not a regular file (\(Self.kind(st.st_mode))): not read; waiting for a regular file there"
            close(fd)
            fd = -1
            return
        }
        waitingReason = nil
        identity = (UInt64(st.st_dev), UInt64(st.st_ino))
        offset = 0
        lines = LineAccumulator()
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "file type \(String(mode & S_IFMT, radix: 8))"
        }
    }
}
