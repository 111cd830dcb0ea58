import Foundation
import Testing
import TestSupport
@testable import AuditEvents
@testable import AuditInput

/// The real reading path — the scanner that keeps only SELinux events and their companions —
/// against libauparse, with chunk and split sizes forced small so that a few megabytes cross
/// thousands of region and parallel-split boundaries. Every event with an AVC must come out
/// with the same records (of the types the diagnosis reads) as the file holds for its key, and
/// as auparse's event wherever auparse has it whole: auparse itself completes some interleaved
/// events too early, and those are counted, not held against us.
@Suite struct BoundaryTests {
    /// The types the scanner keeps for an event; auparse's events hold others too (CWD, PATH).
    /// Records are compared as a set: auparse does not keep file order when events interleave.
    static let keptTypes: Set<String> = ["AVC", "SYSCALL", "PROCTITLE", "MMAP", "AVC_PATH"]

    static func avcEvents(_ summary: AuparseOracleTests.Summary) -> AuparseOracleTests.Summary {
        summary.compactMapValues { lines in
            let kept = lines.filter { keptTypes.contains(String($0.prefix { $0 != " " })) || $0 == "(split here)" }
            return kept.contains { $0.hasPrefix("AVC ") } ? kept.sorted() : nil
        }
    }

    /// Layouts that put a boundary every few lines: regions of about 1, 3 and 12 lines, split
    /// in two on two threads whenever they reach the threshold.
    static let layouts = [
        ScanLayout(chunkSize: 200, parallelThreshold: 2, maxLineLength: 1024),
        ScanLayout(chunkSize: 1000, parallelThreshold: 500, maxLineLength: 1024),
        ScanLayout(chunkSize: 4096, parallelThreshold: 2048, maxLineLength: 1024),
    ]

    struct Compared { var events: Int; var boundaries: Int; var differences: [String] }

    /// The file's own events: every record grouped by its (node, time, serial), with no window.
    static func truth(_ path: String) throws -> AuparseOracleTests.Summary {
        var stream = try RecordStream(.file(path), keepEverything: true)
        defer { stream.close() }
        var out: AuparseOracleTests.Summary = [:]
        while let item = try stream.next() {
            if case .record(let r) = item { out["\(r.key.node ?? "")|\(r.key.id)", default: []].append(AuparseOracleTests.line(r)) }
        }
        return avcEvents(out)
    }

    /// The file's events, checked against auparse: how many auparse has whole.
    static func expected(_ path: String) throws -> (events: AuparseOracleTests.Summary, auparseWhole: Int, auparseCut: Int) {
        let truth = try truth(path)
        let theirs = avcEvents(AuparseOracleTests.auparse(path))
        let whole = truth.filter { theirs[$0.key] == $0.value }.count
        return (truth, whole, truth.count - whole)
    }

    static func compare(_ path: String, expected: AuparseOracleTests.Summary, layout: ScanLayout, open: () throws -> RecordStream) throws -> Compared {
        var stream = try open()
        defer { stream.close() }
        var regions = 0
        stream.onChunk = { _ in regions += 1 }
        let mine = avcEvents(try AuparseOracleTests.summarize(&stream))
        var differences: [String] = []
        for key in Set(expected.keys).union(mine.keys).sorted() where expected[key] != mine[key] {
            differences.append("\(key):\n  auparse: \(expected[key] ?? [])\n  ours:    \(mine[key] ?? [])")
        }
        // Each region is a boundary; a region at or above the threshold is also split once.
        let split = layout.parallelThreshold <= layout.chunkSize ? 2 : 1
        return Compared(events: expected.count, boundaries: regions * split, differences: differences)
    }

    static func generate(_ dir: TemporaryDirectory, _ options: [String]) throws -> String {
        let genlog = dir.path + "/genlog"
        if !FileManager.default.fileExists(atPath: genlog) {
            try Toolchain.gcc(["-O2", "-o", "genlog", Package.root + "/Tests/Benchmarks/genlog.c"], in: dir.path)
        }
        let r = try Shell.run(genlog, ["3"] + options)
        return try dir.write("gen-\(options.joined(separator: "-")).log", r.stdout)
    }

