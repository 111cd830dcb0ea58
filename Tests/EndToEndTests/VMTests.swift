import Foundation
import Testing
import TestSupport

/// The real thing: a Debian kernel under qemu with SELinux enforcing (Tests/VM), each scenario
/// run in a confined domain while `avc-explain --live` listens on the audit multicast group.
/// SKIP_VM=1 skips it, and says so; anything else that keeps it from running fails it.
@Suite struct VMTests {
    /// exe → (mechanism, culprits, permissions, blocked)
    static let expected: [String: (String, [String], [String], Bool)] = [
        "/opt/fluent-bit/bin/flb-tail": ("loader-exec-stack", ["/opt/fluent-bit/lib/libfluent-bit.so"], ["execstack", "execmem"], true),
        "/opt/plugins/bin/plugin-host": ("loader-exec-stack", [], ["execmem"], true),
        "/usr/local/bin/legacy-daemon": ("thread-stack-exec", ["/usr/local/bin/legacy-daemon"], ["execmem"], true),
        "/usr/local/bin/old-toolchain-daemon": ("thread-stack-exec", ["/usr/local/bin/old-toolchain-daemon"], ["execmem"], true),
        "/usr/local/bin/jit-rwx": ("jit-rwx-mapping", [], ["execmem"], true),
        "/usr/local/bin/log-filter": ("jit-rwx-mapping", ["/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0"], ["execmem"], true),
        "/usr/local/bin/jit-flip": ("jit-wx-flip", [], ["execmem"], true),
        "/usr/local/bin/heap-jit": ("heap-exec", [], ["execheap"], true),
        "/opt/vendor/bin/vendor-tool": ("text-relocation", ["/opt/vendor/lib/libtextrel.so"], ["execmem"], true),
        "/usr/local/bin/legacy-reader32": ("read-implies-exec", ["/usr/local/bin/legacy-reader32"], ["execute"], true),
        "/opt/chain/bin/chain-app": ("loader-exec-stack", ["/opt/chain/lib/libB.so"], ["execstack", "execmem"], false),
    ]

    /// Each finding's last state in JSON Lines: "finding", then "update" if it was counted again.
    static func finalStates(_ lines: [[String: Any]]) -> [[String: Any]] {
        var state: [Int: [String: Any]] = [:]
        for l in lines where ["finding", "update"].contains(l["type"] as? String ?? "") {
            if let n = l["number"] as? Int, let f = l["finding"] as? [String: Any] { state[n] = f }
        }
        return state.sorted { $0.key < $1.key }.map(\.value)
    }

