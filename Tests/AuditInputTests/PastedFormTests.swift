import Testing
@testable import AuditInput

/// What a paste into a ticket does to records, undone: lost newlines, stamps missing or
/// hidden, setroubleshoot's sentences, Markdown and HTML escaping. Names and values invented.
@Suite struct PastedFormTests {
    static let avc = #"avc:  denied  { execmem } for  pid=4242 comm="paintd" scontext=staff_u:staff_r:staff_t:s0 tcontext=staff_u:staff_r:staff_t:s0 tclass=process permissive=0"#
    static let syscall = "arch=c000003e syscall=10 success=no exit=-13 a0=7f3a10000000 a1=21000 a2=7 a3=22 items=0 ppid=1 pid=4242 comm=\"paintd\" exe=\"/opt/paintbox/bin/paintd\""

    private func read(_ text: String) throws -> ([Record], InputStats) {
        var stream = try RecordStream(bytes: Array(text.utf8), name: "paste", keepEverything: true)
        defer { stream.close() }
        var records: [Record] = []
        while let item = try stream.next() { if case .record(let r) = item { records.append(r) } }
        return (records, stream.stats)
    }

    /// A syslog prefix whose clock fields are out of range is no syslog time: a line whose hour
    /// ran past 32 bits stopped the run (found by the record_parser fuzz target).
    @Test func syslogTimesOutOfRangeAreNoTimes() {
        #expect(SyslogTime.seconds("Nov 29 01:07:59 web01 kernel:") != nil)
        #expect(SyslogTime.seconds("Nov 29 01111111111101:07:59 web01 kernel:") == nil)
        #expect(SyslogTime.seconds("Nov 9999999999999 01:07:59 web01 kernel:") == nil)
        #expect(SyslogTime.seconds("Nov 29 24:07:59 web01") == nil)
        #expect(SyslogTime.seconds("Nov 29 01:60:59 web01") == nil)
        #expect(SyslogTime.seconds("Nov 0 01:07:59 web01") == nil)
        #expect(SyslogTime.host("Nov 29 01111111111101:07:59 web01 kernel:") == nil)
    }

    /// The same for a logcat time (`MM-DD HH:MM:SS.mmm`), read by the same calendar check.
    @Test func logcatTimesOutOfRangeAreNoTimes() {
        #expect(WrapperTime.stamp("11-27 09:14:03.120  1234  1234 W tag") != nil)
        #expect(WrapperTime.stamp("11-27 99999999999:14:03.120  1234  1234 W tag") == nil)
        #expect(WrapperTime.stamp("11-27 09:99999999999:03.120  1234  1234 W tag") == nil)
        #expect(WrapperTime.stamp("13-27 09:14:03.120  1234  1234 W tag") == nil)
        #expect(WrapperTime.stamp("11-32 09:14:03.120  1234  1234 W tag") == nil)
    }

    @Test func recordsJoinedOnOneLineAreCutApart() throws {
        let line = "node=easel type=PROCTITLE msg=audit(1795770843.120:8812): proctitle=7061696E7464 "
            + "node=easel type=SYSCALL msg=audit(1795770843.120:8812): \(Self.syscall) "
            + "node=easel type=AVC msg=audit(1795770843.120:8812): \(Self.avc)\n"
        let (records, stats) = try read(line)
        #expect(records.map(\.type) == ["PROCTITLE", "SYSCALL", "AVC"])
        #expect(records.allSatisfy { $0.source.line == 1 && $0.key.node == "easel" && $0.key.id.serial == 8812 })
        #expect(records[0].body == "proctitle=7061696E7464")
        #expect(stats.malformed == 0)
    }

    @Test func interpretedRecordsJoinedOnOneLineAreCutApart() throws {
        let line = "type=PROCTITLE msg=audit(11/27/26 09:14:03.120:8812) : proctitle=/opt/paintbox/bin/paintd --canvas "
            + "type=SYSCALL msg=audit(11/27/26 09:14:03.120:8812) : arch=x86_64 syscall=mmap success=no exit=EACCES(Permission denied) a0=0x0 a1=0x21000 a2=PROT_READ|PROT_WRITE|PROT_EXEC a3=MAP_PRIVATE|MAP_ANONYMOUS pid=4242 "
            + "type=AVC msg=audit(11/27/26 09:14:03.120:8812) : \(Self.avc)\n"
        let (records, _) = try read(line)
        #expect(records.map(\.type) == ["PROCTITLE", "SYSCALL", "AVC"])
        #expect(records[1].fields.pairs.first { $0.name == "a2" }?.raw == "7")
    }

