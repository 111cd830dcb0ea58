import Testing
import AuditInput
@testable import AuditEvents

private func rec(_ line: String, _ n: Int = 1) -> Record {
    guard case .record(let r) = RecordParser.parse(Array(line.utf8), source: SourceLocation(input: "t", line: n)) else {
        fatalError("fixture is not a record: \(line)")
    }
    return r
}

private let avc = #"type=AVC msg=audit(1700000000.100:42): avc:  denied  { execstack } for  pid=7 comm="a" scontext=u:r:t_t:s0 tcontext=u:r:t_t:s0 tclass=process permissive=0"#
private let avc2 = #"type=AVC msg=audit(1700000000.100:42): avc:  denied  { execmem } for  pid=7 comm="a" scontext=u:r:t_t:s0 tcontext=u:r:t_t:s0 tclass=process permissive=0"#
private let syscall = #"type=SYSCALL msg=audit(1700000000.100:42): arch=c000003e syscall=10 success=no exit=-13 a0=7ffd7caa3000 a1=1000 a2=1000007 a3=0 items=0 ppid=1 pid=7 auid=4294967295 uid=0 comm="a" exe="/bin/a" subj=u:r:t_t:s0 key=(null)"#
private let proctitle = "type=PROCTITLE msg=audit(1700000000.100:42): proctitle=2F62696E2F61002D78"
private let eoe = "type=EOE msg=audit(1700000000.100:42): "

@Suite struct AssemblerTests {
    /// The reader hands an AVC first and then the companions found before it: the event keeps
    /// the input's order.
    @Test func companionsFoundBeforeTheAVCTakeTheirPlaceInInputOrder() {
        var a = Assembler()
        #expect(a.add(rec(syscall, 2)).isEmpty)
        #expect(a.add(rec(avc, 3)).isEmpty)
        #expect(a.add(rec(avc2, 1)).isEmpty)
        let done = a.flush()
        #expect(done.count == 1)
        #expect(done[0].records.map(\.source.line) == [1, 2, 3])
    }

    /// Each node ages by its own newest record: a host whose clock runs ahead does not cut
    /// short the events of another.
    @Test func clockSkewBetweenNodesCutsNothingShort() {
        var a = Assembler()
        #expect(a.add(rec("node=b " + avc)).isEmpty)
        // Node a is an hour ahead.
        #expect(a.add(rec("node=a " + avc.replacing("1700000000.100:42", with: "1700003600.100:7"))).isEmpty)
        let done = a.add(rec("node=b " + syscall)) + a.add(rec("node=b " + proctitle))
        #expect(done.map { $0.records.map(\.type) } == [["AVC", "SYSCALL", "PROCTITLE"]])
    }

    @Test func kernelOrderCompletesOnProctitleAndSwallowsTheLateEOE() {
        var a = Assembler()
        #expect(a.add(rec(avc)).isEmpty)
        #expect(a.add(rec(avc2)).isEmpty)
        #expect(a.add(rec(syscall)).isEmpty)
        let done = a.add(rec(proctitle))
        #expect(done.count == 1)
        #expect(done[0].records.map(\.type) == ["AVC", "AVC", "SYSCALL", "PROCTITLE"])
        #expect(a.add(rec(eoe)).isEmpty)
        #expect(a.flush().isEmpty)
    }

    @Test func eoeCompletesAnEventWithoutProctitle() {
        var a = Assembler()
        _ = a.add(rec(avc))
        _ = a.add(rec(syscall))
        #expect(a.add(rec(eoe)).count == 1)
    }

