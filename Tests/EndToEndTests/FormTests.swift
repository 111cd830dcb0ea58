import Foundation
import Testing
import TestSupport

/// The seed case in every shape a ticket brings it in (SampleLogs/forms, described in
/// SampleLogs/README.md): each must come out as the same finding.
@Suite struct FormTests {
    static let forms: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: Package.root + "/SampleLogs/forms")) ?? []).sorted()

    static let refused = ["seed.ausearch-csv.log", "seed.ausearch-text.log"]

    @Test(arguments: FormTests.forms)
    func everyFormGivesTheSeedFinding(_ name: String) throws {
        let root = try SampleRoot.built.get()
        let (result, report) = try Tool.json(["--sysroot", root, "SampleLogs/forms/" + name])
        if Self.refused.contains(name) {
            #expect(result.status == 2)
            #expect(result.stderr.contains("run ausearch again with --raw"))
            #expect(Tool.findings(report).isEmpty)
            return
        }
        let exec = Tool.findings(report).filter { !($0["mechanism"] is NSNull) }
        #expect(exec.count == 1, "\(name): \(result.stderr)")
        let f = try #require(exec.first)
        #expect(f["mechanism"] as? String == "loader-exec-stack")
        let culprit = name.hasPrefix("chain") ? "/opt/chain/lib/libB.so" : "/opt/fluent-bit/lib/libfluent-bit.so"
        #expect(Tool.culpritPaths(f) == [culprit])
        if name.hasPrefix("seed") && !name.contains("journal-short") {
            #expect((f["syscall"] as? [String: Any])?["name"] as? String == "mprotect", "\(name)")
        }
    }

    /// An input whose denials are all of other permissions says so on stderr, naming them.
    @Test func anInputWithOnlyOtherDenialsSaysWhy() throws {
        let log = """
        type=AVC msg=audit(1795770000.120:8): avc:  denied  { read write } for  pid=7 comm="pickup" name="maildrop" scontext=system_u:system_r:postfix_pickup_t:s0 tcontext=system_u:object_r:postfix_spool_t:s0 tclass=dir permissive=0
        type=SYSCALL msg=audit(1795770000.120:8): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=5 a2=0 a3=0 items=1 ppid=1 pid=7 auid=4294967295 uid=89 gid=89 euid=89 suid=89 fsuid=89 egid=89 sgid=89 fsgid=89 tty=(none) ses=4294967295 comm="pickup" exe="/usr/libexec/postfix/pickup" subj=system_u:system_r:postfix_pickup_t:s0 key=(null)

        """
        let r = try Tool.run(["-"], input: log)
        #expect(r.status == 1)
        #expect(r.stderr.contains("(standard input): no exec* denial: 1 denial is of other permissions (read, write)"), "\(r.stderr)")
    }

    /// ausearch's default and `-i` forms print each event newest first, EOE at the top (and `-i`
    /// as `type=EOE msg=audit(…) : `, its stamp's end at the trimmed blank): read as the raw
    /// form is, as many events, the finding whole, and no stamp said to be hidden.
    @Test func newestFirstFormsReadAsTheRawForm() throws {
        let root = try SampleRoot.built.get()
        let (_, raw) = try Tool.json(["--sysroot", root, "SampleLogs/forms/seed.ausearch-raw.log"])
        for name in ["seed.ausearch-default.log", "seed.ausearch-i.log", "chain.ausearch-i.log"] {
            let (result, report) = try Tool.json(["--sysroot", root, "SampleLogs/forms/" + name])
            #expect(!result.stderr.contains("hidden by the poster"), "\(name): \(result.stderr)")
            let findings = Tool.findings(report)
            #expect(findings.allSatisfy { ($0["process"] as? [String: Any])?["exe"] is String }, "\(name)")
            guard name.hasPrefix("seed") else { continue }
            #expect((report["summary"] as? [String: Any])?["events"] as? Int == (raw["summary"] as? [String: Any])?["events"] as? Int, "\(name)")
            #expect(findings.map { $0["count"] as? Int } == Tool.findings(raw).map { $0["count"] as? Int }, "\(name)")
        }
    }

    @Test func interpretedFormSaysItsEvidenceIsWeaker() throws {
        let root = try SampleRoot.built.get()
        let (_, report) = try Tool.json(["--sysroot", root, "SampleLogs/forms/seed.ausearch-i.log"])
        let f = try #require(Tool.findings(report).first)
        let needed = f["evidence_needed"] as? [String] ?? []
        #expect(needed.contains { $0.contains("ausearch --raw") })
    }

    @Test func mixedFormsInOneInput() throws {
        let root = try SampleRoot.built.get()
        let dmesg = try String(contentsOfFile: Package.root + "/SampleLogs/forms/seed.dmesg.log", encoding: .utf8)
        let heap = try String(contentsOfFile: Package.root + "/SampleLogs/heap-exec.log", encoding: .utf8)
        let (_, report) = try Tool.json(["--sysroot", root, "-"], input: dmesg + heap)
        let mechanisms = Tool.findings(report).compactMap { $0["mechanism"] as? String }
        #expect(mechanisms == ["loader-exec-stack", "heap-exec"])
    }

    @Test func gzipAndRotationOrder() throws {
        let dir = try TemporaryDirectory("rotation")
        // audit.log.1.gz is older than audit.log; given newest first, they are still read oldest first.
        let older = try dir.write("audit.log.1", String(contentsOfFile: Package.root + "/SampleLogs/heap-exec.log", encoding: .utf8)
            .replacingOccurrences(of: "audit(1795", with: "audit(1794"))
        try Shell.must("/bin/gzip", [older])
        let newer = try dir.write("audit.log", String(contentsOfFile: Package.root + "/SampleLogs/heap-exec.log", encoding: .utf8))
        let (result, report) = try Tool.json([newer, older + ".gz"])
        #expect(result.status == 0, "\(result.stderr)")
        let f = try #require(Tool.findings(report).first)
        #expect(f["count"] as? Int == 2)
        #expect((f["events"] as? [String])?.first?.hasPrefix("1794") == true, "the older file's event comes first")
    }

    @Test func filtersNarrowTheFindings() throws {
        let logs = ["SampleLogs/seed-fluent-bit.log", "SampleLogs/heap-exec.log", "SampleLogs/thread-stacks.log", "SampleLogs/forms/seed.enriched-pasted.log"]
        let all = Tool.findings(try Tool.json(logs).1)
        #expect(all.count == 4)
        #expect(Tool.findings(try Tool.json(["--perm", "execheap"] + logs).1).count == 1)
        #expect(Tool.findings(try Tool.json(["--comm", "flb-tail"] + logs).1).count == 1)
        #expect(Tool.findings(try Tool.json(["--node", "web01"] + logs).1).first?["count"] as? Int == 1)
        let seed = try #require(all.first { ($0["process"] as? [String: Any])?["comm"] as? String == "flb-tail" })
        let pid = try #require(((seed["process"] as? [String: Any])?["pids"] as? [Int])?.first)
        #expect(Tool.findings(try Tool.json(["--pid", String(pid)] + logs).1).first?["count"] as? Int == 1)
        let first = try #require((seed["events"] as? [String])?.first?.split(separator: ".").first.map(String.init))
        #expect(Tool.findings(try Tool.json(["--since", "@" + first, "--until", "@" + first] + logs).1).first?["count"] as? Int == 1)
        #expect(try Tool.run(["--since", "not-a-time"] + logs).status == 64)
    }

    @Test func booleanChangesAreShownOnTheTimeline() throws {
        let (_, report) = try Tool.json(["SampleLogs/seed-fluent-bit.log"])
        let changes = (report["timeline"] as? [[String: Any]] ?? []).compactMap { c -> String? in
            guard let name = c["name"] as? String, let value = c["value"] as? Bool else { return nil }
            return "\(name)=\(value)"
        }
        #expect(changes.starts(with: ["selinuxuser_execstack=false", "selinuxuser_execstack=true", "deny_execmem=true"]))
    }

    @Test func enforcingChangesAndSELinuxErrorsAreReported() throws {
        let log = """
        type=MAC_STATUS msg=audit(1795770000.100:1): enforcing=0 old_enforcing=1 auid=1000 ses=2 enabled=1 old-enabled=1 lsm=selinux res=1
        type=SELINUX_ERR msg=audit(1795770001.100:2): security_compute_sid:  invalid context a_u:a_r:a_t:s0 for scontext=u:r:t:s0 tcontext=u:object_r:x_exec_t:s0 tclass=process

        """
        let (_, report) = try Tool.json(["-"], input: log)
        let timeline = report["timeline"] as? [[String: Any]] ?? []
        #expect(timeline.first?["kind"] as? String == "enforcing")
        #expect(timeline.first?["value"] as? Bool == false)
        #expect(timeline.first?["previous"] as? Bool == true)
        #expect((report["selinux_errors"] as? [[String: Any]])?.first?["count"] as? Int == 1)
    }
}

