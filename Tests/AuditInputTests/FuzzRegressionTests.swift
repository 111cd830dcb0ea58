import Foundation
import Synchronization
import Testing
import TestSupport
import AuditEvents
@testable import AuditInput

/// Inputs the fuzzers (Tests/Fuzz) found crashing the reader, minimized, each kept as the bytes
/// that crashed. Each must now be read without a trap: refused or read, as its text allows.
@Suite struct FuzzRegressionTests {
    private func classify(_ line: String) -> LineForms.Classified {
        var forms = LineForms()
        return Array(line.utf8).withUnsafeBytes { forms.classify($0, number: 1, previous: nil) }
    }

    private func canonical(_ line: String) -> String? {
        guard case .record(let bytes) = classify(line) else { return nil }
        return bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// record_parser, 2026-11-29: a month of 34252982921 in an `ausearch -i` stamp trapped
    /// converting to tm's 32-bit field. The stamp's date is now ignored (time 0), its serial kept.
    @Test func interpretedStampWithAnImpossibleDateKeepsItsSerial() {
        let line = "type=AVC msg=audit(34252982921/29/26 01:07:59.231:9) : avc:  denied  { execmem }"
        #expect(canonical(line)?.hasPrefix("type=AVC msg=audit(0.231:9): avc:  denied") == true)
    }

    /// Found reading the same code: a negative millisecond count (`.-999`) asked String(repeating:)
    /// for -1 zeros. Such a stamp is no `ausearch -i` stamp.
    @Test func interpretedStampWithNegativeMillisecondsIsRefused() {
        let line = "type=AVC msg=audit(01/01/2000 00:00:00.-999:1) : avc:  denied  { execmem }"
        #expect(canonical(line)?.contains(InterpretedForm.marker) != true)
    }

    @Test func plausibleInterpretedDatesStillCount() {
        let line = "type=AVC msg=audit(09/16/21 13:24:49.083:65686) : avc:  denied  { execmem }"
        #expect(canonical(line).map { !$0.hasPrefix("type=AVC msg=audit(0.") } == true)
    }
}

/// Inputs on which the stream_split fuzzer (2026-11-29) found split reading (tiny chunks, parallel
/// halves) differing from whole reading, before halves were prescanned without state: a
/// `key=value` line opening a half was dropped uncounted (the half numbered its lines from 0),
/// the wrapped rest of a record in the next region was lost, and an AVC's SYSCALL and EOE after
/// the split were not kept. Then, on the prescanning code: the wrapped rest of a record that
/// opened the next region was dropped uncounted, the record having already been handed out; and
/// the rest of a record that took a companion from before it was dropped in whole reading; and a
/// companion the second half took from the first came after the first half's `----`, and one
/// taken from before a `----` in an earlier region joined the event after it.
@Suite struct SplitReadingTests {
    private func read(_ text: String, _ layout: ScanLayout, spare: SpareWork? = nil) throws -> [String] {
        var stream = try RecordStream(bytes: Array(text.utf8), name: "t", layout: layout)
        stream.spareWork = spare
        defer { stream.close() }
        var items: [String] = []
        while let item = try stream.next() {
            switch item {
            case .record(let r): items.append("\(r.source.line) \(r.type) \(r.body)")
            case .boundary: items.append("----")
            case .loaderMessage(let m): items.append("\(m.source.line) \(m.object)")
            }
        }
        let s = stream.stats
        return items + ["lines \(s.lines) records \(s.records) kept \(s.kept) malformed \(s.malformed) \(s.malformedSample) truncated \(s.truncated)"]
    }

    static let avc = #"type=AVC msg=audit(1700000001.000:50): avc:  denied  { execmem } for  pid=7 comm="a" scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=process permissive=0"#
    static let filler = (1...6).map { "type=USER_LOGIN msg=audit(1700000000.000:\($0)): pid=1 filler\n" }.joined()

