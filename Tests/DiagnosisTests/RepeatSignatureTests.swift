import Testing
@testable import AuditInput
import AuditEvents
@testable import Diagnosis

/// Which events the repeat signature takes for one denial: only pid, ppid, a0 and ino may differ.
@Suite struct RepeatSignatureTests {
    func event(_ lines: [String]) -> Event {
        let records = lines.enumerated().map { n, line -> Record in
            guard case .record(let r) = RecordParser.parse(Array(line.utf8), source: SourceLocation(input: "t", line: n + 1)) else { fatalError(line) }
            return r
        }
        return Event(key: records[0].key, records: records)
    }

    func signature(_ lines: [String], root: Int = 0, factsNode: String? = nil) -> [UInt8]? {
        var scratch: [UInt8] = []
        return RepeatSignature.gather(event(lines), root: root, factsNode: factsNode, into: &scratch).map { _ in scratch }
    }

    let avc = "type=AVC msg=audit(1.000:1): avc:  denied  { execmem } for  pid=7 comm=\"j\" scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=process permissive=0"

    @Test func pidPpidAddressAndInodeDoNotSplitRepeats() {
        let a = signature([avc, "type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=10 a0=7f00 a1=1000 ppid=1 pid=7 exe=\"/x\"", "type=MMAP msg=audit(1.000:1): fd=3 ino=12"])
        let b = signature([avc.replacingOccurrences(of: "pid=7", with: "pid=99"), "type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=10 a0=7e00 a1=1000 ppid=2 pid=99 exe=\"/x\"", "type=MMAP msg=audit(1.000:1): fd=3 ino=13"])
        #expect(a != nil && a == b)
    }

    @Test func anyOtherWordSplitsThem() {
        let a = signature([avc, "type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=10 a1=1000 pid=7"])
        #expect(a != signature([avc, "type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=10 a1=2000 pid=7"]))
        // A body ending in a left-out word is the body without it, not one word longer.
        #expect(a == signature([avc, "type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=10 a1=1000"]))
        #expect(a != signature([avc, "type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=10 a1=1000 pid=7 x"]))
        #expect(a == signature([avc, "type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=10 a1=1000 pid=8"]))
    }

    /// Parts are delimited by their lengths, not by separator bytes a hostile body could hold.
    @Test func recordBoundariesCannotBeForged() {
        let split = signature([avc, "type=SYSCALL msg=audit(1.000:1): a1=1"])!
        let joined = signature([avc + " \u{1e}\u{2}SYSCALL\u{0}a1=1"])!
        #expect(split != joined)
        #expect(signature([avc], root: 1) != signature([avc]))
        #expect(signature([avc], factsNode: "n1") != signature([avc]))
        #expect(signature([avc], factsNode: "") != signature([avc]))
    }

    @Test func thePidIsReadWhileGathering() {
        var scratch: [UInt8] = []
        let withSyscall = event([avc, "type=SYSCALL msg=audit(1.000:1): arch=c000003e ppid=1 pid=42 exe=\"/x\""])
        #expect(RepeatSignature.gather(withSyscall, root: 0, factsNode: nil, into: &scratch)?.pid == 42)
        #expect(RepeatSignature.pid(of: withSyscall) == 42)
        let avcOnly = event([avc])
        #expect(RepeatSignature.gather(avcOnly, root: 0, factsNode: nil, into: &scratch)?.pid == 7)
        let noNumber = event([avc, "type=SYSCALL msg=audit(1.000:1): pid=x pid=9"])
        #expect(RepeatSignature.gather(noNumber, root: 0, factsNode: nil, into: &scratch)?.pid == nil)
        #expect(RepeatSignature.pid(of: noNumber) == nil)
    }

    @Test func otherRecordTypesAreReadInFull() {
        #expect(signature([avc, "type=SELINUX_ERR msg=audit(1.000:1): op=security_compute_av"]) == nil)
    }
}
