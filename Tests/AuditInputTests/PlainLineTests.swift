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

    /// A loader error longer than glibc writes one (a reason past strerror's length, a name
    /// past PATH_MAX) is skipped and reported, not kept: each was held whole in its finding, and
    /// two thousand of them with 1 MB reasons took 5.9 GB.
    @Test func loaderErrorsLongerThanGlibcWritesAreSkipped() throws {
        let error = "paintd: error while loading shared libraries: libbrush.so: cannot enable executable stack as shared object requires: "
        let long = String(repeating: "x", count: LoaderMessage.maxReasonLength + 1)
        let text = error + "Permission denied\n"
            + error + long + "\n"
            + "paintd: error while loading shared libraries: lib" + String(repeating: "b", count: LoaderMessage.maxPathLength) + ".so: cannot enable executable stack as shared object requires: Permission denied\n"
            + error + String(repeating: "x", count: LoaderMessage.maxReasonLength) + "\n"
        let (items, stats) = try read(text)
        #expect(types(items) == ["1 loader libbrush.so", "4 loader libbrush.so"])
        #expect(stats.skipped[.unusableLoaderMessage]?.lines == [2, 3])
        #expect(stats.malformed == 2)
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

    /// The byte-level reading of `ausearch -i` values gives the raw record the String reading gave:
    /// names back to numbers, flags to bits, errnos to negative exits, strings quoted, the
    /// proctitle in hex, the date in the local zone.
    @Test func interpretedValuesReadBackToRawOnes() throws {
        let lines = [
            "node=easel type=SYSCALL msg=audit(11/27/26 09:14:03.007:8812) : arch=x86_64 syscall=mprotect success=no exit=EACCES(Permission denied) a0=0x7ffd7cad5000 a1=0x1000 a2=PROT_READ|PROT_WRITE|PROT_EXEC|PROT_GROWSDOWN a3=MAP_PRIVATE|MAP_ANONYMOUS items=0 ppid=1 pid=4242 auid=unset uid=root tty=(none) ses=unset comm=paintd exe=/opt/paintbox/bin/paintd subj=staff_u:staff_r:staff_t:s0 key=(null) per=PER_LINUX(0x0) ",
            "type=PROCTITLE msg=audit(11/27/26 09:14:03.007:8812) : proctitle=/opt/paintbox/bin/paintd --canvas ",
            "type=SYSCALL msg=audit(11/27/26 09:14:03.007:8813) : arch=x86_64 syscall=openat exit=ENOENT(No such file or directory) a2=O_RDONLY|O_CLOEXEC cwd=/ ",
            "type=SYSCALL msg=audit(11/27/26 09:14:03.007:8814) : a0=PROT_READ||PROT_EXEC| a1=|PROT_WRITE a2= a3=PROT_READ|MAP_NOSUCH ",
        ]
        var forms = LineForms()
        let seconds = CalendarTime.seconds(year: 2026, month: 11, day: 27, hour: 9, minute: 14, second: 3, in: .local)!
        let raw = lines.enumerated().map { n, line -> String in
            guard case .record(let bytes) = Array(line.utf8).withUnsafeBytes({ forms.classify($0, number: n + 1, previous: nil) }) else { return "" }
            return bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        }
        let tail = "\u{1d}" + InterpretedForm.marker
        #expect(raw == [
            "node=easel type=SYSCALL msg=audit(\(seconds).007:8812): arch=c000003e syscall=10 success=no exit=-13 denied) a0=7ffd7cad5000 a1=1000 a2=1000007 a3=22 items=0 ppid=1 pid=4242 auid=unset uid=root tty=(none) ses=unset comm=\"paintd\" exe=\"/opt/paintbox/bin/paintd\" subj=staff_u:staff_r:staff_t:s0 key=(null) per=0" + tail,
            "type=PROCTITLE msg=audit(\(seconds).007:8812): proctitle=2F6F70742F7061696E74626F782F62696E2F7061696E7464202D2D63616E766173" + tail,
            "type=SYSCALL msg=audit(\(seconds).007:8813): arch=c000003e syscall=257 exit=-2 such file or directory) a2=O_RDONLY|O_CLOEXEC cwd=\"/\"" + tail,
            // Empty names between `|`s are passed over; an unknown one leaves the value as written.
            "type=SYSCALL msg=audit(\(seconds).007:8814): a0=5 a1=2 a2=0 a3=PROT_READ|MAP_NOSUCH" + tail,
        ])
    }

    /// A record of a type the selection passes over (PATH here) is converted to its header and
    /// stamp alone, all the selection reads of it; its body is converted when the line names
    /// ` avc:` (a setroubleshoot summary is compared with it) or when every record is kept.
    @Test func interpretedIgnoredTypesKeepOnlyTheirHeader() throws {
        let path = "type=PATH msg=audit(11/27/26 09:14:03.007:8812) : item=0 name=/opt/paintbox/lib/libbrush.so nametype=NORMAL "
        let named = "type=PATH msg=audit(11/27/26 09:14:03.007:8812) : item=0 name=/tmp/a avc: b nametype=NORMAL "
        let seconds = CalendarTime.seconds(year: 2026, month: 11, day: 27, hour: 9, minute: 14, second: 3, in: .local)!
        let tail = "\u{1d}" + InterpretedForm.marker
        func converted(_ line: String, keepEverything: Bool) -> String {
            var forms = LineForms()
            forms.keepEverything = keepEverything
            guard case .record(let bytes) = Array(line.utf8).withUnsafeBytes({ forms.classify($0, number: 1, previous: nil) }) else { return "" }
            return bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        }
        let header = "type=PATH msg=audit(\(seconds).007:8812): "
        #expect(converted(path, keepEverything: false) == header + tail)
        #expect(converted(path, keepEverything: true) == header + "item=0 name=\"/opt/paintbox/lib/libbrush.so\" nametype=NORMAL" + tail)
        #expect(converted(named, keepEverything: false) == header + "item=0 name=\"/tmp/a\" avc: b nametype=NORMAL" + tail)

        // Through a whole stream: the PATH record is counted and passed over, or kept in full.
        let log = "type=AVC msg=audit(11/27/26 09:14:03.007:8812) : \(Self.avc)\n" + path + "\n"
        let (items, stats) = try read(log)
        #expect(types(items) == ["1 AVC"])
        #expect(stats.records == 2 && stats.malformed == 0)
        var stream = try RecordStream(bytes: Array(log.utf8), name: "t", keepEverything: true)
        defer { stream.close() }
        var kept: [Record] = []
        while let item = try stream.next() { if case .record(let r) = item { kept.append(r) } }
        #expect(kept.map(\.type) == ["AVC", "PATH"])
        #expect(kept.last?.fields["name"] == "/opt/paintbox/lib/libbrush.so")
    }

    /// `ausearch -i` output of a multi-host log (`node=NAME type=…`) is read on bytes like a
    /// single host's (it went the long way: the record's own ` type=`, after its node word,
    /// was taken for a second record). A line holding a second record (a paste that lost its
    /// newline), or whose node word is not followed by the type, is still left to the long way.
    @Test func interpretedNodeLinesAreReadOnBytes() throws {
        var lookups = InterpretedLookups()
        func asWritten(_ line: String) -> String? {
            Array(line.utf8).withUnsafeBytes { InterpretedForm.asWritten($0, lookups: &lookups) }.map { String(decoding: $0, as: UTF8.self) }
        }
        let seconds = CalendarTime.seconds(year: 2026, month: 11, day: 27, hour: 9, minute: 14, second: 3, in: .local)!
        let tail = "\u{1d}" + InterpretedForm.marker
        #expect(asWritten("node=easel type=AVC msg=audit(11/27/26 09:14:03.007:8812) : \(Self.avc) ")
                == "node=easel type=AVC msg=audit(\(seconds).007:8812): \(Self.avc)" + tail)
        #expect(asWritten("type=AVC msg=audit(11/27/26 09:14:03.007:8812) : \(Self.avc)") == "type=AVC msg=audit(\(seconds).007:8812): \(Self.avc)" + tail)
        for line in ["node=easel type=AVC msg=audit(11/27/26 09:14:03.007:8812) : \(Self.avc) node=easel type=EOE msg=audit(11/27/26 09:14:03.007:8812) : ",
                     "node=easel type=AVC msg=audit(11/27/26 09:14:03.007:8812) : \(Self.avc) type=EOE msg=audit(11/27/26 09:14:03.007:8812) : ",
                     "node=easel host type=AVC msg=audit(11/27/26 09:14:03.007:8812) : \(Self.avc)",
                     "node=eatype=sel type=AVC msg=audit(11/27/26 09:14:03.007:8812) : \(Self.avc)",
                     "node=easel"] {
            #expect(asWritten(line) == nil, "\(line)")
        }

        // Two hosts' events of one serial, read apart by their nodes, from one stream.
        let log = ["easel", "kiln"].map { node in
            "----\nnode=\(node) type=SYSCALL msg=audit(11/27/26 09:14:03.007:8812) : arch=x86_64 syscall=mprotect success=no exit=EACCES(Permission denied) a2=PROT_READ|PROT_EXEC comm=paintd\n"
                + "node=\(node) type=AVC msg=audit(11/27/26 09:14:03.007:8812) : \(Self.avc)\n"
        }.joined()
        let (items, stats) = try read(log)
        let records = items.compactMap { if case .record(let r) = $0 { r } else { nil } }
        #expect(records.map { "\($0.key.node ?? "-") \($0.type) \($0.fields["syscall"] ?? "")" } == ["easel AVC ", "easel SYSCALL 10", "kiln AVC ", "kiln SYSCALL 10"])
        #expect(stats.malformed == 0)
    }

    /// A `\`, `&` or non-ASCII byte anywhere in an `ausearch -i` line (the test reads eight
    /// bytes at a time: every offset within a word and the tail) leaves it to the long way,
    /// which undoes a paste's escapes; the same line without it is read on bytes.
    @Test func interpretedLinesWithEscapeBytesAreLeftToTheLongWay() {
        var lookups = InterpretedLookups()
        let line = Array("type=AVC msg=audit(11/27/26 09:14:03.007:8812) : \(Self.avc)".utf8)
        #expect(line.withUnsafeBytes { InterpretedForm.asWritten($0, lookups: &lookups) } != nil)
        for byte: UInt8 in [UInt8(ascii: "\\"), UInt8(ascii: "&"), 0x80, 0xc3, 0xff] {
            for at in 51..<line.count {   // the body, past the stamp
                var marked = line
                marked[at] = byte
                #expect(marked.withUnsafeBytes { InterpretedForm.asWritten($0, lookups: &lookups) } == nil, "\(byte) at \(at)")
            }
        }
    }
}
