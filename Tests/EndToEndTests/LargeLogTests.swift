import Foundation
import Testing
import TestSupport

/// Logs large enough to cross the reader's 8 MB chunks and 2 MB parallel splits, in the shape
/// the field brings when something is denied: every other event a denial, several CPUs' records
/// interleaved. Every AVC must find its SYSCALL however the bytes arrive: from a file, a pipe,
/// gzip, or auditd's plugin stream replaying old times.
@Suite struct LargeLogTests {
    static func denseLog(_ dir: TemporaryDirectory, megabytes: Int) throws -> String {
        try Toolchain.gcc(["-O2", "-o", "genlog", Package.root + "/Tests/Benchmarks/genlog.c"], in: dir.path)
        let r = try Shell.run(dir.path + "/genlog", [String(megabytes), "dense", "interleave", "seed=21"])
        return try dir.write("dense.log", r.stdout)
    }

    /// (mechanism, exe, count, denials) for every exec* finding, sorted: what must not change
    /// with the way the log is read.
    static func tally(_ findings: [[String: Any]]) -> [String] {
        findings.filter { $0["mechanism"] is String }.map { f in
            let exe = (f["process"] as? [String: Any])?["exe"] as? String ?? "(no exe: SYSCALL lost)"
            return "\(f["mechanism"] ?? "") \(exe) \(f["count"] ?? 0) \(f["denials"] ?? 0)"
        }.sorted()
    }

    @Test func fileGzipAndPipeKeepEverySyscall() throws {
        let dir = try TemporaryDirectory("large")
        let log = try Self.denseLog(dir, megabytes: 12)
        let avcEvents = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("type=SYSCALL") && $0.contains("exit=-13") }.count

        let (file, fileReport) = try Tool.json([log])
        #expect(file.status == 0)
        let fromFile = Self.tally(Tool.findings(fileReport))
        #expect(!fromFile.isEmpty)
        #expect(!fromFile.contains { $0.contains("SYSCALL lost") }, "\(fromFile.filter { $0.contains("SYSCALL lost") })")
        #expect(fromFile.reduce(0) { $0 + (Int($1.split(separator: " ")[2]) ?? 0) } == avcEvents)

        _ = try Shell.run("/bin/gzip", ["-k", log])
        let (_, gzReport) = try Tool.json([log + ".gz"])
        #expect(Self.tally(Tool.findings(gzReport)) == fromFile)

        let (_, pipeReport) = try Tool.json(["-"], input: try String(contentsOfFile: log, encoding: .utf8))
        #expect(Self.tally(Tool.findings(pipeReport)) == fromFile)
    }

    /// auditd's plugin stream replaying a log whose times are days old: events are grouped by
    /// their own times, not the wall clock, so the findings and counts are the file's.
    @Test func pluginReplayOfOldRecordsMatchesFileMode() throws {
        let dir = try TemporaryDirectory("replay")
        let log = try Self.denseLog(dir, megabytes: 5)
        let (_, fileReport) = try Tool.json([log])
        let r = try Tool.run(["--plugin", "--format", "json"], input: try String(contentsOfFile: log, encoding: .utf8))
        #expect(r.status == 0)
        // The final state of each finding: printed when new, replaced by an update at exit.
        var final: [Int: [String: Any]] = [:]
        for line in try Tool.jsonLines(r.stdout) where ["finding", "update"].contains(line["type"] as? String ?? "") {
            if let n = line["number"] as? Int, let f = line["finding"] as? [String: Any] { final[n] = f }
        }
        #expect(Self.tally(Array(final.values)) == Self.tally(Tool.findings(fileReport)))
    }
}
