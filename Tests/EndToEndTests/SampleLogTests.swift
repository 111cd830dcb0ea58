import Foundation
import Testing
import TestSupport

/// Every bundled sample, explained against the real programs it names.
@Suite struct SampleLogTests {
    /// Per sample: each finding's mechanism (nil for a non-exec denial) and culprit paths, in output order.
    static let expected: [String: [(String?, [String])]] = [
        "seed-fluent-bit.log": [("loader-exec-stack", ["/opt/fluent-bit/lib/libfluent-bit.so"])],
        "chain-permissive.log": [("loader-exec-stack", ["/opt/chain/lib/libB.so"])],
        "thread-stacks.log": [("thread-stack-exec", ["/usr/local/bin/legacy-daemon"]),
                              ("thread-stack-exec", ["/usr/local/bin/old-toolchain-daemon"])],
        "jit-pcre2.log": [("jit-rwx-mapping", ["/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0"])],
        "jit-anonymous.log": [("jit-rwx-mapping", []), ("jit-wx-flip", [])],
        "textrel.log": [("text-relocation", ["/opt/vendor/lib/libtextrel.so"])],
        "heap-exec.log": [("heap-exec", [])],
        "read-implies-exec.log": [("read-implies-exec", ["/usr/local/bin/legacy-reader32"])],
        // The AVC alone cannot name a dlopen()ed library; the plugin's own error line does.
        "dlopen-plugin.log": [("loader-exec-stack", []), ("loader-exec-stack", ["/opt/plugins/lib/libwasm-filter.so"])],
    ]

    static var samples: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Package.root + "/SampleLogs")) ?? [])
            .filter { $0.hasSuffix(".log") }.sorted()
    }

    @Test func everySampleHasAnExpectation() {
        #expect(Set(Self.samples) == Set(Self.expected.keys))
    }

    @Test(arguments: SampleLogTests.samples)
    func sampleNamesMechanismAndCulprit(_ name: String) throws {
        let root = try SampleRoot.built.get()
        let (result, report) = try Tool.json(["--sysroot", root, "SampleLogs/" + name])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        #expect(report["schema"] as? String == "avc-explain/1")
        let findings = Tool.findings(report)
        let want = try #require(Self.expected[name])
        #expect(findings.count == want.count)
        for (finding, (mechanism, culprits)) in zip(findings, want) {
            #expect(finding["mechanism"] as? String == mechanism)
            #expect(Tool.culpritPaths(finding) == culprits)
        }
    }

    @Test func seedCaseDetails() throws {
        let root = try SampleRoot.built.get()
        let (_, report) = try Tool.json(["--sysroot", root, "SampleLogs/seed-fluent-bit.log"])
        let f = try #require(Tool.findings(report).first)
        #expect(f["count"] as? Int == 2)
        #expect(f["blocked"] as? Bool == true)
        #expect(f["permissions"] as? [String] == ["execstack", "execmem"], "first selinuxuser_execstack off, then deny_execmem on")
        #expect((f["process"] as? [String: Any])?["domain"] as? String == "unconfined_service_t")
        let culprit = try #require((f["culprits"] as? [[String: Any]])?.first)
        #expect(culprit["reason"] as? String == "gnu-stack-rwe")
        #expect(culprit["chain"] as? [String] == ["/opt/fluent-bit/bin/flb-tail", "/opt/fluent-bit/lib/libfluent-bit.so"])
        let booleans = (f["booleans"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(booleans.contains("deny_execmem"))
        let fixes = (f["fixes"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(fixes.first == "rebuild", "never lead with a policy change")
        #expect(fixes.last == "policy")
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["denials"] as? Int == 2)
    }

    @Test func permissiveEventKeepsBothPermissions() throws {
        let root = try SampleRoot.built.get()
        let (_, report) = try Tool.json(["--sysroot", root, "SampleLogs/chain-permissive.log"])
        let f = try #require(Tool.findings(report).first)
        #expect(f["permissions"] as? [String] == ["execstack", "execmem"])
        #expect(f["blocked"] as? Bool == false)
        let chain = (f["culprits"] as? [[String: Any]])?.first?["chain"] as? [String]
        #expect(chain == ["/opt/chain/bin/chain-app", "/opt/chain/lib/libA.so", "/opt/chain/lib/libB.so"])
    }

    /// The kernel's READ_IMPLIES_EXEC: a PROT_READ mmap2 of a data file denied execute. Both the
    /// personality and the protection asked for are evidence; the executable's missing stack header is the reason.
    @Test func readImpliesExecFromTheKernelsRecords() throws {
        let root = try SampleRoot.built.get()
        let (_, report) = try Tool.json(["--sysroot", root, "SampleLogs/read-implies-exec.log"])
        let f = try #require(Tool.findings(report).first)
        #expect(f["permissions"] as? [String] == ["execute"])
        #expect(f["blocked"] as? Bool == true)
        #expect((f["culprits"] as? [[String: Any]])?.first?["reason"] as? String == "gnu-stack-missing")
        let evidence = f["evidence"] as? [String] ?? []
        #expect(evidence.contains { $0.hasPrefix("per=400000") })
        #expect(evidence.contains { $0.hasPrefix("mmap2 of /tmp/ledger.dat asked for PROT_READ only") })
    }

    /// Every report format, with its golden file's extension.
    static let formats: [(format: String, ext: String)] = [("text", ".txt"), ("summary", ".summary.txt"), ("markdown", ".md")]

    /// Each report is compared byte for byte, in every format; UPDATE_GOLDEN=1 rewrites the files.
    @Test(arguments: SampleLogTests.samples)
    func golden(_ name: String) throws {
        let root = try SampleRoot.built.get()
        for (format, ext) in Self.formats {
            let result = try Tool.run(["--format", format, "--sysroot", root, "SampleLogs/" + name])
            let golden = Package.root + "/Tests/EndToEndTests/Golden/" + name.replacingOccurrences(of: ".log", with: ext)
            if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
                try result.stdout.write(toFile: golden, atomically: true, encoding: .utf8)
                continue
            }
            let want = try String(contentsOfFile: golden, encoding: .utf8)
            #expect(result.stdout == want, "\(format) output differs from \(golden); run UPDATE_GOLDEN=1 swift test to accept")
        }
    }

    @Test func ausearchOutputOnStandardInput() throws {
        let root = try SampleRoot.built.get()
        let log = try String(contentsOfFile: Package.root + "/SampleLogs/chain-permissive.log", encoding: .utf8)
        let (result, report) = try Tool.json(["--sysroot", root, "-"], input: log)
        #expect(result.status == 0)
        #expect(Tool.findings(report).first?["mechanism"] as? String == "loader-exec-stack")
    }
}