    @Test func logcatRecordsWithNumericTypesAreNamed() throws {
        let line = "11-27 09:14:03.120  1234  1234 E audit   : type=1400 msg=audit(1795770843.120:85): \(Self.avc)\n"
            + "11-27 09:14:03.120  1234  1234 E audit   : type=1300 msg=audit(1795770843.120:85): \(Self.syscall)\n"
        let (records, _) = try read(line)
        #expect(records.map(\.type) == ["AVC", "SYSCALL"])
    }

    @Test func aUserMessageQuotingARecordIsNotCut() throws {
        let line = "type=USER_AVC msg=audit(1795770843.120:9): pid=1 uid=0 msg='avc:  denied  { start } for note type=AVC msg=audit(1.1:1): x' \n"
        let (records, _) = try read(line)
        #expect(records.map(\.type) == ["USER_AVC"])
    }

    @Test func ausearchTimeHeaderJoinedWithTheFirstRecord() throws {
        let text = "----\ntime->Thu Nov 27 09:14:03 2026 type=AVC msg=audit(1795770843.120:8812): \(Self.avc)\n"
            + "type=SYSCALL msg=audit(1795770843.120:8812): \(Self.syscall)\n"
        let (records, stats) = try read(text)
        #expect(records.map(\.type) == ["AVC", "SYSCALL"])
        #expect(records[0].source.line == 2)
        #expect(stats.malformed == 0)
    }

    @Test func recordsWithoutStampHaveNoTime() throws {
        let text = """
            AVC \(Self.avc)
            `avc:  denied  { execmod } for  scontext=u:r:untrusted_app:s0:c77,c257,c512,c768 tcontext=u:object_r:app_data_file:s0:c77,c257,c512,c768 tclass=file permissive=0`
            AVC avc:  denied  { execheap } for  pid=5151 comm="inkd"
              scontext=staff_u:staff_r:staff_t:s0 tcontext=staff_u:staff_r:staff_t:s0 tclass=process permissive=0
            SYSCALL arch=c000003e syscall=12 success=no exit=-13 pid=5151

            """
        let (records, stats) = try read(text)
        try #require(records.map(\.type) == ["AVC", "AVC", "AVC", "SYSCALL"])
        #expect(records.allSatisfy { $0.key.id.clock == .unknown })
        #expect(records[1].fields.avcPermissions == ["execmod"])
        #expect(records[1].body.hasSuffix("permissive=0"), "the backticks are gone")
        #expect(records[2].body.contains("tclass=process"), "the wrapped rest joins its record")
        #expect(records[2].key == records[3].key, "one pid on adjacent lines is one event")
        #expect(records[0].key != records[2].key)
        #expect(stats.malformed == 0)
    }

    @Test func bootRelativeAndWrapperTimes() throws {
        let text = """
            [  812.345678] avc:  denied  { execmem } for  pid=77 comm="inkd" scontext=u:r:inkd:s0 tcontext=u:r:inkd:s0 tclass=process permissive=0
            type=1400 audit(1234.567:89): avc:  denied  { execmem } for  pid=78 comm="inkd" scontext=u:r:inkd:s0 tcontext=u:r:inkd:s0 tclass=process permissive=0
            11-27 09:14:03.120  1234  1234 W inkd    : type=1400 audit(0.0:90): avc:  denied  { execmem } for  scontext=u:r:inkd:s0 tcontext=u:r:inkd:s0 tclass=process permissive=0

            """
        let (records, _) = try read(text)
        try #require(records.count == 3)
        #expect(records[0].key.id.clock == .sinceBoot && records[0].key.id.seconds == 812 && records[0].key.id.milliseconds == 345)
        #expect(records[1].key.id.clock == .sinceBoot && records[1].key.id.serial == 89)
        #expect(records[2].key.id.clock == .wall && records[2].key.id.serial == 90 && records[2].key.id.milliseconds == 120)
    }

