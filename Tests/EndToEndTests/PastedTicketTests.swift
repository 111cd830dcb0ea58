import Foundation
import Testing
import TestSupport

/// Pastes as tickets bring them, each run through the tool: every one must give its finding,
/// say when the time is unknown, and name every line it did not use. Values are invented.
@Suite struct PastedTicketTests {
    static let seed = (try? String(contentsOfFile: Package.root + "/SampleLogs/seed-fluent-bit.log", encoding: .utf8)) ?? ""
    static let avc = #"avc:  denied  { execheap } for  pid=5151 comm="inkd" scontext=staff_u:staff_r:staff_t:s0 tcontext=staff_u:staff_r:staff_t:s0 tclass=process permissive=0"#

    private func execFindings(_ input: String) throws -> ([[String: Any]], ProcessResult) {
        let (result, report) = try Tool.json(["-"], input: input)
        return (Tool.findings(report).filter { !($0["mechanism"] is NSNull) }, result)
    }

    @Test func aLogThatLostItsNewlinesGivesTheSeedFinding() throws {
        let joined = Self.seed.split(separator: "\n").joined(separator: " ") + "\n"
        let (exec, result) = try execFindings(joined)
        let f = try #require(exec.first, "\(result.stderr)")
        #expect(exec.count == 1)
        #expect(f["mechanism"] as? String == "loader-exec-stack")
        #expect(f["count"] as? Int == 2)
        #expect((f["syscall"] as? [String: Any])?["name"] as? String == "mprotect")
    }

    @Test func interpretedEventsThatLostTheirNewlinesGiveTheSeedFinding() throws {
        let text = try String(contentsOfFile: Package.root + "/SampleLogs/forms/seed.ausearch-i.log", encoding: .utf8)
        let events = text.components(separatedBy: "----\n").map { $0.split(separator: "\n").joined(separator: " ") }
        let (exec, result) = try execFindings(events.joined(separator: "\n----\n") + "\n")
        #expect(exec.first?["mechanism"] as? String == "loader-exec-stack", "\(result.stderr)")
    }

    @Test func ausearchTimeHeadersJoinedWithRecords() throws {
        let events = Self.seed.split(separator: "\n").map { "time->Sun Nov 29 01:07:58 2026 " + $0 }.joined(separator: "\n")
        let (exec, result) = try execFindings(events + "\n")
        #expect(exec.first?["mechanism"] as? String == "loader-exec-stack", "\(result.stderr)")
        #expect(!result.stderr.contains("skipped"), "\(result.stderr)")
    }

    @Test func aRecordWithoutStampSaysItsTimeIsUnknown() throws {
        let input = "Here is what the journal showed:\nAVC \(Self.avc)\n"
        let (exec, result) = try execFindings(input)
        let f = try #require(exec.first, "\(result.stderr)")
        #expect(f["mechanism"] as? String == "heap-exec")
        #expect(f["first_seen"] is NSNull && f["last_seen"] is NSNull)
        let text = try Tool.run(["-"], input: input)
        #expect(text.stdout.contains("time unknown"))
        #expect(!text.stdout.contains("1970"))
        #expect(text.stderr.contains("skipped 1 line that is not an audit record (line 1)"))
    }

    @Test func bareAndroidAndBootRelativeLines() throws {
        let android = "`avc:  denied  { execmod } for  path=\"/data/app/org.example.inkpad/lib/arm/libink.so\" scontext=u:r:untrusted_app:s0:c77,c257,c512,c768 tcontext=u:object_r:app_data_file:s0:c77,c257,c512,c768 tclass=file permissive=0`\n"
        let (exec, result) = try execFindings(android)
        #expect(exec.first?["mechanism"] as? String == "text-relocation", "\(result.stderr)")
        let dmesg = "[  812.345678] audit: type=1400 audit(812.345:89): \(Self.avc)\n"
        let text = try Tool.run(["-"], input: dmesg)
        #expect(text.stdout.contains("812.3 s after boot"), "\(text.stdout)")
        #expect(!text.stdout.contains("1970"))
    }

    @Test func redactedStampsAreReadWithANote() throws {
        let input = "type=AVC msg=audit(..): \(Self.avc)\ntype=AVC msg=audit(XXX): \(Self.avc.replacingOccurrences(of: "5151", with: "5152"))\n"
        let (exec, result) = try execFindings(input)
        #expect(exec.first?["count"] as? Int == 2, "\(result.stderr)")
        #expect(result.stderr.contains("hidden by the poster") && result.stderr.contains("(lines 1, 2)"), "\(result.stderr)")
    }

    @Test func setroubleshootsSentenceAloneGivesAFinding() throws {
        let input = "Nov 27 09:14:03 easel setroubleshoot[901]: SELinux is preventing /opt/inkpad/bin/inkpad from execmod access on the file /memfd:glyph-jit (deleted). For complete SELinux messages run: sealert -l 0d7a1c52-4a3e-4f8e-9c11-2b6f0e1d9a77\n"
        let (exec, result) = try execFindings(input)
        let f = try #require(exec.first, "\(result.stderr)")
        #expect(f["mechanism"] as? String == "memfd-double-map")
        #expect((f["process"] as? [String: Any])?["exe"] as? String == "/opt/inkpad/bin/inkpad")
    }

    @Test func escapingIsNotEchoedIntoAdvice() throws {
        let input = "AVC avc:  denied  { execmem } for  pid=77 comm=&quot;inkd&quot; scontext=unconfined\\_u:unconfined\\_r:unconfined\\_t:s0 tcontext=unconfined\\_u:unconfined\\_r:unconfined\\_t:s0 tclass=process permissive=0\n"
        let text = try Tool.run(["-"], input: input)
        #expect(text.stdout.contains("unconfined_t"), "\(text.stdout)\(text.stderr)")
        #expect(!text.stdout.contains("\\_") && !text.stdout.contains("&quot;"))
    }

    @Test func anInputWithNothingUsableSaysWhy() throws {
        let noDenial = try Tool.run(["-"], input: "type=SYSCALL msg=audit(1795770843.120:1): arch=c000003e syscall=1 success=yes exit=1\n")
        #expect(noDenial.status == 1)
        #expect(noDenial.stderr.contains("no SELinux denial found: 1 audit record, none of them an AVC or USER_AVC"), "\(noDenial.stderr)")
        let noPermission = try Tool.run(["-"], input: "avc:  denied for pid=3 comm=\"x\"\n")
        #expect(noPermission.stderr.contains("skipped 1 line that is an AVC with no stamp and no permission (line 1)"), "\(noPermission.stderr)")
    }
}
