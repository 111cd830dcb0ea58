import Foundation
import Testing
import TestSupport

/// Every bound the tool holds a log or a tree to is reported when reached, at its real
/// default value: the answer is then incomplete, and a reader must be told.
@Suite struct LimitTests {
    static func limits(_ report: [String: Any]) -> [[String: Any]] {
        (report["summary"] as? [String: Any])?["limits_reached"] as? [[String: Any]] ?? []
    }

    /// The text report with its wrapping undone, so a sentence can be matched whole.
    static func unwrapped(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func stamp(_ serial: Int) -> String { "audit(1795770000.\(String(format: "%03d", serial % 1000)):\(serial))" }

    @Test func aClosureCutAtItsBoundIsNotBlamedOnDlopen() throws {
        // A chain of 2,100 libraries; only the last asks for an executable stack, past the bound.
        let dir = try TemporaryDirectory("limit-closure")
        let libs = dir.path + "/lib/x86_64-linux-gnu"
        var exe = ELFWriter.named("x86_64")
        exe.type = 2
        exe.interpreter = "/lib64/ld-linux-x86-64.so.2"
        exe.needed = ["libchain0.so"]
        try exe.write(to: dir.path + "/opt/big/bin/big")
        for i in 0..<2100 {
            var lib = ELFWriter.named("x86_64")
            lib.soname = "libchain\(i).so"
            lib.needed = i < 2099 ? ["libchain\(i + 1).so"] : []
            lib.stackFlags = i < 2099 ? 6 : 7
            try lib.write(to: "\(libs)/libchain\(i).so")
        }
        let log = FixtureRoot.event(serial: 5, perms: [["execstack"]], syscall: 10,
                                    args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/big/bin/big")
        let (result, report) = try Tool.json(["--sysroot", dir.path, "-"], input: log)
        #expect(result.status == 0, "\(result.stderr)")
        let f = try #require(Tool.findings(report).first)
        let needed = f["evidence_needed"] as? [String] ?? []
        #expect(!needed.contains { $0.contains("dlopen") }, "a cut closure says nothing about dlopen(): \(needed)")
        #expect(needed.contains { $0.contains("cut at 2048 objects") && $0.contains("1 DT_NEEDED entry left unsearched") }, "\(needed)")
        let limit = try #require(Self.limits(report).first)
        #expect(limit["limit"] as? String == "load_closure")
        #expect(limit["bound"] as? Int == 2048)
        #expect(limit["subject"] as? String == "/opt/big/bin/big")
        // A chain: only the last kept object's one DT_NEEDED entry is left, the rest lies beyond it.
        #expect((limit["seen"] as? Int ?? 0) - (limit["kept"] as? Int ?? 0) == 1)
        #expect(limit["detail"] as? String == "the load closure of /opt/big/bin/big was cut at 2,048 objects: 1 DT_NEEDED entry was not searched, so an object at fault may lie beyond the cut")
    }

    @Test func theTimelineAndSELinuxErrorsSayWhatTheyLeftOut() throws {
        var log = ""
        for i in 0..<1234 {
            log += "type=MAC_CONFIG_CHANGE msg=\(Self.stamp(i + 1)): bool=deny_execmem val=\(i % 2) old_val=\((i + 1) % 2) auid=4294967295 ses=4294967295\n"
        }
        var serial = 5000
        for i in 0..<250 {   // 250 distinct texts, the first one three times
            let text = "security_compute_sid:  invalid context a_u:a_r:t\(i)_t:s0 for scontext=u:r:t:s0 tcontext=u:object_r:x_exec_t:s0 tclass=process"
            for _ in 0..<(i == 0 ? 3 : 1) {
                serial += 1
                log += "type=SELINUX_ERR msg=\(Self.stamp(serial)): \(text)\n"
            }
        }
        let (_, report) = try Tool.json(["-"], input: log)
        #expect((report["timeline"] as? [Any])?.count == 1000)
        #expect((report["selinux_errors"] as? [Any])?.count == 200)
        let limits = Self.limits(report)
        #expect(limits.map { $0["limit"] as? String } == ["timeline", "selinux_errors"])
        #expect(limits.first?["kept"] as? Int == 1000 && limits.first?["seen"] as? Int == 1234)
        #expect(limits.last?["kept"] as? Int == 202 && limits.last?["seen"] as? Int == 252 && limits.last?["bound"] as? Int == 200)
        let text = Self.unwrapped(String(try Tool.run(["-"], input: log).stdout.prefix(1000)))
        #expect(text.contains("Limits reached: timeline kept the first 1,000 of 1,234 policy changes; SELinux errors kept the first 200 distinct texts: 50 of 252 records had other texts"), "\(text)")
    }

    @Test func findingsPastTheirBoundAreCounted() throws {
        // 10,050 distinct denials (one program name each): 50 more than the findings kept.
        var log = ""
        for i in 0..<10_050 {
            let s = Self.stamp(i + 1)
            log += "type=AVC msg=\(s): avc:  denied  { read } for  pid=\(i + 100) comm=\"p\(i)\" name=\"f\" scontext=system_u:system_r:t_t:s0 tcontext=system_u:object_r:f_t:s0 tclass=file permissive=0\n"
            log += "type=EOE msg=\(s): \n"
        }
        let (_, report) = try Tool.json(["-"], input: log)
        #expect(Tool.findings(report).count == 10_000)
        let limit = try #require(Self.limits(report).first)
        #expect(limit["limit"] as? String == "findings")
        #expect(limit["kept"] as? Int == 10_000 && limit["seen"] as? Int == 10_050)
        let text = Self.unwrapped(String(try Tool.run(["-"], input: log).stdout.prefix(1000)))
        #expect(text.contains("Limits reached: findings kept the first 10,000 distinct ones: 50 of 10,050 occurrences"))
    }

    @Test func aPidListCutAt64SaysThereAreMore() throws {
        let log = (0..<70).map { i in
            FixtureRoot.event(serial: 100 + i, perms: [["execmem"]], syscall: 9, args: ["0", "1000", "7", "22"], exe: "/opt/none/jit")
                .replacingOccurrences(of: "pid=4242", with: "pid=\(5000 + i)")
        }.joined()
        let (_, report) = try Tool.json(["-"], input: log)
        let process = try #require(Tool.findings(report).first?["process"] as? [String: Any])
        #expect((process["pids"] as? [Any])?.count == 64)
        #expect(process["pids_complete"] as? Bool == false)
        let text = String(try Tool.run(["-"], input: log, environment: ["COLUMNS": "200"]).stdout.prefix(400))
        #expect(text.contains("pids 5000, 5001, 5002, 5003, 5004, 5005, 5006, 5007 and at least 57 more"), "\(text)")
    }
}
