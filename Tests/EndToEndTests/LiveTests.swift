import Foundation
import Testing
import TestSupport

/// The streaming modes that need no kernel: --follow across rotation, and --plugin.
@Suite struct LiveTests {
    @Test func followSurvivesRotationAndTruncation() throws {
        let dir = try TemporaryDirectory("follow")
        let log = dir.path + "/audit.log"
        let sample = { (name: String) in try String(contentsOfFile: Package.root + "/SampleLogs/" + name, encoding: .utf8) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Package.tool)
        p.arguments = ["--follow", log, "--format", "json"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        func append(_ text: String) throws {
            if !FileManager.default.fileExists(atPath: log) { try Data().write(to: URL(fileURLWithPath: log)) }
            let h = try #require(FileHandle(forWritingAtPath: log))
            h.seekToEndOfFile()
            h.write(Data(text.utf8))
            try h.close()
        }
        Thread.sleep(forTimeInterval: 0.7)
        try append(sample("heap-exec.log"))                                     // the file appears after the start
        Thread.sleep(forTimeInterval: 0.7)
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")      // logrotate: rename, new file
        try append(sample("jit-pcre2.log"))
        Thread.sleep(forTimeInterval: 0.7)
        try Data().write(to: URL(fileURLWithPath: log))                        // copytruncate
        Thread.sleep(forTimeInterval: 0.3)
        try append(sample("seed-fluent-bit.log"))
        Thread.sleep(forTimeInterval: 3.0)                                     // events without EOE age out
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let lines = try Tool.jsonLines(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        let mechanisms = lines.filter { $0["type"] as? String == "finding" }.compactMap { ($0["finding"] as? [String: Any])?["mechanism"] as? String }
        #expect(mechanisms == ["heap-exec", "jit-rwx-mapping", "loader-exec-stack"])
        #expect(lines.last?["type"] as? String == "summary")
        #expect(lines.contains { $0["type"] as? String == "repeat" }, "the seed's second denial is a repeat")
    }

    @Test func pluginStreamOnStandardInput() throws {
        let root = try SampleRoot.built.get()
        // auditd hands plugins records one per line, ENRICHED and all, in arrival order.
        let stream = try String(contentsOfFile: Package.root + "/SampleLogs/forms/seed.ausearch-raw.log", encoding: .utf8)
        let r = try Tool.run(["--plugin", "--format", "json", "--sysroot", root], input: stream)
        #expect(r.status == 0)
        let lines = try Tool.jsonLines(r.stdout)
        // The finding's last state: printed when it appeared, then updated at exit if it repeated.
        let finding = try #require(lines.last { ["finding", "update"].contains($0["type"] as? String ?? "") }?["finding"] as? [String: Any])
        #expect(finding["mechanism"] as? String == "loader-exec-stack")
        #expect(Tool.culpritPaths(finding) == ["/opt/fluent-bit/lib/libfluent-bit.so"])
        // The same records as a file: the same finding.
        let (_, fileReport) = try Tool.json(["--sysroot", root, "SampleLogs/forms/seed.ausearch-raw.log"])
        let fileFinding = try #require(Tool.findings(fileReport).first)
        for key in ["mechanism", "permissions", "blocked", "class"] {
            #expect(String(describing: finding[key]) == String(describing: fileFinding[key]), "\(key)")
        }
        #expect(Tool.culpritPaths(finding) == Tool.culpritPaths(fileFinding))
        #expect(lines.last?["type"] as? String == "summary")
    }

    @Test func liveRefusesWithoutSELinux() throws {
        guard !FileManager.default.fileExists(atPath: "/sys/fs/selinux/enforce") else { return }
        let r = try Tool.run(["--live"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("SELinux is not enabled"))
    }
}
