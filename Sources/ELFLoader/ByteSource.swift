import SystemPackage
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Random access to the bytes of a file, so an ELF is read piecewise: headers and the
/// dynamic section, never the whole of a 100 MB library.
public protocol ByteSource {
    var size: UInt64 { get }
    /// Exactly `count` bytes at `offset`, or nil if they are not all there.
    func read(at offset: UInt64, count: Int) -> [UInt8]?
    /// Up to `max` bytes at `offset`, fewer at the end; nil where the source cannot say.
    func readAvailable(at offset: UInt64, max: Int) -> [UInt8]?
}

extension ByteSource {
    public func readAvailable(at offset: UInt64, max: Int) -> [UInt8]? { nil }
}

/// A source whose first bytes are read once, in one call: an ELF file's header, program
/// headers and interpreter path nearly always lie in its first page, so parsing them costs one
/// read instead of four (the run over thousands of programs reads each executable's headers).
/// Reads past the prefetched bytes go to the source.
struct PrefetchedHead: ByteSource {
    static let length = 4096
    let source: ByteSource
    let head: [UInt8]

    init(_ source: ByteSource) {
        self.source = source
        head = source.readAvailable(at: 0, max: Self.length) ?? []
    }

    var size: UInt64 { source.size }

    func read(at offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, offset <= UInt64(head.count), UInt64(count) <= UInt64(head.count) - offset else {
            return source.read(at: offset, count: count)
        }
        return Array(head[Int(offset)..<(Int(offset) + count)])
    }
}

public struct MemoryBytes: ByteSource {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var size: UInt64 { UInt64(bytes.count) }
    public func read(at offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else { return nil }
        let start = Int(offset)
        return Array(bytes[start..<(start + count)])
    }
}

/// A file opened read-only; reads use pread, so the descriptor has no shared position.
public final class FileBytes: ByteSource {
    private let fd: FileDescriptor

    /// Opens without following a final symlink: callers resolve paths themselves, inside their root.
    /// Non-blocking, so a file swapped for a FIFO after it was checked fails instead of hanging.
    public init(path: String) throws {
        fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec, .noFollow, .nonBlocking])
    }

    /// The same, for a path relative to an open directory (`openat`). `beneath`: the path is
    /// one resolved inside that directory, to be opened only if it still lies there, with no
    /// symlink on the way (one put there since, by a root that changes while it is read, would
    /// otherwise lead the open out). Where openat2 is missing (Linux before 5.6: ENOSYS) or
    /// refused by a sandbox's syscall filter (EPERM; a file the kernel refuses gives openat that too), as `openat`.
    init(directory: Int32, path: UnsafePointer<CChar>, beneath: Bool = false) throws {
        let flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK
        var raw: Int32
        repeat { raw = beneath ? clinux_openat_beneath(directory, path, flags) : -1 } while raw < 0 && errno == EINTR
        if beneath, raw < 0, errno != ENOSYS, errno != EPERM { throw Errno(rawValue: errno) }
        if raw < 0 {
            repeat { raw = openat(directory, path, flags) } while raw < 0 && errno == EINTR
        }
        guard raw >= 0 else { throw Errno(rawValue: errno) }
        fd = FileDescriptor(rawValue: raw)
    }

    deinit { try? fd.close() }

    /// Asked only by the few callers that read a whole file; a short pread marks the end otherwise.
    public var size: UInt64 {
        guard let end = try? fd.seek(offset: 0, from: .end) else { return 0 }
        return UInt64(max(end, 0))
    }

    /// The whole file, at most `limit` bytes (nil past it). Read to end of file rather than by
    /// size: sysfs and procfs files report sizes (4096, 0) that are not their contents'.
    public func contents(limit: Int) -> [UInt8]? {
        var out: [UInt8] = []
        let step = 1 << 16
        while out.count <= limit {
            guard let chunk = readAvailable(at: UInt64(out.count), max: step), !chunk.isEmpty else { return out }
            out += chunk
        }
        return nil
    }

    /// Up to `max` bytes at `offset`: fewer at end of file, none past it; nil on a read error.
    public func readAvailable(at offset: UInt64, max: Int) -> [UInt8]? {
        guard max >= 0, offset <= UInt64(Int64.max) else { return nil }
        // Not zeroed first: the read fills what is kept (a whole executable is read so, for
        // every program of a run), and the array ends where the read did.
        var failed = false
        let out = [UInt8](unsafeUninitializedCapacity: max) { buffer, count in
            let n = try? fd.read(fromAbsoluteOffset: Int64(offset), into: UnsafeMutableRawBufferPointer(buffer))
            failed = n == nil
            count = n ?? 0
        }
        return failed ? nil : out
    }

    public func read(at offset: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, offset <= UInt64(Int64.max) - UInt64(count) else { return nil }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { raw in
                try? fd.read(fromAbsoluteOffset: Int64(offset) + Int64(done),
                             into: UnsafeMutableRawBufferPointer(rebasing: raw[done...]))
            }
            guard let n, n > 0 else { return nil }
            done += n
        }
        return out
    }
}

/// Offsets, lengths and counts read from a file can hold any value, so sums and products of
/// them go through here: an overflow means the file is malformed and becomes an `ELFError`
/// naming what overflowed, never a trap.
enum Checked {
    static func sum(_ terms: UInt64..., what: @autoclosure () -> String) throws -> UInt64 {
        var total: UInt64 = 0
        for term in terms {
            let (next, overflow) = total.addingReportingOverflow(term)
            if overflow { throw ELFError("\(what()) overflows a 64-bit offset (\(terms.map(String.init).joined(separator: " + ")))") }
            total = next
        }
        return total
    }

    static func product(_ a: UInt64, _ b: UInt64, what: @autoclosure () -> String) throws -> UInt64 {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { throw ELFError("\(what()) overflows a 64-bit offset (\(a) × \(b))") }
        return result
    }
}
