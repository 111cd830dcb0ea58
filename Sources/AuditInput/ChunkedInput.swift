#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// Where bytes come from: a file descriptor, or a gzip stream over one.
public protocol ChunkSource {
    /// Reads up to `buffer.count` bytes; 0 at end of input. Throws on read errors.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Frees what the source allocated (zlib state).
    func release()
}

extension ChunkSource {
    public func release() {}
}

/// Bytes already read (to sniff the format) handed out before the rest of the source.
struct PrefixedSource: ChunkSource {
    var prefix: [UInt8]
    var inner: any ChunkSource

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard prefix.isEmpty else {
            let n = min(prefix.count, buffer.count)
            prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
            prefix.removeFirst(n)
            return n
        }
        return try inner.read(into: buffer)
    }

    func release() { inner.release() }

    /// The source as it should be read: gzip'd input (magic 1f 8b) is inflated on the way.
    static func sniffing(_ source: any ChunkSource) throws -> any ChunkSource {
        var source = source
        var head = [UInt8](repeating: 0, count: 2)
        var got = 0
        while got < 2 {
            let n = try head.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
            if n == 0 { break }
            got += n
        }
        let prefixed = PrefixedSource(prefix: Array(head[0..<got]), inner: source)
        if got == 2, head[0] == 0x1f, head[1] == 0x8b { return try GzipSource(prefixed) }
        return prefixed
    }
}

/// Bytes already in memory.
struct MemorySource: ChunkSource {
    let bytes: [UInt8]
    var offset = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(bytes.count - offset, buffer.count)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}

public struct DescriptorSource: ChunkSource {
    let fd: FileDescriptor
    public init(_ fd: FileDescriptor) { self.fd = fd }
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try fd.read(into: buffer, retryOnInterrupt: true)
    }
}

/// Cuts input into large regions that end at a line boundary, so lines can be scanned in place.
/// A line longer than `maxLineLength` is cut at the limit (flagged) and the rest of it skipped,
/// never buffered: memory stays at two chunks plus two lines whatever the input.
///
/// A piece stays valid until the next call, or the one after it if that is told to keep it:
/// the reader then moves to its second buffer, so the stream can pre-scan the next region on a
/// worker thread while the main thread still reads the lines of this one.
struct ChunkedInput {
    private var source: any ChunkSource
    /// Where the unread bytes are; `spare` holds the piece handed out before (or nothing).
    private var buffer: UnsafeMutableRawBufferPointer
    private var spare: UnsafeMutableRawBufferPointer
    /// Whether `buffer` holds the piece handed out last, and whether this call must leave it alone.
    private var holdsLastPiece = false
    private var keepLastPiece = false
    private var start = 0
    private var filled = 0
    private var eof = false
    private var skipping = false
    /// A read error met after some data: that data is handed out first, then this is thrown.
    private var deferredError: (any Error)?
    let chunkSize: Int
    let maxLineLength: Int

    init(source: any ChunkSource, chunkSize: Int, maxLineLength: Int) {
        self.source = source
        self.chunkSize = chunkSize
        self.maxLineLength = maxLineLength
        // A chunk and a line of the limit, with its CR: room to see whether the line goes on.
        buffer = .allocate(byteCount: chunkSize + maxLineLength + 1, alignment: 16)
        spare = .allocate(byteCount: chunkSize + maxLineLength + 1, alignment: 16)
    }

    func deallocate() {
        buffer.deallocate()
        spare.deallocate()
        source.release()
    }

    enum Piece {
        /// Whole lines, the last one ending with its newline (or at end of input).
        case lines(UnsafeRawBufferPointer)
        /// The first `maxLineLength` bytes of a longer line.
        case truncatedLine(UnsafeRawBufferPointer)
    }

    /// The next piece, nil at end of input. `keepingLast`: the piece handed out last stays
    /// valid through this call (only then is the second buffer used).
    mutating func next(keepingLast: Bool) throws -> Piece? {
        keepLastPiece = keepingLast
        let piece = try nextPiece()
        holdsLastPiece = piece != nil
        return piece
    }

    private mutating func nextPiece() throws -> Piece? {
        while true {
            let base = buffer.baseAddress!
            let pending = filled - start
            if skipping {
                if pending > 0, let nl = memchr(base + start, 0x0a, pending) {
                    start = base.distance(to: nl) + 1
                    skipping = false
                    continue
                }
                start = filled
                if eof { return nil }
                try fill()
                continue
            }
            // Read a full chunk before handing out lines: large regions amortise the per-region work.
            if !eof && pending < chunkSize {
                try fill()
                continue
            }
            if pending > 0, let nl = lastNewline(from: start, to: filled) {
                let end = nl + 1
                defer { start = end }
                return .lines(UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
            }
            // No line end in sight: the line is cut once it is certainly longer than the limit
            // as the pre-scan measures it (without the one CR before its LF), so a line of just
            // the limit is whole however the input was cut into chunks.
            if pending > maxLineLength + 1 || (pending == maxLineLength + 1 && buffer[filled - 1] != 0x0d) {
                let cut = start + maxLineLength
                defer { start = cut; skipping = true }
                return .truncatedLine(UnsafeRawBufferPointer(rebasing: buffer[start..<cut]))
            }
            if eof {
                guard pending > 0 else {
                    if let error = deferredError { deferredError = nil; throw error }
                    return nil
                }
                defer { start = filled }
                return .lines(UnsafeRawBufferPointer(rebasing: buffer[start..<filled]))
            }
            try fill()
        }
    }

    /// The last newline sits within a line's length of the end, so a backward byte loop is enough.
    private func lastNewline(from: Int, to: Int) -> Int? {
        var i = to - 1
        while i >= from {
            if buffer[i] == 0x0a { return i }
            i -= 1
        }
        return nil
    }

    private mutating func fill() throws {
        if start > 0 {
            // The unread rest moves to the start of a buffer: the other one while this one
            // holds the last piece handed out, which is still being read.
            let keep = filled - start
            if holdsLastPiece && keepLastPiece {
                if keep > 0 { memcpy(spare.baseAddress!, buffer.baseAddress! + start, keep) }
                swap(&buffer, &spare)
                holdsLastPiece = false
            } else if keep > 0 {
                memmove(buffer.baseAddress!, buffer.baseAddress! + start, keep)
            }
            filled = keep
            start = 0
        }
        while !eof, filled < buffer.count {
            let n: Int
            do {
                n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            } catch {
                guard filled > start else { throw error }
                deferredError = error
                eof = true
                return
            }
            if n == 0 { eof = true } else { filled += n }
            if filled - start >= chunkSize { break }
        }
    }
}
