import Foundation
import Testing
import TestSupport

/// A log aggregated from several hosts (audisp-remote into a central auditd, or a syslog relay):
/// records carry `node=NAME`. Findings say which nodes they were seen on, `--format summary
/// --by-node` tabulates the nodes, and `--sysroot NODE=DIR` reads each node's own files.
@Suite struct FleetTests {
    /// One event of `FixtureRoot.event`, every record prefixed with `node=NAME` as auditd's remote logging writes it.
    static func event(node: String?, serial: Int, perms: [[String]] = [["execmem"]], syscall: Int = 9,
                      args: [String] = ["0", "1000", "7", "22"], exe: String = "/opt/none/jit") -> String {
        let lines = FixtureRoot.event(serial: serial, perms: perms, syscall: syscall, args: args, exe: exe)
        guard let node else { return lines }
        return lines.split(separator: "\n").map { "node=\(node) " + $0 + "\n" }.joined()
    }

    static func nodes(_ finding: [String: Any]) -> [String] {
        (finding["nodes"] as? [[String: Any]] ?? []).map { "\($0["name"] as? String ?? "?")=\($0["count"] as? Int ?? -1)" }
    }

    /// web01 four times, web02 twice, web03 once, interleaved: repeats from other nodes take
    /// the fast path that folds a repeat without decoding it, and must be counted there too.
    static let threeNodes: String = {
        let order = ["web02", "web01", "web01", "web03", "web02", "web01", "web01"]
        return order.enumerated().map { event(node: $1, serial: 100 + $0) }.joined()
    }()

    @Test func aFindingListsItsNodesMostSeenFirst() throws {
        let (result, report) = try Tool.json(["-"], input: Self.threeNodes)
        #expect(result.status == 0, "\(result.stderr)")
        let findings = Tool.findings(report)
        #expect(findings.count == 1)
        let f = try #require(findings.first)
        #expect(f["count"] as? Int == 7)
        #expect(Self.nodes(f) == ["web01=4", "web02=2", "web03=1"])
        #expect(f["nodes_unlisted"] as? Int == 0)
        let text = LimitTests.unwrapped(try Tool.run(["-"], input: Self.threeNodes).stdout)
        #expect(text.contains("nodes on 3 nodes: web01 (4), web02 (2), web03 (1)"), "\(text)")
        let markdown = try Tool.run(["--format", "markdown", "-"], input: Self.threeNodes).stdout
        #expect(markdown.contains("| nodes | on 3 nodes: web01 (4), web02 (2), web03 (1) |"), "\(markdown)")
    }

    @Test func aLogWithoutNodesListsNone() throws {
        let log = (0..<3).map { Self.event(node: nil, serial: 100 + $0) }.joined()
        let (_, report) = try Tool.json(["-"], input: log)
        let f = try #require(Tool.findings(report).first)
        #expect((f["nodes"] as? [Any])?.isEmpty == true)
        let text = try Tool.run(["-"], input: log).stdout
        #expect(!text.contains("nodes "), "\(text)")
    }