    @Test(arguments: [["dense", "interleave"], ["dense", "interleave", "node"], ["dense", "interleave", "sysfirst"],
                      ["dense", "enriched", "node", "seed=7"], ["dense", "interleave", "sysfirst", "enriched", "node", "seed=3"]])
    func everyAVCEventKeepsItsRecordsAcrossBoundaries(_ options: [String]) throws {
        let dir = try TemporaryDirectory("boundaries")
        let path = try Self.generate(dir, options)
        let (expected, auparseWhole, auparseCut) = try Self.expected(path)
        #expect(expected.count > 1500)
        #expect(auparseWhole * 100 >= expected.count * 99, "auparse has only \(auparseWhole) of \(expected.count) events whole")
        var boundaries = 0
        for layout in Self.layouts {
            let c = try Self.compare(path, expected: expected, layout: layout) { try RecordStream(.file(path), layout: layout) }
            boundaries += c.boundaries
            #expect(c.differences.isEmpty, "\(options) chunk \(layout.chunkSize): \(c.differences.count) events differ, e.g. \(c.differences.prefix(2).joined(separator: "\n"))")
        }
        #expect(boundaries >= 10_000, "only \(boundaries) boundaries were crossed")
        print("\(options): \(expected.count) AVC events, all whole across \(boundaries) boundaries; auparse has \(auparseWhole) of them whole and \(auparseCut) cut")
    }

    /// The same through gzip, and through a pipe whose writer hands over odd-sized pieces.
    @Test func gzipAndPipeKeepEveryEventWhole() throws {
        let dir = try TemporaryDirectory("boundaries")
        let path = try Self.generate(dir, ["dense", "interleave", "node", "seed=11"])
        let expected = try Self.expected(path).events
        let layout = Self.layouts[1]
        _ = try Shell.run("/bin/gzip", ["-k", path])
        let gz = try Self.compare(path, expected: expected, layout: layout) { try RecordStream(.file(path + ".gz"), layout: layout) }
        #expect(gz.differences.isEmpty, "gzip: \(gz.differences.prefix(2).joined(separator: "\n"))")

        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let pipe = Pipe()
        let writer = Thread {
            var offset = 0, step = 1
            while offset < bytes.count {
                let n = min(bytes.count - offset, 1 + (step * 7919) % 3001)
                guard (try? pipe.fileHandleForWriting.write(contentsOf: Data(bytes[offset..<(offset + n)]))) != nil else { break }
                offset += n
                step += 1
            }
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        let fd = pipe.fileHandleForReading.fileDescriptor
        let piped = try Self.compare(path, expected: expected, layout: layout) { try RecordStream(.file("/dev/fd/\(fd)"), layout: layout) }
        #expect(piped.differences.isEmpty, "pipe: \(piped.differences.prefix(2).joined(separator: "\n"))")
        #expect(gz.boundaries + piped.boundaries > 1000)
    }

    /// In-memory bytes, read with any layout, give the same events as one region read whole.
    @Test func smallLayoutsGiveTheSameEventsAsOneRegion() throws {
        let dir = try TemporaryDirectory("boundaries")
        let path = try Self.generate(dir, ["dense", "interleave", "sysfirst", "node", "seed=5"])
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var whole = try RecordStream(bytes: bytes, name: "whole", layout: ScanLayout(chunkSize: bytes.count + 1, parallelThreshold: .max, maxLineLength: 1024))
        let reference = try AuparseOracleTests.summarize(&whole)
        for layout in Self.layouts {
            var cut = try RecordStream(bytes: bytes, name: "cut", layout: layout)
            let events = try AuparseOracleTests.summarize(&cut)
            #expect(events == reference, "chunk \(layout.chunkSize)")
        }
    }
}
