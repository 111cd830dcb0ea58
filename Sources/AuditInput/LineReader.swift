import SystemPackage

/// One line of input, without its terminator, and where it came from.
public struct Line: Sendable {
    public var bytes: [UInt8]
    public var number: Int
    /// True when the line was longer than the reader's limit and was cut.
    public var truncated: Bool
}

/// Splits a file descriptor into lines, reading in fixed-size chunks so memory stays bounded:
/// a line longer than `maxLineLength` is cut at the limit and the rest of it skipped, never buffered.
public struct LineReader {
    public static let defaultMaxLineLength = 1 << 20

    private let fd: FileDescriptor
    private let maxLineLength: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private var lineNumber = 0
    private var skippingOverlong = false
    private var chunk: [UInt8]

    public init(fd: FileDescriptor, maxLineLength: Int = LineReader.defaultMaxLineLength, chunkSize: Int = 1 << 16) {
        self.fd = fd
        self.maxLineLength = maxLineLength
        self.chunk = [UInt8](repeating: 0, count: chunkSize)
    }

    /// The next line, or nil at end of input. Read errors other than EINTR end the input and are thrown.
    public mutating func next() throws -> Line? {
        while true {
            if let nl = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let content = buffer[start..<nl]
                start = nl + 1
                if skippingOverlong {
                    skippingOverlong = false
                    continue
                }
                lineNumber += 1
                return Line(bytes: stripCR(content), number: lineNumber, truncated: false)
            }
            let pending = buffer.count - start
            if pending >= maxLineLength && !skippingOverlong {
                lineNumber += 1
                let line = Line(bytes: Array(buffer[start..<(start + maxLineLength)]), number: lineNumber, truncated: true)
                buffer.removeAll(keepingCapacity: true)
                start = 0
                skippingOverlong = true
                return line
            }
            if skippingOverlong {
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            if eof {
                guard start < buffer.count else { return nil }
                let content = buffer[start...]
                start = buffer.count
                if skippingOverlong { return nil }
                lineNumber += 1
                return Line(bytes: stripCR(content), number: lineNumber, truncated: false)
            }
            try fill()
        }
    }

    private mutating func fill() throws {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        let n = try chunk.withUnsafeMutableBytes { raw in
            try fd.read(into: raw, retryOnInterrupt: true)
        }
        if n == 0 { eof = true } else { buffer.append(contentsOf: chunk[0..<n]) }
    }

    private func stripCR(_ s: ArraySlice<UInt8>) -> [UInt8] {
        Array(s.last == UInt8(ascii: "\r") ? s.dropLast() : s)
    }
}
