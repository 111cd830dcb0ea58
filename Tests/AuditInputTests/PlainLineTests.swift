import Testing
@testable import AuditInput

/// Lines told apart on bytes (`PlainLine`, `InterpretedForm.asWritten`) read as they were read
/// when every line was decoded: records and loader messages hidden behind quoting, escapes and
/// HTML entities are still found, plain text is only counted, and runs of plain lines after a
/// record cut short still join it. Names and values invented.
@Suite struct PlainLineTests {
    static let avc = #"avc:  denied  { execmem } for  pid=4242 comm="paintd" scontext=staff_u:staff_r:staff_t:s0 tcontext=staff_u:staff_r:staff_t:s0 tclass=process permissive=0"#

    private func read(_ text: String, chunk: Int = 1 << 20) throws -> (items: [StreamItem], stats: InputStats) {
        let layout = ScanLayout(chunkSize: chunk, parallelThreshold: chunk, maxLineLength: 1 << 20)
        var stream = try RecordStream(bytes: Array(text.utf8), name: "t", layout: layout)
        defer { stream.close() }
        var items: [StreamItem] = []
        while let item = try stream.next() { items.append(item) }
        return (items, stream.stats)
    }

    private func types(_ items: [StreamItem]) -> [String] {
        items.map {
            switch $0 {
            case .record(let r): return "\(r.source.line) \(r.type)"
            case .boundary: return "----"
            case .loaderMessage(let m): return "\(m.source.line) loader \(m.object)"
            }
        }
    }

    private func plain(_ line: String) -> Bool { Array(line.utf8).withUnsafeBytes { PlainLine.isPlain($0) } }

    @Test func formsBehindQuotingAndEscapesAreNotPlain() {
        for line in ["&nbsp;AVC \(Self.avc)", "` PATH item=0 name=\"/x\"", "PATH&nbsp;item=0", "> > SYSCALL arch=c000003e",
                     "USER\\_AVC pid=1 msg='x'", "Nov 27 09:14:03 easel audit\\[4242\\]: AVC x=1", "time-&gt;Thu Nov 27 09:14:03 2026",
                     "{\"MESSAGE\": \"AVC x\", \"_AUDIT_ID\": \"1\"}", "{ &quot;MESSAGE&quot;: 1}", "prog: libx.so: cannot&nbsp;enable executable stack",
                     "----", "Hash: 1234", "Raw Audit Messages", "At 09:14:03 11/27/2026 paintd failed-to x", "NODE,EVENT,DATE,TIME,SERIAL_NUM",
                     "x SELinux is preventing /x from execmem access on the process.", "kernel: audit(1795770843.120:85): avc: denied", ""] {
            #expect(!plain(line), "\(line)")
        }
        for line in ["Nov 27 09:14:03 easel sshd[4242]: Accepted publickey for alice", "ERROR cannot reach the cache", "{ }",
                     "MAIL delivered", "& more", "auditd[612]: audit daemon started"] {
            #expect(plain(line), "\(line)")
        }
    }

    /// Plain lines around records, a loader message and a journal record, read in small chunks
    /// (so runs of plain lines cross regions): every record is found and every plain line counted.
    @Test func plainTextAroundRecordsIsCountedAndRecordsFound() throws {
        let daemon = "Nov 27 09:14:03 easel inkd[77]: cannot reach the cache, retrying\n"
        let text = String(repeating: daemon, count: 40)
            + "Nov 27 09:14:04 easel kernel: audit: type=1400 audit(1795770843.120:85): \(Self.avc)\n"
            + String(repeating: daemon, count: 40)
            + "Nov 27 09:14:05 easel paintd[4242]: /opt/paintbox/bin/paintd: error while loading shared libraries: libbrush.so: cannot enable executable stack as shared object requires: Permission denied\n"
            + String(repeating: daemon, count: 40)
        for chunk in [97, 1 << 20] {
            let (items, stats) = try read(text, chunk: chunk)
            #expect(types(items) == ["41 AVC", "82 loader libbrush.so"])
            #expect(stats.lines == 122 && stats.malformed == 120)
            #expect(stats.skipped[.notAuditRecord]?.lines == [1, 2, 3, 4, 5])
        }
    }

    /// A record cut short by a paste takes every following line until one holds its last field:
    /// plain lines in a run after it are read one by one, not counted as skipped.
    @Test func plainLinesAfterACutRecordStillJoinIt() throws {
        let text = "type=AVC msg=audit(1795770843.120:85): avc:  denied  { execmem } for  pid=4242 comm=\"paintd\"\n"
            + "scontext=staff_u:staff_r:staff_t:s0\n" + "more words here\n" + "and more\n" + "tcontext=staff_u:staff_r:staff_t:s0 tclass=process\n"
            + "Nov 27 09:14:03 easel inkd[77]: started\n" + "Nov 27 09:14:03 easel inkd[77]: ready\n"
        let (items, stats) = try read(text)
        guard case .record(let avc) = items.first else { Issue.record("no record"); return }
        #expect(avc.body.hasSuffix("scontext=staff_u:staff_r:staff_t:s0more words hereand more tcontext=staff_u:staff_r:staff_t:s0 tclass=process"))
        #expect(stats.malformed == 2 && stats.skipped[.notAuditRecord]?.lines == [6, 7])
    }

    /// `ausearch -i` writes a record with no fields as `type=EOE msg=audit(…) : `; trimmed of its
    /// blank, the line still has its stamp (it was read as a record whose stamp the poster hid,
    /// at time 0, with a warning saying so), with or without the blank.
    @Test func interpretedEOEKeepsItsStamp() throws {
        for eoe in ["type=EOE msg=audit(11/27/26 09:14:03.120:8812) : ", "type=EOE msg=audit(11/27/26 09:14:03.120:8812) :"] {
            let (items, stats) = try read("----\n" + eoe + "\n\ntype=AVC msg=audit(11/27/26 09:14:03.120:8812) : \(Self.avc)\n")
            let records = items.compactMap { if case .record(let r) = $0 { return r } else { return nil } }
            #expect(records.map(\.type) == ["AVC", "EOE"], "\(eoe)")
            #expect(records.allSatisfy { $0.key.id.serial == 8812 && $0.key.id.seconds > 0 }, "\(eoe)")
            #expect(stats.redacted.lines.isEmpty, "\(eoe)")
        }
    }
}
