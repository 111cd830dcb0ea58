import Foundation
import Testing
import TestSupport
@testable import AuditInput

/// `malformed_sample` is the first line numbers of the input that were not records, in order,
/// however the input was split for scanning.
@Suite struct MalformedSampleTests {
    @Test(arguments: [([100, 200], [40, 100, 200, 3_000, 3_001]), ([], [40, 3_000, 3_001, 3_002, 3_003])])
    func firstMalformedLinesInOrderAcrossParallelHalves(firstHalfGarbage: [Int], sample: [Int]) throws {
        let record = { (i: Int) in
            "type=SYSCALL msg=audit(1795770000.\(String(format: "%03d", i % 1000)):\(i)): arch=c000003e syscall=1 success=yes exit=1 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=2 auid=0 uid=0 comm=\"x\" exe=\"/bin/x\" key=(null)"
        }
        // Line 40 looks like a record but its stamp does not parse (found after the scan);
        // the others are not records at all (found by the scan), in both halves of the region.
        let badStamp = [40: "type=AVC msg=audit(1795770000.1234:5): avc:  denied  { execmem } for  pid=1"]
        let garbage = Set(firstHalfGarbage + [3_000, 3_001, 3_002, 3_003])
        let lines = (1...4_000).map { i in badStamp[i] ?? (garbage.contains(i) ? "not a record \(i)" : record(i)) }
        let text = lines.joined(separator: "\n") + "\n"
        let half = text.utf8.count / 2
        #expect(text.utf8.count >= ScanLayout.standard.parallelThreshold && text.utf8.count < ScanLayout.standard.chunkSize,
                "one region, scanned as two halves")
        #expect(lines[..<2_999].joined(separator: "\n").utf8.count > half, "lines 3000… are in the second half")

        let dir = try TemporaryDirectory()
        let path = try dir.write("big.log", text)
        var stream = try RecordStream(.file(path))
        while try stream.next() != nil {}
        stream.close()
        #expect(stream.stats.malformed == garbage.count + 1)
        #expect(stream.stats.malformedSample == sample)
    }
}
