import Foundation
import SystemPackage
import Testing
import TestSupport
@testable import AuditInput

@Suite struct LineReaderTests {
    private func lines(_ bytes: [UInt8], max: Int = 64, chunk: Int = 7) throws -> [Line] {
        let dir = try TemporaryDirectory()
        let path = try dir.file("input")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let fd = try FileDescriptor.open(FilePath(path), .readOnly)
        defer { try? fd.close() }
        var reader = LineReader(fd: fd, maxLineLength: max, chunkSize: chunk)
        var out: [Line] = []
        while let line = try reader.next() { out.append(line) }
        return out
    }

    @Test func splitsLinesAcrossChunksAndStripsCR() throws {
        let got = try lines(Array("one\r\ntwo\n\nthree".utf8))
        #expect(got.map { String(decoding: $0.bytes, as: UTF8.self) } == ["one", "two", "", "three"])
        #expect(got.map(\.number) == [1, 2, 3, 4])
    }

    @Test func overlongLinesAreCutNotBuffered() throws {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 1000)
        let got = try lines(long + Array("\nafter\n".utf8), max: 64)
        #expect(got.count == 2)
        #expect(got[0].truncated)
        #expect(got[0].bytes.count == 64)
        #expect(String(decoding: got[1].bytes, as: UTF8.self) == "after")
        #expect(got[1].number == 2)
    }

    @Test func nulBytesAndInvalidUTF8PassThrough() throws {
        let got = try lines([0x74, 0x00, 0xff, 0xfe, 0x0a])
        #expect(got.count == 1)
        #expect(got[0].bytes == [0x74, 0x00, 0xff, 0xfe])
    }

    @Test func streamCountsMalformedLines() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("log", "garbage\ntype=EOE msg=audit(1.001:1): \nmore garbage\n----\n")
        var stream = try RecordStream(.file(path))
        var records = 0, boundaries = 0
        while let item = try stream.next() {
            switch item {
            case .record: records += 1
            case .boundary: boundaries += 1
            case .loaderMessage: Issue.record("no loader message in this input")
            }
        }
        stream.close()
        #expect(records == 1)
        #expect(boundaries == 1)
        #expect(stream.stats.malformed == 2)
        #expect(stream.stats.malformedSample == [1, 3])
    }
}
