import CZlib

/// A gzip stream (rotated `audit.log.N.gz`), inflated as it is read. Concatenated members,
/// as `cat a.gz b.gz` makes, are read one after another.
struct GzipSource: ChunkSource {
    private var inner: any ChunkSource
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var inputEOF = false
    private var finished = false
    /// Inside a gzip member: input that ends here was cut short.
    private var midMember = false

    init(_ inner: any ChunkSource) throws {
        self.inner = inner
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: 1 << 18, alignment: 16)
        // 15 + 32: a zlib or gzip header, detected.
        guard inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipError("cannot initialise zlib")
        }
    }

    public func release() {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0 && !inputEOF {
                let n = try inner.read(into: input)
                if n == 0 { inputEOF = true } else {
                    stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = UInt32(n)
                }
            }
            if stream.pointee.avail_in == 0 && inputEOF {
                let produced = buffer.count - Int(stream.pointee.avail_out)
                if produced == 0 && midMember { finished = true; throw GzipError("gzip data ends early (truncated file?)") }
                break
            }
            midMember = true
            let status = inflate(stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                midMember = false
                // Another member may follow.
                if stream.pointee.avail_in == 0 {
                    let n = try inner.read(into: input)
                    if n == 0 { inputEOF = true; finished = true; break }
                    stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = UInt32(n)
                }
                inflateReset(stream)
                continue
            }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                throw GzipError("corrupt gzip data" + (stream.pointee.msg.map { ": " + String(cString: $0) } ?? ""))
            }
        }
        return buffer.count - Int(stream.pointee.avail_out)
    }
}

public struct GzipError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