    static func byExe(_ findings: [[String: Any]]) -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for f in findings { if let exe = (f["process"] as? [String: Any])?["exe"] as? String { out[exe] = f } }
        return out
    }

    @Test func scenariosUnderARealSELinuxKernel() throws {
        if ProcessInfo.processInfo.environment["SKIP_VM"] == "1" {
            print("VM test SKIPPED (SKIP_VM=1): the live mode was not checked against a real kernel")
            return
        }
        let dir = try TemporaryDirectory("vm")
        let run = try Shell.run("/bin/sh", [Package.root + "/Tests/VM/run.sh", dir.path, Package.tool])
        guard run.status == 0 else {
            Issue.record("the VM test could not run (set SKIP_VM=1 to skip it on purpose):\n\(run.stdout)\(run.stderr)")
            return
        }
        let lines = try Tool.jsonLines(try String(contentsOfFile: dir.path + "/live.jsonl", encoding: .utf8))
        let live = Self.finalStates(lines)
        #expect(lines.last?["type"] as? String == "summary")
        let liveByExe = Self.byExe(live)

        // The same records, read back from the file the live mode saved, against the VM's files.
        let (_, fileReport) = try Tool.json(["--sysroot", dir.path + "/root", dir.path + "/raw.log"])
        let fileByExe = Self.byExe(Tool.findings(fileReport))

        for (exe, (mechanism, culprits, permissions, blocked)) in Self.expected.sorted(by: { $0.key < $1.key }) {
            let f = try #require(liveByExe[exe], "no live finding for \(exe)")
            #expect(f["mechanism"] as? String == mechanism, "\(exe)")
            #expect(Tool.culpritPaths(f) == culprits, "\(exe)")
            #expect(Set(f["permissions"] as? [String] ?? []) == Set(permissions), "\(exe)")
            #expect(f["blocked"] as? Bool == blocked, "\(exe)")
            let fromFile = try #require(fileByExe[exe], "file mode lost \(exe)")
            for key in ["mechanism", "permissions", "blocked", "count"] {
                #expect(String(describing: fromFile[key]) == String(describing: f[key]), "\(exe) \(key): live and file mode disagree")
            }
            #expect(Tool.culpritPaths(fromFile) == Tool.culpritPaths(f), "\(exe)")
        }
        // The dlopen()ed library is gone from /proc by the time the AVC is read; the loader's
        // error, followed by the same live run, names it.
        #expect(live.contains { $0["loader_error"] as? String == "Permission denied" && Tool.culpritPaths($0) == ["/opt/plugins/lib/libwasm-filter.so"] })
        // The booleans in force were read from /sys/fs/selinux while the VM ran.
        let booleans = liveByExe["/opt/fluent-bit/bin/flb-tail"]?["booleans"] as? [[String: Any]] ?? []
        #expect(booleans.contains { $0["name"] as? String == "deny_execmem" && $0["current"] is Bool })
        // READ_IMPLIES_EXEC, as the kernel gives it: the 32-bit program without PT_GNU_STACK
        // mapped a data_t file PROT_READ with mmap2, and execute was checked on the file.
        let raw = try String(contentsOfFile: dir.path + "/raw.log", encoding: .utf8).split(separator: "\n")
        #expect(raw.contains { $0.contains("comm=\"legacy-reader32\"") && $0.contains("{ execute }") && $0.contains("tcontext=system_u:object_r:data_t ") })
        #expect(raw.contains { $0.contains("comm=\"legacy-reader32\"") && $0.contains("arch=40000003 syscall=192 per=400000 ") && $0.contains(" a2=1 ") })
        for f in [liveByExe["/usr/local/bin/legacy-reader32"], fileByExe["/usr/local/bin/legacy-reader32"]] {
            #expect((f?["culprits"] as? [[String: Any]])?.first?["reason"] as? String == "gnu-stack-missing")
        }
        // Two denials of one permissive mprotect: one event, both permissions.
        #expect((liveByExe["/opt/chain/bin/chain-app"]?["events"] as? [String])?.count == 1)

        try checkAuditdPlugin(dir.path, live: liveByExe)
        try checkAggregation(dir.path, live: liveByExe)
        try checkFlood(dir.path)
    }

    /// The flood: denied RWX mappings in a tight loop for four seconds, read at once by a fresh
    /// `--live`, by auditd's avc-explain plugin and by the floor (Tests/VM/floor-reader.c, a
    /// reader that only counts, with a 256 MB buffer). --live keeps at least 95% of the
    /// denials the floor received: the kernel delivers them, and losing them would be ours.
    func checkFlood(_ dir: String) throws {
        let figures = try String(contentsOfFile: dir + "/flood.txt", encoding: .utf8)
        print(figures, terminator: "")
        let floorText = try String(contentsOfFile: dir + "/flood-floor.txt", encoding: .utf8)
        let floor = Dictionary(uniqueKeysWithValues: floorText.split(whereSeparator: \.isWhitespace).compactMap { word -> (String, Int)? in
            let parts = word.split(separator: "=")
            return parts.count == 2 ? (String(parts[0]), Int(parts[1]) ?? 0) : nil
        })
        let denials = try #require(floor["named"], "the floor reader gave no count:\n\(floorText)")
        #expect(denials > 0, "the flood made no denial the floor saw")
        // Every finding of the flood counts: denials that fell into a second finding were kept,
        // and the figures list them (a split is worth seeing, but it is not a loss).
        let flood = Self.finalStates(try Tool.jsonLines(try String(contentsOfFile: dir + "/flood-live.jsonl", encoding: .utf8)))
            .filter { ($0["process"] as? [String: Any])?["exe"] as? String == "/usr/local/bin/flood-rwx" }
        let kept = flood.reduce(0) { $0 + ($1["count"] as? Int ?? 0) }
        let errors = (try? String(contentsOfFile: dir + "/flood-live.err", encoding: .utf8)) ?? ""
        #expect(kept * 100 >= denials * 95, "--live kept \(kept) of the \(denials) denials the floor received\n\(figures)\n--live's stderr:\n\(errors)")
    }

    /// auditd ran beside --live, avc-explain its plugin (contrib/avc-explain.conf, with its
    /// --output line): auditd logged the records, and what auditd handed the plugin, with
    /// standard output on /dev/null, reached syslog and the JSON Lines file as --live saw it.
    func checkAuditdPlugin(_ dir: String, live: [String: [String: Any]]) throws {
        let audit = try String(contentsOfFile: dir + "/audit.log", encoding: .utf8).split(separator: "\n")
        // The guest's auditd names its node (name_format = user), as a fleet node does.
        #expect(audit.contains { $0.hasPrefix("node=guest01 type=AVC ") && $0.contains("{ execstack }") && $0.contains("comm=\"flb-tail\"") })
        let syslog = try String(contentsOfFile: dir + "/syslog.log", encoding: .utf8).split(separator: "\n")
        for (program, cause) in [("flb-tail", "loader-exec-stack → libfluent-bit.so"), ("log-filter", "jit-rwx-mapping → libpcre2-8.so.0")] {
            #expect(syslog.contains { $0.contains("user.warn avc-explain[") && $0.contains("× \(program)  ") && $0.contains("  \(cause)  first fix: ") },
                    "no syslog line for \(program):\n\(syslog.joined(separator: "\n"))")
        }
        #expect(syslog.contains { $0.contains("user.info avc-explain[") && $0.contains(": \(Self.expected.count) exec* findings (") })
        let plugin = Self.byExe(Self.finalStates(try Tool.jsonLines(try String(contentsOfFile: dir + "/plugin.jsonl", encoding: .utf8))))
        for exe in Self.expected.keys.sorted() {
            let f = try #require(plugin[exe], "the plugin's --output has no finding for \(exe)")
            #expect(f["mechanism"] as? String == live[exe]?["mechanism"] as? String, "\(exe)")
            #expect(Tool.culpritPaths(f) == Tool.culpritPaths(live[exe] ?? [:]), "\(exe)")
        }
    }

    /// The aggregation path: the guest's auditd handed its events to audisp-remote, which sent
    /// them over TCP on loopback to a central auditd (local_events = no: it took nothing from the
    /// kernel). `avc-explain --follow` on the central log finds what --live found, each finding
    /// named by the node it came from.
    func checkAggregation(_ dir: String, live: [String: [String: Any]]) throws {
        let central = try String(contentsOfFile: dir + "/central.log", encoding: .utf8).split(separator: "\n")
        let avcs = central.filter { $0.contains(" type=AVC ") || $0.hasPrefix("type=AVC ") }
        #expect(avcs.contains { $0.hasPrefix("node=guest01 type=AVC ") && $0.contains("{ execstack }") && $0.contains("comm=\"flb-tail\"") },
                "no AVC from guest01 in the central log:\n\(central.joined(separator: "\n"))")
        #expect(avcs.allSatisfy { $0.hasPrefix("node=guest01 ") }, "an AVC reached the central log without its node")
        let lines = try Tool.jsonLines(try String(contentsOfFile: dir + "/central.jsonl", encoding: .utf8))
        #expect(lines.last?["type"] as? String == "summary")
        let followed = Self.byExe(Self.finalStates(lines))
        for exe in Self.expected.keys.sorted() {
            let f = try #require(followed[exe], "--follow on the central log has no finding for \(exe)")
            #expect(f["mechanism"] as? String == live[exe]?["mechanism"] as? String, "\(exe)")
            #expect(Tool.culpritPaths(f) == Tool.culpritPaths(live[exe] ?? [:]), "\(exe)")
            let events = f["events"] as? [String] ?? []
            #expect(!events.isEmpty && events.allSatisfy { $0.hasPrefix("guest01:") }, "\(exe): \(events)")
            if let nodes = f["nodes"] as? [String] { #expect(nodes.contains("guest01"), "\(exe): \(nodes)") }
        }
    }
}
