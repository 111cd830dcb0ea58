import Foundation
import Testing
import TestSupport

/// The published schemas in schema/: every JSON output of the suite is held to them (through
/// Tool.json, Tool.parsed and Tool.jsonLines); these tests show that the holding happens and
/// can fail, and cover what the live JSON Lines gained with their schema.
@Suite struct SchemaTests {
    @Test func everyJSONReaderOfTheSuiteValidates() throws {
        let counter = SchemaValidation.Counter()
        try SchemaValidation.$counter.withValue(counter) {
            _ = try Tool.json(["SampleLogs/heap-exec.log"])
            #expect(counter.count == 1, "Tool.json validates the report")
            _ = try Tool.json(["check", "SampleLogs"])
            #expect(counter.count == 2, "Tool.json validates check's report")
            let r = try Tool.run(["--plugin", "--format", "json"], input: try String(contentsOfFile: Package.root + "/SampleLogs/heap-exec.log", encoding: .utf8))
            _ = try Tool.jsonLines(r.stdout)
            #expect(counter.count == 3, "Tool.jsonLines validates the records")
        }
    }

    /// Strictness: what the schemas forbid is a test failure carrying the validator's words.
    @Test(arguments: [
        (OutputSchema.report, #""mechanism": "heap-exec""#, #""mechanism": "heap-exec", "surprise": 1"#, "'surprise' was unexpected"),
        (OutputSchema.report, #""mechanism": "heap-exec""#, #""mechanism": "heap-execution""#, "is not one of"),
        (OutputSchema.report, #""first_seen": "2026-"#, #""first_seen": "2026-13-"#, "is not a 'date-time'"),
        (OutputSchema.report, #""live": []"#, #""live": [null]"#, "is not of type 'string'"),
    ])
    func validatorRejectsWhatTheSchemaForbids(_ schema: OutputSchema, _ original: String, _ replacement: String, _ message: String) throws {
        let r = try Tool.run(["--format", "json", "SampleLogs/heap-exec.log"])
        #expect(r.stdout.contains(original))
        let broken = r.stdout.replacingOccurrences(of: original, with: replacement)
        #expect { try SchemaValidation.validate(broken, against: schema) } throws: { ($0 as? TestFailure)?.description.contains(message) == true }
    }

    /// Every member a schema allows is documented in README.md: none is left for scripts to guess.
    @Test(arguments: [OutputSchema.report, .lines, .check])
    func everyMemberIsDocumented(_ schema: OutputSchema) throws {
        let readme = try String(contentsOfFile: Package.root + "/README.md", encoding: .utf8)
        var names: Set<String> = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                if let properties = object["properties"] as? [String: Any] { names.formUnion(properties.keys) }
                object.values.forEach(walk)
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: schema.path))))
        #expect(names.count > 5)
        let undocumented = names.filter { name in
            !["\"", "`", "{", " ", "\n"].contains { before in ["\"", "`", ",", "}", ":", "["].contains { readme.contains(before + name + $0) } }
        }
        #expect(undocumented.isEmpty, "not in README.md: \(undocumented.sorted())")
    }

    @Test func jsonLinesRecordWithoutItsSchemaIsRejected() throws {
        #expect(throws: TestFailure.self) { try SchemaValidation.validate(#"{"type":"lost","reason":"ENOBUFS"}"#, against: .lines) }
        try SchemaValidation.validate(#"{"schema":"avc-explain-lines/1","type":"lost","reason":"ENOBUFS"}"#, against: .lines)
    }

    /// Policy changes and SELinux errors reach a live reader as they happen, not only in file
    /// mode's report; every record names its schema.
    @Test func liveModesStreamPolicyChangesAndSELinuxErrors() throws {
        let error = "security_compute_sid:  invalid context a_u:a_r:a_t:s0 for scontext=u:r:t:s0 tcontext=u:object_r:x_exec_t:s0 tclass=process"
        let log = """
        type=MAC_STATUS msg=audit(1795770000.100:1): enforcing=0 old_enforcing=1 auid=1000 ses=2 enabled=1 old-enabled=1 lsm=selinux res=1
        type=SELINUX_ERR msg=audit(1795770001.100:2): \(error)
        type=MAC_CONFIG_CHANGE msg=audit(1795770002.100:3): bool=deny_execmem val=1 old_val=0 auid=0 ses=1
        type=SELINUX_ERR msg=audit(1795770003.100:4): \(error)

        """
        let r = try Tool.run(["--plugin", "--format", "json"], input: log)
        #expect(r.status == 0)
        let lines = try Tool.jsonLines(r.stdout)
        #expect(lines.allSatisfy { $0["schema"] as? String == "avc-explain-lines/1" })
        let told = lines.compactMap { l -> String? in
            switch l["type"] as? String {
            case "timeline": return "timeline \(l["kind"] as? String ?? "?") \(l["name"] as? String ?? "-")=\(l["value"] as? Bool ?? false) at \(l["time"] as? String ?? "?")"
            case "selinux_error": return "selinux_error \(l["count"] as? Int ?? 0) at \(l["event"] as? String ?? "?")"
            default: return nil
            }
        }
        #expect(told == [
            "timeline enforcing -=false at 2026-11-27T09:00:00.100Z",
            "selinux_error 1 at 1795770001.100:2",
            "timeline boolean deny_execmem=true at 2026-11-27T09:00:02.100Z",
            "selinux_error 2 at 1795770003.100:4",
        ])
        #expect((lines.first { $0["type"] as? String == "selinux_error" })?["text"] as? String == error)
        #expect(lines.last?["type"] as? String == "summary")
    }
}
