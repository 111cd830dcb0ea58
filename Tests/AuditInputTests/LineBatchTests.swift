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
}
