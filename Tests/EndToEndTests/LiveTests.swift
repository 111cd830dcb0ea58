import Foundation
import Testing
import TestSupport

/// The streaming modes that need no kernel: --follow across rotation, and --plugin.
@Suite struct LiveTests {
    /// Each step waits for the tool to show it saw the one before (a finding on stdout, a
    /// notice on stderr), not for a fixed time: under load a sleep was not always long enough.
    @Test func followSurvivesRotationAndTruncation() throws {
        let dir = try TemporaryDirectory("follow")
        let log = dir.path + "/audit.log"
        let sample = { (name: String) in try String(contentsOfFile: Package.root + "/SampleLogs/" + name, encoding: .utf8) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Package.tool)
        p.arguments = ["--follow", log, "--format", "json"]
        let out = PipeText(), err = PipeText()
        p.standardOutput = out.pipe
        p.standardError = err.pipe
        try p.run()
        func append(_ text: String) throws {
            if !FileManager.default.fileExists(atPath: log) { try Data().write(to: URL(fileURLWithPath: log)) }
            let h = try #require(FileHandle(forWritingAtPath: log))
            h.seekToEndOfFile()
            h.write(Data(text.utf8))
            try h.close()
        }
        // Read as they come without the schema check (run once, on the whole output, below).
        func objects() -> [[String: Any]] {
            out.wholeLines.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        func findings() -> [String] {
            objects().filter { $0["type"] as? String == "finding" }.compactMap { ($0["finding"] as? [String: Any])?["mechanism"] as? String }
        }
        try err.wait { $0.contains("not there yet") }
        try append(sample("heap-exec.log"))                                     // the file appears after the start
        try out.wait { _ in findings().contains("heap-exec") }
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")      // logrotate: rename, new file
        try append(sample("jit-pcre2.log"))
        try out.wait { _ in findings().contains("jit-rwx-mapping") }
        #expect(err.text.contains("replaced by another file"))
        try Data().write(to: URL(fileURLWithPath: log))                        // copytruncate
        // Told before anything longer is written: a file longer than the offset read would not
        // look truncated.
        try err.wait { $0.contains("truncated") }
        try append(sample("seed-fluent-bit.log"))
        try out.wait { _ in findings().contains("loader-exec-stack") }          // events without EOE age out
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        try out.wait { _ in objects().last?["type"] as? String == "summary" }
        #expect(p.terminationStatus == 0)
        let lines = try Tool.jsonLines(out.wholeLines)
        #expect(findings() == ["heap-exec", "jit-rwx-mapping", "loader-exec-stack"])
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

/// What a child process has written to a pipe so far, read as it comes.
private final class PipeText: @unchecked Sendable {
    let pipe = Pipe()
    private let lock = NSLock()
    private var received = ""

    init() {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }   // end of file
            self?.lock.withLock { self?.received += String(decoding: data, as: UTF8.self) }
        }
    }

    var text: String { lock.withLock { received } }
    /// The text up to its last newline: a line still being written is left out.
    var wholeLines: String { let t = text; return t.lastIndex(of: "\n").map { String(t[...$0]) } ?? "" }

    /// Waits until the condition holds for the text, for at most a minute (a slow machine, not
    /// a time the test relies on).
    func wait(_ condition: (String) throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(60)
        while try !condition(text) {
            guard Date() < deadline else { throw TestFailure("timed out; so far: \(text.suffix(400))") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
