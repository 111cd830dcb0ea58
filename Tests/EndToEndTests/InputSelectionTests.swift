import Foundation
import Synchronization
import Testing
import TestSupport
import AuditInput
@testable import avc_explain

/// ausearch's habits: `-if FILE|DIR`, a bare directory, `--input-logs`, the configured logs
/// when standard input carries nothing, and the short filter names.
@Suite struct InputSelectionTests {
    static let seed = Package.root + "/SampleLogs/seed-fluent-bit.log"

    /// A record with no denial at `seconds`, to tell the files apart by time.
    static func quietRecord(_ seconds: Int) -> String {
        "type=DAEMON_START msg=audit(\(seconds).000:1): op=start ver=3.0.9 format=enriched kernel=6.1.0 auid=4294967295 pid=1 uid=0 ses=4294967295 res=success\n"
    }

    /// audit.log.2.gz, audit.log.1 (the seed case) and audit.log, oldest to newest, and names
    /// that are not rotations.
    static func rotatedLogs(in dir: TemporaryDirectory) throws {
        try Shell.must("/bin/gzip", ["-n", try dir.write("audit.log.2", quietRecord(1_795_900_000))])
        try FileManager.default.copyItem(atPath: seed, toPath: dir.path + "/audit.log.1")
        _ = try dir.write("audit.log", quietRecord(1_795_990_000))
        _ = try dir.write("audit.log.bak", "not a log\n")
        _ = try dir.write("messages", "not a log\n")
    }

