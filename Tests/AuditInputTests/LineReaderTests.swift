import Foundation
import SystemPackage
import Testing
import TestSupport
@testable import AuditInput

/// Reading in chunks: line ends, overlong lines, odd bytes, and what is kept.
@Suite struct ChunkedReadingTests {
    /// Every item of a stream over these bytes, with the stream's final counts.
    private func read(_ bytes: [UInt8], keepEverything: Bool = true, maxLine: Int = 64) throws -> ([StreamItem], InputStats) {
        let dir = try TemporaryDirectory()
        let path = try dir.file("input")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var stream = try RecordStream(.file(path), layout: ScanLayout(chunkSize: ScanLayout.standard.chunkSize, parallelThreshold: ScanLayout.standard.parallelThreshold, maxLineLength: maxLine), keepEverything: keepEverything)
        defer { stream.close() }
        var items: [StreamItem] = []
        while let item = try stream.next() { items.append(item) }
        return (items, stream.stats)
    }

    private func records(_ items: [StreamItem]) -> [Record] {
        items.compactMap { if case .record(let r) = $0 { return r } else { return nil } }
    }

    @Test func crlfAndMissingFinalNewline() throws {
        let text = "type=EOE msg=audit(1.001:1): \r\n\r\ntype=EOE msg=audit(1.001:2): "
        let (items, stats) = try read(Array(text.utf8))
        #expect(records(items).map(\.key.id.serial) == [1, 2])
        #expect(records(items).map(\.source.line) == [1, 3])
        #expect(stats.lines == 3)
    }

    @Test func overlongLinesAreCutNotBuffered() throws {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 1000)
        let (items, stats) = try read(long + Array("\ntype=EOE msg=audit(1.001:7): \n".utf8), maxLine: 64)
        #expect(stats.truncated == 1)
        #expect(records(items).first?.source.line == 2)
    }

    @Test func nulBytesAndInvalidUTF8AreJustNotRecords() throws {
        let (items, stats) = try read([0x74, 0x00, 0xff, 0xfe, 0x0a])
        #expect(items.isEmpty)
        #expect(stats.malformed == 1)
    }

    @Test func malformedLinesAreCountedWithTheirNumbers() throws {
        let (items, stats) = try read(Array("garbage\ntype=EOE msg=audit(1.001:1): \nmore garbage\n----\n".utf8))
        #expect(records(items).count == 1)
        #expect(items.contains { if case .boundary = $0 { return true } else { return false } })
        #expect(stats.malformed == 2)
        #expect(stats.malformedSample == [1, 3])
    }

    @Test func onlyTheRecordsOfSELinuxEventsAreKept() throws {
        let log = """
        type=SYSCALL msg=audit(1.001:1): arch=c000003e syscall=2 success=yes exit=3
        type=PATH msg=audit(1.001:1): item=0 name="/etc/passwd"
        type=EOE msg=audit(1.001:1):
        type=AVC msg=audit(1.002:2): avc:  denied  { execmem } for  pid=1 comm="a" scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=process permissive=0
        type=SYSCALL msg=audit(1.002:2): arch=c000003e syscall=10 success=no exit=-13 a0=1 a1=1000 a2=1000007 a3=0
        type=PATH msg=audit(1.002:2): item=0 name="/x"
        type=PROCTITLE msg=audit(1.002:2): proctitle=61
        type=EOE msg=audit(1.002:2):
        type=SYSCALL msg=audit(1.003:3): arch=c000003e syscall=2 success=yes exit=3
        type=EOE msg=audit(1.003:3):

        """
        let (items, stats) = try read(Array(log.utf8), keepEverything: false, maxLine: 4096)
        #expect(records(items).map(\.type) == ["AVC", "SYSCALL", "PROCTITLE", "EOE"])
        #expect(stats.records == 10)
        #expect(stats.kept == 4)
    }

    @Test func companionsBeforeTheAVCAreFoundToo() throws {
        // ausearch prints newest first; some old kernels wrote SYSCALL before AVC.
        let log = """
        ----
        type=PROCTITLE msg=audit(1.002:2): proctitle=61
        type=SYSCALL msg=audit(1.002:2): arch=c000003e syscall=10 success=no exit=-13 a0=1 a1=1000 a2=1000007 a3=0
        type=AVC msg=audit(1.002:2): avc:  denied  { execmem } for  pid=1 comm="a" scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=process

        """
        let (items, _) = try read(Array(log.utf8), keepEverything: false, maxLine: 4096)
        // The AVC, then the companions found before it, in input order: the stream gives this
        // order however the input is cut into regions, and the assembler puts the event's
        // records back in input order.
        #expect(records(items).map(\.type) == ["AVC", "PROCTITLE", "SYSCALL"])
        #expect(records(items).map(\.source.line) == [4, 2, 3])
    }

    /// Event keys number their nodes, and the numbers are given anew (only to the nodes of
    /// events still looked for) once more than `NodeNumbers.limit` nodes were seen: a log naming
    /// a new node on every line keeps the table bounded, and every event its records.
    @Test func companionsAreFoundAcrossTheRenumberingOfNodes() throws {
        let events = NodeNumbers.limit + 5000
        var lines: [(at: Int, text: String)] = []
        for n in 0..<events {
            let stamp = "node=host\(n) type=%@ msg=audit(1700000000.000:\(n)): "
            lines.append((10 * n, String(format: stamp, "AVC") + "avc:  denied  { execmem } for  pid=1 comm=\"a\" scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=process"))
            // Each SYSCALL a few events away from its AVC, before it (kept aside) or after it
            // (looked for): some wait across the renumbering.
            lines.append((10 * n + (n % 2 == 0 ? -35 : 35), String(format: stamp, "SYSCALL") + "arch=c000003e syscall=10"))
        }
        let log = lines.sorted { $0.at < $1.at }.map { $0.text + "\n" }.joined()
        let (items, stats) = try read(Array(log.utf8), keepEverything: false, maxLine: 4096)
        let kept = records(items)
        #expect(stats.kept == 2 * events)
        let withSyscall = Set(kept.filter { $0.type == "SYSCALL" }.map(\.key))
        #expect(kept.filter { $0.type == "AVC" && !withSyscall.contains($0.key) }.map(\.key.description).prefix(3) == [])
    }
}