    @Test(arguments: [
        "lx\n=\n",
        "type=AVC msg=audit(1700000001.000:50): avc:  denied  { execmod } for  pid=7 comm=\"a\" path=\"/lib/libp.so\"\nscontext=u:r:t:s0 tcontext=u:object_r:lib_t:s0 tclass=file\n",
        "\u{ff}type=AVC msg=audit(79.299:11)\nnREf\n",
        "type=SYSCALL msg=audit(1795914490.819:20): arch=c000003e syscall=10\n----\ntype=USER_LOGIN msg=audit(1795914490.819:1): pid=1\ntype=AVC msg=audit(1795914490.819:20): avc:  denied  { execmem }\n",
        "06\ntype=AVC_PATH msg=audit(1163773045.633:11388)\n----\ntype=AVC msg=audit(1163773045.633:11388):/l\n\"/",
        "type=SYSCALL msg=audit(1163774199.777:11573):\ntype=SELINUX_ERR msg=audit(1163774199.777:11573)ss\n=\u{2}\n",
        filler + avc + "\ntype=SYSCALL msg=audit(1700000001.000:50): arch=c000003e syscall=10 success=no exit=-13 a2=7 pid=7 key=(null)\ntype=EOE msg=audit(1700000001.000:50): \n" + filler,
    ])
    func splitReadingMatchesWholeReading(_ log: String) throws {
        for lineLimit in [32, 100, 288] {
            let whole = try read(log, ScanLayout(chunkSize: log.utf8.count + 1, parallelThreshold: Int.max, maxLineLength: lineLimit))
            for chunk in [1, 3, 41, 511] {
                for threshold in [2, 9, 64] {
                    #expect(try read(log, ScanLayout(chunkSize: chunk, parallelThreshold: threshold, maxLineLength: lineLimit)) == whole)
                }
            }
        }
    }

    /// stream_split, 2026-11-29: a line of exactly the length limit was cut when a chunk ended
    /// before its LF (the reader cut at the limit without seeing the line end) and whole in
    /// whole reading. Only a line longer than the limit, not counting a CR before its LF, is cut.
    @Test(arguments: [32, 100, 288])
    func aLineOfTheLimitIsWholeWhereverTheChunksEnd(_ limit: Int) throws {
        let x = { (n: Int) in String(repeating: "x", count: n) }
        let log = x(limit) + "\n" + x(limit) + "\r\n" + x(limit + 1) + "\n" + Self.avc + "\n" + x(limit)
        let whole = try read(log, ScanLayout(chunkSize: log.utf8.count + 1, parallelThreshold: .max, maxLineLength: limit))
        #expect(whole.last?.hasSuffix("truncated \(Self.avc.utf8.count > limit ? 2 : 1)") == true)
        for chunk in [1, 2, limit - 1, limit, limit + 1, limit + 2, 511] {
            for threshold in [2, 9, 64] {
                #expect(try read(log, ScanLayout(chunkSize: chunk, parallelThreshold: threshold, maxLineLength: limit)) == whole, "chunk \(chunk)")
            }
        }
    }

    /// `ausearch -i` lines make the next region's prescan start as soon as it is read, on a
    /// worker thread, while the region before is selected: the reader then keeps two regions'
    /// bytes. Read in small regions that way, such a log gives what whole reading gives.
    @Test(arguments: ["seed.ausearch-i.log", "chain.ausearch-i.log"])
    func interpretedLogPrescannedAheadMatchesWholeReading(_ name: String) throws {
        let log = try String(contentsOfFile: Package.root + "/SampleLogs/forms/" + name, encoding: .utf8)
        // The reader's buffer holds a chunk and a line's length: lines are shorter than 512 bytes.
        let whole = try read(log, ScanLayout(chunkSize: log.utf8.count + 1, parallelThreshold: .max, maxLineLength: 512))
        for chunk in [1, 97, 400, 1500] {
            for threshold in [2, 300] {
                #expect(try read(log, ScanLayout(chunkSize: chunk, parallelThreshold: threshold, maxLineLength: 512)) == whole)
            }
        }
    }