    static func inputNames(_ report: [String: Any]) -> [String] {
        ((report["summary"] as? [String: Any])?["inputs"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    @Test func parsesAuditdConfLogFile() {
        #expect(InputSelection.logFile(inAuditdConf: "local_events = yes\nlog_file = /var/log/audit/audit.log\nlog_format = ENRICHED\n") == "/var/log/audit/audit.log")
        #expect(InputSelection.logFile(inAuditdConf: "  log_file=/srv/audit/a.log  \r\n") == "/srv/audit/a.log")
        #expect(InputSelection.logFile(inAuditdConf: "#log_file = /old\nlog_file = /new\n") == "/new")
        #expect(InputSelection.logFile(inAuditdConf: "log_file = /a\nlog_file = /b\n") == "/b")
        #expect(InputSelection.logFile(inAuditdConf: "log_file = relative/audit.log\n") == nil)
        #expect(InputSelection.logFile(inAuditdConf: "log_file = /var/log/audit/\n") == nil)
        #expect(InputSelection.logFile(inAuditdConf: "max_log_file = 8\nlog_file_x = /x\n") == nil)
        #expect(InputSelection.logFile(inAuditdConf: "") == nil)
    }

    @Test func rotationNames() {
        #expect(InputOrder.rotationNumber("audit.log", of: "audit.log") == 0)
        #expect(InputOrder.rotationNumber("audit.log.gz", of: "audit.log") == 0)
        #expect(InputOrder.rotationNumber("audit.log.1", of: "audit.log") == 1)
        #expect(InputOrder.rotationNumber("audit.log.12.gz", of: "audit.log") == 12)
        for other in ["audit.log.bak", "audit.log.", "audit.logx", "audit.log-20261129", "audit.log.1.xz", "xaudit.log"] {
            #expect(InputOrder.rotationNumber(other, of: "audit.log") == nil, "\(other)")
        }
    }

    /// A pipe among several inputs (`<(zcat audit.log.1.gz) audit.log`) is not opened to peek
    /// at its first stamp: what the peek read was gone when the pipe's turn came, and opening it
    /// again waited for a writer that never came back, so the run hung.
    @Test func aPipeIsNotPeekedAtForTheOrder() throws {
        let dir = try TemporaryDirectory("pipe-order")
        let pipe = dir.path + "/pipe"
        #expect(mkfifo(pipe, 0o600) == 0)
        let log = try dir.write("a.log", "type=AVC msg=audit(1795700000.100:1): avc:  denied  { execmem } for  pid=1 comm=\"a\" scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=process permissive=0\n")
        let ordered = Mutex<[InputSource]>([])
        let done = DispatchSemaphore(value: 0)
        let thread = ReadingThread {
            ordered.withLock { $0 = InputOrder.chronological([.file(log), .file(pipe)]) }
            done.signal()
        }
        let peeked = done.wait(timeout: .now() + 5) == .timedOut
        // A peek waiting for a writer is let go, to fail rather than hang.
        if peeked { close(open(pipe, O_WRONLY)) }
        thread?.join()
        #expect(!peeked, "the pipe was opened to read its first stamp")
        #expect(ordered.withLock { $0 } == [.file(pipe), .file(log)])
    }

    @Test func directoryListsRotationsOldestFirst() throws {
        let tmp = try TemporaryDirectory()
        try Self.rotatedLogs(in: tmp)
        _ = try tmp.write("audit.log.10", Self.quietRecord(1_795_800_000))
        let names = try InputOrder.rotations(named: "audit.log", in: tmp.path).get()
        #expect(names == ["audit.log.10", "audit.log.2.gz", "audit.log.1", "audit.log"])
    }

    /// `-if DIR`, `--input DIR` and a bare `DIR` read the same files, oldest first, and nothing else.
    @Test func directoryInputReadsItsRotations() throws {
        let tmp = try TemporaryDirectory()
        try Self.rotatedLogs(in: tmp)
        let expected = ["audit.log.2.gz", "audit.log.1", "audit.log"].map { tmp.path + "/" + $0 }
        for args in [["-if", tmp.path], ["--input", tmp.path], [tmp.path]] {
            let (r, report) = try Tool.json(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(Self.inputNames(report) == expected, "\(args)")
            #expect(Tool.findings(report).count == 1)
            #expect(!r.stderr.contains("audit.log.bak") && !r.stderr.contains("messages"), "\(r.stderr)")
        }
    }

    @Test func directoryWithoutLogsIsNamedAndExitsTwo() throws {
        let tmp = try TemporaryDirectory()
        _ = try tmp.write("messages", "nothing\n")
        let r = try Tool.run(["-if", tmp.path, Self.seed])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("\(tmp.path): a directory with no audit.log"), "\(r.stderr)")
        #expect(r.stdout.contains("[1] execstack"), "the other input is still read")
    }

    /// A root whose auditd.conf moves the log: its rotations are read under --sysroot.
    static func sysrootWithConfiguredLogs() throws -> TemporaryDirectory {
        let root = try TemporaryDirectory()
        _ = try root.write("etc/audit/auditd.conf", "log_format = RAW\nlog_file = /srv/audit/node.log\nnum_logs = 5\n")
        _ = try root.write("srv/audit/node.log", Self.quietRecord(1_795_990_000))
        try FileManager.default.copyItem(atPath: seed, toPath: root.path + "/srv/audit/node.log.1")
        _ = try root.write("var/log/audit/audit.log", "type=AVC this default log must not be read\n")
        return root
    }

    @Test func inputLogsReadsAuditdConfsLogAndRotations() throws {
        let root = try Self.sysrootWithConfiguredLogs()
        // Standard input is a pipe here, with nothing in it: --input-logs reads the logs instead.
        let (r, report) = try Tool.json(["--sysroot", root.path, "--input-logs"], input: "")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.inputNames(report) == [root.path + "/srv/audit/node.log.1", root.path + "/srv/audit/node.log"])
    }

    /// Under cron or systemd standard input is /dev/null: the logs are read, not nothing.
    @Test func noFilesAndStandardInputNotAPipeReadsTheConfiguredLogs() throws {
        let root = try Self.sysrootWithConfiguredLogs()
        let r = try Self.runWithNullInput(["--sysroot", root.path, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(Self.inputNames(report) == [root.path + "/srv/audit/node.log.1", root.path + "/srv/audit/node.log"])
        // A pipe is still read.
        let (piped, pipedReport) = try Tool.json(["--sysroot", root.path], input: try String(contentsOfFile: Self.seed, encoding: .utf8))
        #expect(piped.status == 0 && (pipedReport["summary"] as? [String: Any])?["events"] as? Int == 6, "\(piped.stdout)")
    }

    @Test func ausearchShortNamesFilter() throws {
        let keep = ["-ts", "@1795914478", "-te", "2026-11-29T01:08:00Z", "-p", "94", "-c", "flb-tail", "-x", "/opt/fluent-bit/bin/flb-tail", Self.seed]
        let kept = try Tool.run(keep)
        #expect(kept.status == 0, "\(kept.stdout)\(kept.stderr)")
        #expect(try Tool.run(["-p", "1", Self.seed]).status == 1)
        #expect(try Tool.run(["-c", "other", Self.seed]).status == 1)
        #expect(try Tool.run(["-x", "/bin/other", Self.seed]).status == 1)
        #expect(try Tool.run(["-te", "2026-11-28", Self.seed]).status == 1)
        // ausearch's -m is a record type: not taken, so it cannot filter silently wrong.
        #expect(try Tool.run(["-m", "avc", Self.seed]).status == 64)
    }

    /// Runs the tool with /dev/null as standard input, as cron does.
    static func runWithNullInput(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Package.tool)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "UTC"
        env["NO_COLOR"] = "1"
        p.environment = env
        p.currentDirectoryURL = URL(fileURLWithPath: Package.root)
        p.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let out = try TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: out.path + "/stdout", contents: nil)
        _ = FileManager.default.createFile(atPath: out.path + "/stderr", contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: out.path + "/stdout")
        p.standardError = FileHandle(forWritingAtPath: out.path + "/stderr")
        try p.run()
        p.waitUntilExit()
        return (status: p.terminationStatus,
                             stdout: try String(contentsOfFile: out.path + "/stdout", encoding: .utf8),
                             stderr: try String(contentsOfFile: out.path + "/stderr", encoding: .utf8))
    }
}
