import Foundation
import Testing
import TestSupport

/// Findings keep facts, and the report is written as it is rendered: a log naming thousands of
/// executables (each its own finding, up to the 10,000 bound) stays within 64 MB whatever the
/// output format. Measured with GNU time's peak RSS of the tool's own process.
@Suite struct MemoryBoundTests {
    /// 30,000 denials by 15,000 executables: 10,000 findings are kept, the rest reported.
    static func manyExecutables(_ dir: TemporaryDirectory) throws -> String {
        var log = ""
        log.reserveCapacity(20 << 20)
        for i in 0..<30_000 {
            let e = i % 15_000
            let stamp = "msg=audit(\(1_795_700_000 + i / 300).\(String(format: "%03d", i % 1000)):\(i + 1)):"
            log += "type=AVC \(stamp) avc:  denied  { execmem } for  pid=\(1000 + i % 60000) comm=\"app\(e)\" scontext=system_u:system_r:unconfined_service_t:s0 tcontext=system_u:system_r:unconfined_service_t:s0 tclass=process permissive=0\n"
            log += "type=SYSCALL \(stamp) arch=c000003e syscall=10 success=no exit=-13 a0=7f0000000000 a1=1000 a2=7 a3=0 items=0 ppid=1 pid=\(1000 + i % 60000) auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"app\(e)\" exe=\"/opt/app\(e)/bin/app\(e)\" subj=system_u:system_r:unconfined_service_t:s0 key=(null)\n"
            log += "type=EOE \(stamp) \n"
        }
        return try dir.write("many.log", log)
    }

    @Test(arguments: ["text", "json"])
    func tenThousandFindingsStayUnder64MB(_ format: String) throws {
        let dir = try TemporaryDirectory("memory")
        let log = try Self.manyExecutables(dir)
        let r = try Shell.run("/usr/bin/time", ["-f", "peak-rss-kb %M", Package.tool, "--format", format, log])
        #expect(r.status == 0)
        let line = try #require(r.stderr.split(separator: "\n").last { $0.hasPrefix("peak-rss-kb ") })
        let kb = try #require(Int(line.dropFirst("peak-rss-kb ".count)))
        #expect(kb < 64 << 10, "peak RSS \(kb) KB with --format \(format)")
        // The bound on findings was reached, and said so.
        #expect(r.stdout.contains(format == "json" ? "\"limit\": \"findings\"" : "Limits reached: findings kept the first 10,000"))
        if format == "json" { try SchemaValidation.validate(r.stdout, against: .report) }
    }

    /// `--plugin` holds the same bound: each finding is printed as it comes and then kept as
    /// facts, whatever the stream's length. (Fed the same log on standard input, as auditd would.)
    @Test func pluginWithTenThousandFindingsStaysUnder64MB() throws {
        let dir = try TemporaryDirectory("memory-plugin")
        let log = try Self.manyExecutables(dir)
        let r = try Shell.run("/usr/bin/time", ["-f", "peak-rss-kb %M", Package.tool, "--plugin"],
                              input: try Data(contentsOf: URL(fileURLWithPath: log)))
        #expect(r.status == 0)
        let line = try #require(r.stderr.split(separator: "\n").last { $0.hasPrefix("peak-rss-kb ") })
        let kb = try #require(Int(line.dropFirst("peak-rss-kb ".count)))
        #expect(kb < 64 << 10, "peak RSS \(kb) KB with --plugin")
        #expect(r.stdout.contains("Limits reached: findings kept the first 10,000"))
        #expect(r.stdout.contains("10000 exec* findings (30000 denied permissions in 30000 events)"))
    }

    /// Events that never complete hold their records until a bound hands them on: a bound in
    /// events alone let 70 events with a 1 MiB PROCTITLE each hold 70 MB. The bytes held in open
    /// events are bounded too; the events handed on early are said on stderr, with the input.
    @Test func openEventsWithHugeRecordsStayUnder64MB() throws {
        let dir = try TemporaryDirectory("memory-open")
        let hex = String(repeating: "41", count: (1 << 19) - 100)
        var log = ""
        log.reserveCapacity(75 << 20)
        for i in 0..<70 {
            let stamp = "msg=audit(1795700000.\(String(format: "%03d", i)):\(i + 1)):"
            log += "type=AVC \(stamp) avc:  denied  { execmem } for  pid=\(1000 + i) comm=\"app\" scontext=system_u:system_r:unconfined_service_t:s0 tcontext=system_u:system_r:unconfined_service_t:s0 tclass=process permissive=0\n"
            log += "type=PROCTITLE \(stamp) proctitle=\(hex)\n"
        }
        let path = try dir.write("open.log", log)
        let r = try Shell.run("/usr/bin/time", ["-f", "peak-rss-kb %M", Package.tool, path])
        #expect(r.status == 0)
        let line = try #require(r.stderr.split(separator: "\n").last { $0.hasPrefix("peak-rss-kb ") })
        let kb = try #require(Int(line.dropFirst("peak-rss-kb ".count)))
        #expect(kb < 64 << 10, "peak RSS \(kb) KB")
        // Every denial is still read, and the early hand-over is said.
        #expect(r.stdout.contains("70 denied permissions; 70 events"))
        #expect(r.stderr.contains("open.log: ") && r.stderr.contains("handed on before their last record"), "\(r.stderr)")
    }

    /// Findings are bounded in the text they hold as well as in number: a finding keeps paths and
    /// a command line from the log, and 10,000 findings naming 4 KB paths held 90 MB. Past the
    /// bound a denial that would open a finding is counted, and the bound reached is said.
    @Test(arguments: ["text", "json"])
    func findingsNamingLongPathsStayUnder64MB(_ format: String) throws {
        let dir = try TemporaryDirectory("memory-paths")
        var log = ""
        log.reserveCapacity(60 << 20)
        for i in 0..<12_000 {
            let stamp = "msg=audit(\(1_795_700_000 + i / 1000).\(String(format: "%03d", i % 1000)):\(i + 1)):"
            let exe = "/opt/" + String(repeating: String(format: "d%05d/", i), count: 560) + "app"
            log += "type=AVC \(stamp) avc:  denied  { execmem } for  pid=\(1000 + i) comm=\"app\" scontext=system_u:system_r:unconfined_service_t:s0 tcontext=system_u:system_r:unconfined_service_t:s0 tclass=process permissive=0\n"
            log += "type=SYSCALL \(stamp) arch=c000003e syscall=10 success=no exit=-13 a0=7f0000000000 a1=1000 a2=7 a3=0 items=0 ppid=1 pid=\(1000 + i) auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"app\" exe=\"\(exe)\" subj=system_u:system_r:unconfined_service_t:s0 key=(null)\n"
            log += "type=EOE \(stamp) \n"
        }
        let path = try dir.write("paths.log", log)
        let r = try Shell.run("/usr/bin/time", ["-f", "peak-rss-kb %M", Package.tool, "--format", format, path])
        #expect(r.status == 0)
        let line = try #require(r.stderr.split(separator: "\n").last { $0.hasPrefix("peak-rss-kb ") })
        let kb = try #require(Int(line.dropFirst("peak-rss-kb ".count)))
        #expect(kb < 64 << 10, "peak RSS \(kb) KB with --format \(format)")
        #expect(r.stdout.contains(format == "json" ? "\"limit\": \"finding_text\"" : "Limits reached: findings stopped at 12 MiB of text"), "\(r.stdout.prefix(2000))")
        if format == "json" { try SchemaValidation.validate(r.stdout, against: .report) }
    }
}