    /// Halves offered to another thread (`SpareWork`) and run by it, or by the stream when the
    /// helper has not begun them, give what whole reading gives: raw, pasted and `ausearch -i`
    /// logs in small regions. First with a helper that takes the first half of every region as
    /// soon as it is offered (so the helper's path is taken every time), then with a helper
    /// thread taking whatever it can meanwhile (so the two race).
    @Test(arguments: ["seed.ausearch-i.log", "chain.ausearch-i.log", "seed.ausearch-raw.log", "seed.enriched-pasted.log"])
    func halvesRunByAHelperMatchWholeReading(_ name: String) throws {
        let log = try String(contentsOfFile: Package.root + "/SampleLogs/forms/" + name, encoding: .utf8)
        let whole = try read(log, ScanLayout(chunkSize: log.utf8.count + 1, parallelThreshold: .max, maxLineLength: 512))
        final class Helper: Sendable {
            let spare = Mutex<SpareWork?>(nil)
            let done = Atomic(false), helped = Atomic(0)
            func help() {
                if spare.withLock({ $0 })?.help() == true { helped.add(1, ordering: .relaxed) }
            }
        }
        let atOnce = Helper()
        atOnce.spare.withLock { $0 = SpareWork(wake: { atOnce.help() }) }
        let racing = Helper()
        racing.spare.withLock { $0 = SpareWork(wake: {}) }
        defer {
            racing.done.store(true, ordering: .releasing)
            atOnce.spare.withLock { $0 = nil }
        }
        let thread = Thread {
            while !racing.done.load(ordering: .acquiring) { racing.help(); sched_yield() }
        }
        thread.start()
        for helper in [atOnce, racing] {
            for chunk in [97, 400, 1500] {
                let spare = helper.spare.withLock { $0 }
                #expect(try read(log, ScanLayout(chunkSize: chunk, parallelThreshold: 2, maxLineLength: 512), spare: spare) == whole)
            }
        }
        #expect(atOnce.helped.load(ordering: .relaxed) > 0, "the helper ran no half: the test proves nothing")
    }

    /// A helper that never looks (kept busy diagnosing) does not make the regions pile up: each
    /// holds its prescan's results, and a log of a thousand regions held them all (165 MB for
    /// the bench's log of a million programs).
    @Test func regionsNoHelperTookAreLetGo() throws {
        let log = try String(contentsOfFile: Package.root + "/SampleLogs/forms/seed.ausearch-raw.log", encoding: .utf8)
        let spare = SpareWork(wake: {})
        let whole = try read(log, ScanLayout(chunkSize: log.utf8.count + 1, parallelThreshold: .max, maxLineLength: 512))
        #expect(try read(log, ScanLayout(chunkSize: 97, parallelThreshold: 2, maxLineLength: 512), spare: spare) == whole)
        #expect(log.utf8.count / 97 > 20)
        #expect(spare.regionsHeld <= 2)
    }

    /// Records as the assembler groups them, in the order the events complete.
    private func events(_ bytes: [UInt8], _ layout: ScanLayout) throws -> [String] {
        var stream = try RecordStream(bytes: bytes, name: "t", layout: layout)
        defer { stream.close() }
        var assembler = Assembler()
        var out: [String] = []
        try stream.readEvents(into: &assembler) { out.append("\($0.key) \($0.records.map { "\($0.source.line):\($0.type)" })") }
        return out
    }

    /// A companion found before its AVC in an earlier region reached the assembler later than in
    /// whole reading, so events whose records span more than the assembler's two seconds were
    /// grouped differently (one event split in two, or two joined). Found by stream_split; the
    /// inputs are its own (first three bytes: chunk size, threshold, line limit).
    @Test(arguments: ["stream_split-late-companion-joins-event", "stream_split-late-companion-splits-event"])
    func lateCompanionsGroupAsInWholeReading(_ name: String) throws {
        let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Package.root + "/Tests/Fuzz/crashes/" + name)))
        let log = Array(input.dropFirst(3))
        let lineLimit = 32 + Int(input[2]) * 4
        let whole = try events(log, ScanLayout(chunkSize: log.count + 1, parallelThreshold: .max, maxLineLength: lineLimit))
        #expect(!whole.isEmpty)
        for chunk in [1 + Int(input[0]) * 2, 1, 7, 64] {
            for threshold in [1 + Int(input[1]) % 64, 2, 33] {
                #expect(try events(log, ScanLayout(chunkSize: chunk, parallelThreshold: threshold, maxLineLength: lineLimit)) == whole)
            }
        }
    }
}