/// Opt-in: the public excerpts in ../shared/corpus, when the checkout has them beside it (CI
/// lays shared/ beside its clone; a bare clone runs none of these).
@Suite struct CorpusTests {
    static let corpus: [String] = {
        let dir = Package.root + "/../shared/corpus"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".log") }.sorted().map { dir + "/" + $0 }
    }()

    @Test(arguments: CorpusTests.corpus)
    func corpusFileIsReadWithoutTrouble(_ path: String) throws {
        let r = try Tool.run(["--format", "json", path])
        #expect(r.status <= 2)
        #expect(!r.stderr.contains("Fatal"), "\(path)")
        _ = try Tool.parsed(r.stdout, schema: .report)
    }

    /// Every excerpt that names an exec* permission yields an exec* finding; every other one
    /// says on stderr, for its input, why it gave none — never only "No … denials found".
    @Test(arguments: CorpusTests.corpus)
    func everyExcerptYieldsAFindingOrAReason(_ path: String) throws {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        let namesExec = ["execmem", "execstack", "execheap", "execmod"].contains { p in
            text.contains("{ \(p) ") || text.contains("{ \(p)}") || text.contains("from \(p) access") || text.contains("\(p) access on")
        }
        let (r, report) = try Tool.json([path])
        let exec = Tool.findings(report).filter { $0["mechanism"] is String }
        if namesExec {
            #expect(!exec.isEmpty, "\(path) names an exec* permission but gave no exec* finding:\n\(r.stderr)")
        } else if exec.isEmpty {
            let reasons = ["no exec* denial:", "no SELinux denial found:", "no audit records found", "ausearch --format"]
            #expect(reasons.contains { r.stderr.contains($0) }, "\(path) gave nothing and said no reason:\n\(r.stderr)")
        }
    }

    @Test func httpdExcerptInThreeShapesGivesTheSameFindings() throws {
        let names = ["formats-07.log", "formats-08.log", "formats-09.log"].map { Package.root + "/../shared/corpus/" + $0 }
        guard names.allSatisfy(FileManager.default.fileExists) else { return }
        let results = try names.map { name in Tool.findings(try Tool.json([name]).1).compactMap { $0["mechanism"] as? String } }
        #expect(results[0] == ["loader-exec-stack", "text-relocation", "heap-exec"])
        #expect(results[1] == results[0])
        #expect(results[2] == results[0])
    }
}
