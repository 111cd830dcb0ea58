import Testing
@testable import AuditInput

/// Streams (followed files, auditd's plugin stream) cut over-long lines as files do: the cut
/// is counted and the rest of the line is skipped, never read as a line of its own.
@Suite struct LineBatchTests {
    static let record = Array("type=AVC msg=audit(1795770000.120:8): avc:  denied  { execmem } for  pid=7 comm=\"x\" scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=process permissive=0\n".utf8)

    @Test func theRestOfAnOverlongLineIsNotARecord() {
        // A long line whose tail looks like a record: it must not be taken for one.
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 300) + Self.record.dropLast() + [0x0a]
        var lines = LineAccumulator(maxLineLength: 200)
        var parser = LineBatchParser(name: "stream", maxLineLength: 200)
        var items: [StreamItem] = []
        // Handed over in odd pieces, as reads from a pipe come.
        let stream = long + Self.record
        var offset = 0
        while offset < stream.count {
            let n = min(37, stream.count - offset)
            items += parser.parse(lines.add(stream[offset..<(offset + n)]))
            offset += n
        }
        items += parser.parse(lines.finish())
        let records = items.compactMap { if case .record(let r) = $0 { return r } else { return nil } }
        #expect(records.map(\.source.line) == [2], "only the real record, on line 2")
        #expect(parser.stats.truncated == 1)
        #expect(parser.stats.lines == 2)
    }

    @Test func linesUpToTheLimitPassWhole() {
        var lines = LineAccumulator(maxLineLength: Self.record.count)
        var parser = LineBatchParser(name: "stream", maxLineLength: Self.record.count)
        let items = parser.parse(lines.add(ArraySlice(Self.record + Self.record)))
        #expect(items.count == 2)
        #expect(parser.stats.truncated == 0)
    }

    /// However the reads cut the stream, the same lines come out, with the same cuts counted:
    /// lines that span reads, an over-long line inside one read, one that spans reads, CRLF.
    @Test func readSizesDoNotChangeTheLines() {
        let long = [UInt8](repeating: UInt8(ascii: "y"), count: 250) + [0x0a]
        let crlf = Self.record.dropLast() + [0x0d, 0x0a]
        let stream = Self.record + long + Self.record + crlf + long + long + Self.record + Self.record.dropLast()
        func read(inPiecesOf size: Int) -> (lines: [Int], truncated: Int, counted: Int) {
            var lines = LineAccumulator(maxLineLength: 200)
            var parser = LineBatchParser(name: "stream", maxLineLength: 200)
            var items: [StreamItem] = []
            var offset = 0
            while offset < stream.count {
                let n = min(size, stream.count - offset)
                items += parser.parse(lines.add(stream[offset..<(offset + n)]))
                offset += n
            }
            items += parser.parse(lines.finish())
            let records = items.compactMap { if case .record(let r) = $0 { return r.source.line } else { return nil } }
            return (records, parser.stats.truncated, parser.stats.lines)
        }
        let whole = read(inPiecesOf: stream.count)
        #expect(whole.lines == [1, 3, 4, 7, 8])
        #expect(whole.truncated == 3)
        #expect(whole.counted == 8)
        for size in [1, 2, 7, 64, 199, 200, 201, 251, 400] {
            let pieces = read(inPiecesOf: size)
            #expect(pieces.lines == whole.lines, "reads of \(size) bytes")
            #expect(pieces.truncated == whole.truncated, "reads of \(size) bytes")
            #expect(pieces.counted == whole.counted, "reads of \(size) bytes")
        }
    }
}