    @Test func theByNodeTableCountsEachNodesFindingsAndDenials() throws {
        let stack = Self.event(node: "web01", serial: 200, perms: [["execstack"]], syscall: 10,
                               args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/none/stacky")
        let log = Self.threeNodes + stack
        let r = try Tool.run(["--format", "summary", "--by-node", "-"], input: log)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        let table = Array(lines.drop { !$0.hasPrefix("node findings") })
        #expect(table == [
            "node findings denials exec* mechanisms",
            "web01 2 5 jit-rwx-mapping, loader-exec-stack",
            "web02 1 2 jit-rwx-mapping",
            "web03 1 1 jit-rwx-mapping",
        ], "\(r.stdout)")
        let plain = try Tool.run(["--format", "summary", "-"], input: log).stdout
        #expect(!plain.contains("node findings") && plain.hasPrefix("count"), "the table only comes with --by-node")
        let refused = try Tool.run(["--by-node", "-"], input: log)
        #expect(refused.status == 64 && refused.stderr.contains("--by-node goes with --format summary"), "\(refused.stderr)")
    }

    /// Two nodes whose /opt/app/bin/app loads a different library asking for an executable stack.
    @Test func eachNodeIsAnalysedUnderItsOwnSysroot() throws {
        let web01 = try TemporaryDirectory("fleet-web01"), web02 = try TemporaryDirectory("fleet-web02")
        for (dir, lib) in [(web01, "libone.so"), (web02, "libtwo.so")] {
            var exe = ELFWriter.named("x86_64")
            exe.type = 2
            exe.interpreter = "/lib64/ld-linux-x86-64.so.2"
            exe.needed = [lib]
            try exe.write(to: dir.path + "/opt/app/bin/app")
            var library = ELFWriter.named("x86_64")
            library.soname = lib
            library.stackFlags = 7
            try library.write(to: dir.path + "/lib/x86_64-linux-gnu/" + lib)
        }
        func stack(_ node: String, _ serial: Int) -> String {
            Self.event(node: node, serial: serial, perms: [["execstack"]], syscall: 10,
                       args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/app/bin/app")
        }
        // web03 has no root of its own: the plain --sysroot, a copy of web01's files, serves it.
        let log = stack("web01", 1) + stack("web02", 2) + stack("web03", 3) + stack("web02", 4)
        let (result, report) = try Tool.json(["--sysroot", "web02=" + web02.path, "--sysroot", web01.path, "-"], input: log)
        #expect(result.status == 0, "\(result.stderr)")
        let findings = Tool.findings(report)
        #expect(findings.map(Tool.culpritPaths) == [["/lib/x86_64-linux-gnu/libone.so"], ["/lib/x86_64-linux-gnu/libtwo.so"]])
        #expect(findings.map(Self.nodes) == [["web01=1", "web03=1"], ["web02=2"]])
        let roots = (report["summary"] as? [String: Any])?["node_sysroots"] as? [[String: Any]] ?? []
        #expect(roots.map { $0["node"] as? String } == ["web02"] && roots.first?["sysroot"] as? String == web02.path)
        let text = LimitTests.unwrapped(try Tool.run(["--sysroot", "web02=" + web02.path, "--sysroot", web01.path, "-"], input: log).stdout)
        #expect(text.contains("Files of web02 read under \(web02.path)."), "\(text)")

        let missing = try Tool.run(["--sysroot", "web02=" + web02.path + "/nowhere", "-"], input: log)
        #expect(missing.status == 64 && missing.stderr.contains("is not a directory"), "\(missing.stderr)")
        let twice = try Tool.run(["--sysroot", web01.path, "--sysroot", web02.path, "-"], input: log)
        #expect(twice.status == 64 && twice.stderr.contains("one plain --sysroot DIR only"), "\(twice.stderr)")
        let check = try Tool.run(["check", "--sysroot", "web02=" + web02.path, "/opt"])
        #expect(check.status == 64 && check.stderr.contains("check reads one tree"), "\(check.stderr)")
    }

    /// Same program, no culprit on either node: one node's files say no object explains it, the
    /// other node's root lacks the program. Those are two answers, not one finding.
    @Test func aNodeWhoseFilesAreMissingIsNotFoldedWithOneAnalysed() throws {
        let web01 = try TemporaryDirectory("fleet-clean"), web02 = try TemporaryDirectory("fleet-empty")
        var exe = ELFWriter.named("x86_64")
        exe.type = 2
        exe.interpreter = "/lib64/ld-linux-x86-64.so.2"
        try exe.write(to: web01.path + "/opt/app/bin/app")
        let log = Self.event(node: "web01", serial: 1, exe: "/opt/app/bin/app") + Self.event(node: "web02", serial: 2, exe: "/opt/app/bin/app")
        let (_, report) = try Tool.json(["--sysroot", "web01=" + web01.path, "--sysroot", "web02=" + web02.path, "-"], input: log)
        let findings = Tool.findings(report)
        #expect(findings.map { ($0["elf"] as? [String: Any])?["status"] as? String } == ["analysed", "unavailable"])
        #expect(findings.map(Self.nodes) == [["web01=1"], ["web02=1"]])
    }

    @Test func nodesPastTheBoundAreCountedAndReported() throws {
        let log = (0..<300).map { Self.event(node: "n\($0)", serial: 1000 + $0) }.joined()
        let (_, report) = try Tool.json(["-"], input: log)
        let f = try #require(Tool.findings(report).first)
        #expect((f["nodes"] as? [Any])?.count == 256)
        #expect(f["nodes_unlisted"] as? Int == 44)
        let limit = try #require(LimitTests.limits(report).first)
        #expect(limit["limit"] as? String == "nodes")
        #expect(limit["bound"] as? Int == 256 && limit["kept"] as? Int == 256 && limit["seen"] as? Int == 300)
        let text = LimitTests.unwrapped(try Tool.run(["-"], input: log).stdout)
        #expect(text.contains("node lists name the first 256 nodes of each finding: 44 of 300 occurrences"), "\(text)")
        #expect(text.contains("on at least 257 nodes: n0 (1), n1 (1), n2 (1), n3 (1), n4 (1) and at least 252 more (44 of the 300 occurrences on nodes past the first 256, not named)"), "\(text)")
        let table = try Tool.run(["--format", "summary", "--by-node", "-"], input: log).stdout
        #expect(table.contains("(nodes not named)"), "\(table)")
    }
}
