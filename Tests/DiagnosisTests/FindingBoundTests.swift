import Testing
import TestSupport
import AuditEvents
import AuditInput
import ELFLoader
@testable import Diagnosis

/// Past the bound on findings, an exec* denial still joins the finding its program has, and
/// one of any other program is counted, not kept.
@Suite struct FindingBoundTests {
    static func mprotect(_ serial: Int, length: String, exe: String) -> [String] {
        let stamp = "audit(1795914489.\(String(100 + serial % 900)):\(serial))"
        return [
            "type=AVC msg=\(stamp): avc:  denied  { execmem } for  pid=\(serial) comm=\"p\" scontext=system_u:system_r:unconfined_service_t:s0 tcontext=system_u:system_r:unconfined_service_t:s0 tclass=process permissive=0",
            "type=SYSCALL msg=\(stamp): arch=c000003e syscall=10 success=no exit=-13 a0=7f0000000000 a1=\(length) a2=7 a3=0 items=0 ppid=1 pid=\(serial) auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"p\" exe=\"\(exe)\" subj=system_u:system_r:unconfined_service_t:s0 key=(null)",
            "type=EOE msg=\(stamp):",
        ]
    }

    @Test func aKeptProgramStillCountsPastTheBound() throws {
        var d = Diagnoser(loader: LoaderSearch(root: FileSystemRoot(directory: try TemporaryDirectory("finding-bound").path)))
        var lines: [String] = []
        for i in 0..<Diagnoser.maxFindings { lines += Self.mprotect(i + 1, length: "1000", exe: "/opt/p\(i)/bin/p") }
        // Another length: no repeat of the first event, but the same finding.
        lines += Self.mprotect(Diagnoser.maxFindings + 1, length: "2000", exe: "/opt/p5/bin/p")
        lines += Self.mprotect(Diagnoser.maxFindings + 2, length: "2000", exe: "/opt/new/bin/p")
        try HostFactsTests.feed(lines, to: &d)
        #expect(d.findingCount.all == Diagnoser.maxFindings)
        #expect(d.fact(5).process.exe == "/opt/p5/bin/p" && d.fact(5).count == 2)
        #expect(d.unkeptDenials == 1)
    }
}
