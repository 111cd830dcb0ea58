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

    public init(path: String) {
        self.path = path
        reopen()
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Whether the file is open now (it may not exist yet).
    public var isOpen: Bool { fd >= 0 }

    /// Complete lines written since the last call.
    public func poll() -> [[UInt8]] {
        var out: [[UInt8]] = []
        if fd < 0 { reopen() }
        guard fd >= 0 else { return out }
        var st = stat()
        if fstat(fd, &st) == 0, Int64(st.st_size) < offset {
            // Truncated in place (copytruncate): start again from the top.
            offset = 0
            lines = LineAccumulator()
        }
        out += drain()
        if rotated() {
            out += drain() + lines.finish()
            close(fd)
            fd = -1
            reopen()
            out += drain()
        }
        return out
    }

    private func drain() -> [[UInt8]] {
        var out: [[UInt8]] = []
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

    private func reopen() {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        var st = stat()
        if fstat(fd, &st) == 0 { identity = (UInt64(st.st_dev), UInt64(st.st_ino)) }
        offset = 0
        lines = LineAccumulator()
    }
}
