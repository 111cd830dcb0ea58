import Foundation
import Testing
import AuditInput
import AuditEvents
import ELFLoader
import TestSupport
@testable import Diagnosis
@testable import Rendering

/// Characters that reorder or split a terminal line are escaped like control characters.
@Suite struct BidiEscapingTests {
    @Test func textEscapesBidiAndLineSeparators() {
        #expect(TerminalText.sanitize("evil\u{202e}os.so") == "evil\\u{202e}os.so")
        #expect(TerminalText.sanitize("a\u{202a}\u{202d}\u{2066}\u{2069}\u{200e}\u{200f}\u{61c}\u{2028}\u{2029}b")
            == "a\\u{202a}\\u{202d}\\u{2066}\\u{2069}\\u{200e}\\u{200f}\\u{61c}\\u{2028}\\u{2029}b")
        #expect(TerminalText.sanitize("x\u{1b}y\u{85}") == "x\\x1by\\x85", "C0 and C1 as before")
        #expect(TerminalText.sanitize("שלום /usr/lib/é\u{200d}") == "שלום /usr/lib/é\u{200d}", "ordinary text, ZWJ included, is left alone")
    }

    @Test func jsonEscapesBidiAndLineSeparators() {
        #expect(JSON.string("a\u{202e}b\u{2029}c\u{61c}").serialized() == #""a\u202eb\u2029c\u061c""#)
        #expect(JSON.string("é\u{7f}").serialized() == #""é\u007f""#)
    }
}

/// Every time in JSON is an RFC 3339 string or null, whatever stamp the log held.
@Suite struct JSONTimeTests {
    private func record(_ line: String) throws -> Record {
        guard case .record(let r) = RecordParser.parse(Array(line.utf8), source: AuditInput.SourceLocation(input: "t", line: 1)) else {
            throw TestFailure("not a record: \(line)")
        }
        return r
    }

    private func avc(_ stamp: String, comm: String) throws -> Event {
        let r = try record("type=AVC msg=audit(\(stamp)): avc:  denied  { execmem } for  pid=7 comm=\"\(comm)\" scontext=system_u:system_r:unconfined_t:s0 tcontext=system_u:system_r:unconfined_t:s0 tclass=process permissive=0")
        return Event(key: r.key, records: [r])
    }

    @Test func stampsNoCalendarCanShowAreNull() throws {
        let empty = try TemporaryDirectory()
        var diagnoser = Diagnoser(loader: LoaderSearch(root: FileSystemRoot(directory: empty.path)))
        diagnoser.add(try avc("1795770000.120:1", comm: "folded"))
        diagnoser.add(try avc("18446744073709551615.000:2", comm: "folded"))
        diagnoser.add(try avc("253402300800.000:3", comm: "year10000"))
        diagnoser.add(try avc("253402300799.999:4", comm: "year9999"))
        let status = try record("type=MAC_STATUS msg=audit(18446744073709551615.000:5): enforcing=1 old_enforcing=0 auid=0 ses=1 enabled=1 old-enabled=1 lsm=selinux res=1")
        diagnoser.add(Event(key: status.key, records: [status]))
        let message = "prog: error while loading shared libraries: libx.so: cannot enable executable stack as shared object requires: Permission denied"
        diagnoser.add(try #require(LoaderMessage.parse(message, source: AuditInput.SourceLocation(input: "t", line: 9))))

        var report = Report(findings: diagnoser.results, events: diagnoser.eventsSeen, denials: diagnoser.denialCount, inputs: [], sysroot: nil)
        report.timeline = diagnoser.timeline
        let text = JSONRenderer.render(report).serialized()
        try SchemaValidation.validate(text, against: .report)
        let json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let findings = try #require(json["findings"] as? [[String: Any]])
        func times(_ comm: String?) -> (Any?, Any?) {
            let f = findings.first { ($0["process"] as? [String: Any])?["comm"] as? String == comm }
            return (f?["first_seen"], f?["last_seen"])
        }
        #expect(times("folded").0 as? String == "2026-11-27T09:00:00.120Z")
        #expect(times("folded").1 is NSNull, "a stamp past year 9999 folded in as the latest")
        #expect(times("year10000").0 is NSNull && times("year10000").1 is NSNull)
        #expect(times("year9999").0 as? String == "9999-12-31T23:59:59.999Z")
        #expect(times("prog").0 is NSNull && times("prog").1 is NSNull, "a loader message carries no time")
        let timeline = try #require(json["timeline"] as? [[String: Any]])
        #expect(timeline.count == 1 && timeline[0]["time"] is NSNull)

        // And nothing anywhere is a bare number where a time belongs.
        for f in findings {
            for key in ["first_seen", "last_seen"] {
                let value = f[key]
                #expect(value is NSNull || (value as? String).map { $0.wholeMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/#) != nil } == true, "\(key): \(String(describing: value))")
            }
        }
    }
}
