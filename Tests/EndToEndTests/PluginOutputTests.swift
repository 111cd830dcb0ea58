import Foundation
import Testing
import TestSupport
@testable import avc_explain
#if canImport(Glibc)
import Glibc
#endif

/// `--plugin` as auditd runs it, with standard output on /dev/null: its findings reach syslog(3)
/// (/dev/log, here a socket the test listens on, mounted over /dev in a private mount
/// namespace) and, with `--output`, a JSON Lines file.
@Suite struct PluginOutputTests {
    /// The seed case as auditd streams it, its program named with an escape sequence
    /// (`flb-` ESC `[31mtail`, hex-encoded as the kernel writes such names).
    static func hostileSeedStream() throws -> String {
        try String(contentsOfFile: Package.root + "/SampleLogs/forms/seed.ausearch-raw.log", encoding: .utf8)
            .replacingOccurrences(of: "comm=\"flb-tail\"", with: "comm=666C622D1B5B33316D7461696C")
    }

    @Test func pluginFindingsReachSyslogAndTheOutputFile() throws {
        let root = try SampleRoot.built.get()
        let dir = try TemporaryDirectory("plugin-syslog")
        let dev = try dir.file("dev/log")
        let syslog = try DatagramSocket(path: dev)
        let jsonl = dir.path + "/findings.jsonl"
        // local3 (19 << 3): warning 156, info 158.
        let r = try Tool.runWithDevLog(dir.path + "/dev", [
            "--plugin", "--format", "json", "--output", jsonl, "--sysroot", root,
            "--syslog-facility", "local3", "--syslog-ident", "avc-test",
        ], input: try Self.hostileSeedStream())
        #expect(r.status == 0, "\(r.stderr)")

        let lines = syslog.received()
        let finding = try #require(lines.first { $0.hasPrefix("<156>") && $0.contains("avc-test[") }, "no finding in \(lines)")
        #expect(finding.contains(": [1] 1× flb-tail  execstack  loader-exec-stack → libfluent-bit.so  first fix: "), "\(finding)")
        let repeated = try #require(lines.first { $0.contains("repeated") }, "no repeat in \(lines)")
        #expect(repeated.hasPrefix("<158>"))
        #expect(repeated.contains("for flb-\\x1b[31mtail"), "\(repeated)")
        #expect(lines.contains { $0.hasPrefix("<158>") && $0.hasSuffix(": 1 exec* finding (2 denied permissions in 6 events)") }, "\(lines)")
        #expect(!lines.contains { $0.unicodeScalars.contains { $0.value < 0x20 } })

        // The file holds the records standard output got, and only its owner may read it.
        #expect(try String(contentsOfFile: jsonl, encoding: .utf8) == r.stdout)
        #expect(try Tool.jsonLines(r.stdout).last?["type"] as? String == "summary")
        let mode = try #require(FileManager.default.attributesOfItem(atPath: jsonl)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
    }

    /// Without a syslog socket, a connection is tried once, then at growing intervals, not
    /// for every message; stderr is told once when it is missing and once when it is back.
    @Test func aMissingSyslogSocketIsTriedWithBackOff() throws {
        let dir = try TemporaryDirectory("syslog-backoff")
        let path = dir.path + "/log"
        nonisolated(unsafe) var clock: UInt64 = 1000
        nonisolated(unsafe) var told: [String] = []
        let socket = SyslogSocket(path: path, now: { clock }, warn: { told.append($0) })
        for _ in 0..<100 { #expect(!socket.admits()) }
        #expect(socket.tries == 1 && told.count == 1 && told[0].contains("not written while it is missing"))
        clock += 1
        #expect(!socket.admits())
        #expect(socket.tries == 2 && told.count == 1)
        clock += 1
        #expect(!socket.admits())
        #expect(socket.tries == 2)
        let listener = try DatagramSocket(path: path)
        clock += 1
        #expect(socket.admits())
        #expect(socket.tries == 3 && told.count == 2 && told[1].contains("is back: 102 messages were not written"))
        for _ in 0..<10 { #expect(socket.admits()) }
        #expect(socket.tries == 3)
        _ = listener
    }

    /// A syslog line stays within its bound, cut between characters (é is two bytes).
    @Test func syslogLinesAreBounded() {
        let long = SyslogChannel.bounded("[1] " + String(repeating: "é", count: 1_000))
        #expect(long.utf8.count <= SyslogChannel.maxLineBytes && long.hasSuffix("é…"))
        #expect(SyslogChannel.bounded("[1] short") == "[1] short")
    }

    @Test func optionsOfThePluginOutputsAreCheckedFirst() throws {
        for (args, complaint) in [(["--output", "/tmp/x.jsonl", "SampleLogs/heap-exec.log"], "--output goes with --live"),
                                  (["--live", "--syslog-facility", "daemon"], "go with --plugin"),
                                  (["--plugin", "--syslog-ident", "a b"], "--syslog-ident: 1 to 32 letters"),
                                  (["--plugin", "--syslog-facility", "kern"], "local0")] {
            let r = try Tool.run(args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(complaint), "\(args): \(r.stderr)")
        }
    }
}

/// A bound AF_UNIX datagram socket, as a syslog daemon holds /dev/log.
final class DatagramSocket {
    let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw TestFailure("cannot listen on \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// The datagrams queued so far, each as text.
    func received() -> [String] {
        var out: [String] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n <= 0 { return out }
            out.append(String(decoding: buffer[0..<n], as: UTF8.self))
        }
    }
}