    @Test func ausearchReversedOrderStaysOneEventUntilTheBoundary() {
        var a = Assembler()
        for line in [proctitle, syscall, avc2, avc] { #expect(a.add(rec(line)).isEmpty) }
        let done = a.boundary()
        #expect(done.count == 1)
        #expect(done[0].avcs.count == 2)
        #expect(done[0].syscall?.name == "mprotect")
        #expect(done[0].proctitle == "/bin/a -x")
    }

    /// `ausearch -i` and plain `ausearch` print EOE at the top of each event; the reader hands
    /// it over after the event's AVC. Read before the others, it ends nothing: the `----` does.
    @Test func anEOEReadBeforeTheEventsOtherRecordsDoesNotEndIt() {
        var a = Assembler()
        for (line, n) in [(avc, 4), (eoe, 1), (proctitle, 2), (syscall, 3)] { #expect(a.add(rec(line, n)).isEmpty, "line \(n)") }
        let done = a.boundary()
        #expect(done.count == 1)
        #expect(done.first?.records.map(\.type) == ["PROCTITLE", "SYSCALL", "AVC"])
        #expect(done.first?.syscall?.name == "mprotect")
    }

    @Test func nodeSeparatesEventsWithTheSameSerial() {
        var a = Assembler()
        _ = a.add(rec("node=a " + avc))
        _ = a.add(rec("node=b " + avc))
        let done = a.flush()
        #expect(done.count == 2)
        #expect(Set(done.compactMap(\.key.node)) == ["a", "b"])
    }

    @Test func eventsWithoutEndExpireBehindTheStreamWindow() {
        var a = Assembler(window: 2)
        _ = a.add(rec(avc))
        let later = "type=AVC msg=audit(1700000003.000:50): avc:  denied  { execmem } for  pid=8 comm=\"b\" scontext=u:r:t_t:s0 tcontext=u:r:t_t:s0 tclass=process"
        let done = a.add(rec(later))
        #expect(done.map(\.key.id.serial) == [42])
        #expect(a.flush().map(\.key.id.serial) == [50])
    }

    @Test func inFlightEventsAreBounded() {
        var a = Assembler(window: 1000, maxInFlight: 10)
        var completed = 0
        for serial in 0..<1000 {
            completed += a.add(rec("type=AVC msg=audit(1700000000.000:\(serial)): avc:  denied  { execmem } for  pid=1")).count
        }
        #expect(completed == 990)
        #expect(a.flush().count == 10)
    }

    /// Open events hold at most `maxInFlightBytes` of records: past it the oldest are handed on,
    /// counted, and a record of one read later opens an event of its own.
    @Test func bytesHeldInOpenEventsAreBounded() {
        var a = Assembler(window: 1000, maxInFlightBytes: 10_000)
        let padding = String(repeating: "41", count: 450)
        var done: [Event] = []
        for serial in 0..<40 {
            let stamp = "msg=audit(1700000000.000:\(serial)):"
            done += a.add(rec("type=AVC \(stamp) avc:  denied  { execmem } for  pid=1 comm=\"a\" tclass=process", 2 * serial))
            done += a.add(rec("type=PROCTITLE \(stamp) proctitle=\(padding)", 2 * serial + 1))
            #expect(a.inFlightBytes <= 10_000)
        }
        // About 1 KB an event: nine or ten stay open, the rest were handed on oldest first, whole.
        #expect(a.handedOnForBytes == done.count && done.count >= 30)
        #expect(done.map(\.key.id.serial) == Array(0..<UInt64(done.count)))
        #expect(done.allSatisfy { $0.records.map(\.type) == ["AVC", "PROCTITLE"] })
        // A late record of an event handed on is an event of its own.
        _ = a.add(rec("type=SYSCALL msg=audit(1700000000.000:0): arch=c000003e syscall=10 success=no exit=-13 pid=1", 100))
        let rest = a.flush()
        #expect(rest.count == 40 - done.count + 1)
        #expect(rest.last?.key.id.serial == 0 && rest.last?.records.map(\.type) == ["SYSCALL"])
        #expect(a.inFlightBytes == 0)
    }

    @Test func singleRecordTypesCompleteAtOnce() {
        var a = Assembler()
        let done = a.add(rec("type=USER_AVC msg=audit(1700000000.100:43): pid=1 uid=0 msg='avc:  denied  { status } for auid=0 tclass=system'"))
        #expect(done.count == 1)
        #expect(done[0].avcs.first?.fromUserSpace == true)
        #expect(done[0].avcs.first?.permissions == [.other("status")])
    }
}

@Suite struct ViewTests {
    @Test func avcAndSyscallViews() {
        let e = Event(key: rec(avc).key, records: [rec(avc), rec(syscall)])
        let v = e.avcs[0]
        #expect(v.denied)
        #expect(v.permissions == [.execstack])
        #expect(v.permissive == false)
        #expect(v.scontext?.type == "t_t")
        let s = e.syscall!
        #expect(s.machine == "x86_64")
        #expect(s.name == "mprotect")
        #expect(s.args == [0x7ffd_7caa_3000, 0x1000, 0x100_0007, 0])
        #expect(s.success == false)
        #expect(s.exit == -13)
        #expect(s.exe == "/bin/a")
    }

    @Test func appArmorAVCsAreNotSELinuxDecisions() {
        let r = rec(#"type=AVC msg=audit(1700000000.100:44): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/x""#)
        #expect(Event(key: r.key, records: [r]).avcs.isEmpty)
    }

    @Test func securityContextWithMCSRange() {
        let c = SecurityContext("unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023")
        #expect(c?.type == "unconfined_t")
        #expect(c?.level == "s0-s0:c0.c1023")
        #expect(SecurityContext("nonsense") == nil)
        // Two colons: no level; one: no context.
        let noLevel = SecurityContext("u:r:t")
        #expect(noLevel?.role == "r" && noLevel?.type == "t" && noLevel?.level == nil && noLevel?.description == "u:r:t")
        #expect(SecurityContext("u:r") == nil)
        #expect(SecurityContext("u:r:t:s0")?.level == "s0")
    }
}