    @Test func redactedStampsAreReadWithTheTimeUnknown() throws {
        let text = ["audit(XXX)", "audit(YYY.787)", "audit(..)", "audit(xxxxxxxxxx.xxx:nnn)", "audit(xxxxxxxxxx.xxx:4711)"]
            .map { "type=AVC msg=\($0): \(Self.avc)\n" }.joined()
        let (records, stats) = try read(text)
        #expect(records.count == 5)
        #expect(records.allSatisfy { $0.key.id.clock == .unknown })
        #expect(records[4].key.id.serial == 4711, "a serial left visible is kept")
        #expect(stats.redacted.count == 5 && stats.redacted.lines == [1, 2, 3, 4, 5])
        #expect(stats.malformed == 0)
    }

    @Test func setroubleshootSyslogLineBecomesAnAVC() throws {
        let line = "Nov 27 09:14:03 easel setroubleshoot[901]: SELinux is preventing /opt/paintbox/bin/paintd from execmod access on the file /memfd:brush-cache (deleted). For complete SELinux messages run: sealert -l 0d7a1c52-4a3e-4f8e-9c11-2b6f0e1d9a77\n"
        let (records, _) = try read(line)
        let r = try #require(records.first)
        #expect(records.count == 1 && r.type == "AVC")
        let f = r.fields
        #expect(f.avcPermissions == ["execmod"])
        #expect(f.pairs.first { $0.name == "exe" }?.raw == "\"/opt/paintbox/bin/paintd\"")
        #expect(f.pairs.first { $0.name == "path" }?.raw == "\"/memfd:brush-cache\"")
        #expect(f.pairs.first { $0.name == "tclass" }?.raw == "file")
        #expect(r.key.id.clock == .wall)
        #expect(r.enrichment == SetroubleshootForm.marker)
    }

    @Test func sealertReportIsReadFromItsRawRecordsWhenItHasThem() throws {
        let report = """
            SELinux is preventing /opt/paintbox/bin/paintd from execmem access on the process .

            *****  Plugin catchall (100. confidence) suggests   **************************

            Raw Audit Messages
            type=AVC msg=audit(1795770843.120:8812): \(Self.avc)

            Hash: paintd,staff_t,staff_t,process,execmem

            """
        let (withRaw, _) = try read(report)
        #expect(withRaw.map(\.key.id.serial) == [8812], "the heading is not read as a second denial")
        let headingOnly = "SELinux is preventing paintd from using the execheap access on a process.\n\nsome advice\n"
        let (records, _) = try read(headingOnly)
        #expect(records.map(\.type) == ["AVC"])
        #expect(records.first?.fields.avcPermissions == ["execheap"])
        #expect(records.first?.source.line == 1)
    }

    @Test func setroubleshootSummaryOfADenialJustReadIsNotASecond() throws {
        let text = "AVC \(Self.avc)\nsetroubleshoot[6490]: SELinux is preventing paintd from using the execmem access on a process.\n"
        let (records, stats) = try read(text)
        #expect(records.count == 1)
        #expect(stats.skipped[.summaryOfRecordRead]?.lines == [2])
    }

    @Test func markdownAndHTMLEscapingIsUndone() throws {
        let text = #"type=AVC msg=audit(1795770843.120:8812): avc:  denied  { execmem } for  pid=4242 comm=&quot;paint&amp;go&quot; scontext=staff\_u:staff\_r:unconfined\_t:s0 tcontext=staff_u:staff_r:staff_t:s0 tclass=process permissive=0"# + "\n"
            + "> AVC avc:  denied  { execheap } for  pid=9 comm=&quot;a&#39;b&quot; scontext=x\\_u:x\\_r:x\\_t:s0 tcontext=x_u:x_r:x_t:s0 tclass=process\n"
        let (records, _) = try read(text)
        try #require(records.count == 2)
        #expect(records[0].fields.pairs.first { $0.name == "scontext" }?.raw == "staff_u:staff_r:unconfined_t:s0")
        #expect(records[0].fields.pairs.first { $0.name == "comm" }?.raw == "\"paint&go\"")
        #expect(records[1].fields.pairs.first { $0.name == "comm" }?.raw == "\"a'b\"")
        #expect(records[1].fields.pairs.first { $0.name == "scontext" }?.raw == "x_u:x_r:x_t:s0")
    }

    @Test func unusedLinesAreCountedByReason() throws {
        let text = "hello\navc:  denied for pid=3\nAVC \(Self.avc)\n```\n"
        let (_, stats) = try read(text)
        #expect(stats.skipped[.notAuditRecord]?.lines == [1], "a code fence is markup, like a blank line")
        #expect(stats.skipped[.noPermission]?.lines == [2])
        #expect(stats.malformed == 2)
        #expect(stats.denialRecords == 1)
    }
}
