import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The plugin's syslog lines on a fleet's ordinary transport: an edge rsyslog (imuxsock on a
/// private /dev/log) forwards everything with omfwd over TCP to a central rsyslog (imtcp) on
/// loopback, which writes a file. Both run from private configs under a temporary directory;
/// no system rsyslog or /dev/log is touched.
@Suite struct SyslogRelayTests {
    @Test func pluginFindingArrivesWholeThroughAnRsyslogRelay() throws {
        guard FileManager.default.isExecutableFile(atPath: Rsyslog.daemon) else {
            Issue.record("\(Rsyslog.daemon) is missing: `make test-deps` installs rsyslog")
            return
        }
        let root = try SampleRoot.built.get()
        let dir = try TemporaryDirectory("rsyslog-relay")
        let port = try freeLoopbackPort()
        let received = dir.path + "/central.log"
        let central = try Rsyslog(dir, "central", """
            module(load="imtcp")
            input(type="imtcp" address="127.0.0.1" port="\(port)")
            template(name="facts" type="string" string="%syslogfacility-text%.%syslogseverity-text% %syslogtag%%msg:::drop-last-lf%\\n")
            *.* action(type="omfile" file="\(received)" template="facts")
            """)
        let devLog = try dir.file("dev/log")
        let edge = try Rsyslog(dir, "edge", """
            module(load="imuxsock" SysSock.Use="off")
            input(type="imuxsock" Socket="\(devLog)")
            *.* action(type="omfwd" target="127.0.0.1" port="\(port)" protocol="tcp"
                       action.resumeRetryCount="-1" action.resumeInterval="1" queue.type="LinkedList")
            """)
        defer { edge.stop(); central.stop() }
        try #require(waitFor(seconds: 10) { FileManager.default.fileExists(atPath: devLog) }, "the edge rsyslog made no \(devLog)")

        // The plugin as auditd runs it, its /dev/log the edge rsyslog's socket.
        let plugin = try Tool.runWithDevLog(dir.path + "/dev", ["--plugin", "--sysroot", root],
            input: try String(contentsOfFile: Package.root + "/SampleLogs/forms/seed.ausearch-raw.log", encoding: .utf8))
        #expect(plugin.status == 0, "\(plugin.stderr)")

        let summary = ": 1 exec* finding (2 denied permissions in 6 events)"
        let arrived = waitFor(seconds: 20) { (try? String(contentsOfFile: received, encoding: .utf8))?.contains(summary) == true }
        let lines = ((try? String(contentsOfFile: received, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        if !arrived {
            Issue.record("the summary never reached the central rsyslog:\n\(lines.joined(separator: "\n"))\nedge: \(edge.stop())\ncentral: \(central.stop())")
        }
        let finding = "[1] 1× flb-tail  execstack  loader-exec-stack → libfluent-bit.so  first fix: [rebuild] Rebuild libfluent-bit.so without an executable stack"
        let line = try #require(lines.first { $0.hasPrefix("user.warning avc-explain[") }, "no finding in \(lines)")
        #expect(line.hasSuffix("]: " + finding), "the finding did not arrive whole: \(line)")
        #expect(lines.contains { $0.hasPrefix("user.info avc-explain[") && $0.hasSuffix(summary) }, "\(lines)")
    }
}

/// An rsyslogd of its own: config, pid file and work directory under DIR/NAME, in the foreground,
/// stopped (SIGTERM to its pid) when the test lets go of it.
final class Rsyslog {
    static let daemon = "/usr/sbin/rsyslogd"
    let process = Process()
    let errors = Pipe()

    init(_ dir: TemporaryDirectory, _ name: String, _ rules: String) throws {
        let work = try dir.file(name + "/work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let conf = try dir.write(name + "/rsyslog.conf", "global(workDirectory=\"\(work)\")\n" + rules + "\n")
        process.executableURL = URL(fileURLWithPath: Self.daemon)
        process.arguments = ["-n", "-f", conf, "-i", dir.path + "/" + name + "/rsyslogd.pid"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
    }

    /// Stops it, once; what it said on stderr. SIGKILL: the test runner hands its children a
    /// signal mask with SIGTERM blocked, and rsyslogd only unblocks what it found unblocked.
    @discardableResult func stop() -> String {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
    }

    deinit { stop() }
}

/// A TCP port on 127.0.0.1 that nothing listens on: the kernel's pick, released for the caller.
func freeLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard ok else { throw TestFailure("no free port on 127.0.0.1: \(String(cString: strerror(errno)))") }
    return UInt16(bigEndian: address.sin_port)
}

/// Polls CONDITION every 100 ms for at most SECONDS; whether it came true.
func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() > deadline { return false }
        usleep(100_000)
    }
    return true
}
