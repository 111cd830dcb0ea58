import Foundation
import Testing
import TestSupport

/// A run reuses what it walked for one program (a closure's part below its own dependencies,
/// library searches, the code generators found) for the next: a program's finding must not
/// depend on which programs the log named before it.
@Suite struct SharedClosureOrderTests {
    /// An execstack denial (mprotect of the stack with PROT_GROWSDOWN) and an execmem one
    /// (an anonymous read-write-execute mmap) of one process.
    static func denials(_ serial: Int, pid: Int, exe: String) -> String {
        let ctx = "system_u:system_r:unconfined_service_t:s0"
        let comm = exe.split(separator: "/").last.map(String.init) ?? exe
        let calls: [(perm: String, syscall: Int, args: [String])] = [
            ("execstack", 10, ["7ffd7caa3000", "1000", "1000007", "0"]), ("execmem", 9, ["0", "1000", "7", "22"]),
        ]
        return calls.enumerated().map { n, call in
            let stamp = "audit(1795770000.\(String(format: "%03d", (serial + n) % 1000)):\(serial + n))"
            return """
                type=AVC msg=\(stamp): avc:  denied  { \(call.perm) } for  pid=\(pid) comm="\(comm)" scontext=\(ctx) tcontext=\(ctx) tclass=process permissive=0
                type=SYSCALL msg=\(stamp): arch=c000003e syscall=\(call.syscall) success=no exit=-13 a0=\(call.args[0]) a1=\(call.args[1]) a2=\(call.args[2]) a3=\(call.args[3]) items=0 ppid=1 pid=\(pid) auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="\(comm)" exe="\(exe)" subj=\(ctx) key=(null)
                type=EOE msg=\(stamp): \n
                """
        }.joined()
    }

    /// Each program's findings, as JSON text without what tells the events apart (their
    /// serials, times, lines and process ids, which follow the order of the log).
    static func findings(root: String, order: [String]) throws -> [String: [String]] {
        let log = order.enumerated().map { i, exe in denials(100 + 2 * i, pid: 1000 + i, exe: exe) }.joined()
        let (result, report) = try Tool.json(["--sysroot", root, "-"], input: log)
        #expect(result.status <= 1, "\(result.stderr)")
        var out: [String: [String]] = [:]
        for var finding in Tool.findings(report) {
            for volatile in ["events", "first_seen", "last_seen", "source"] { finding[volatile] = nil }
            var process = finding["process"] as? [String: Any] ?? [:]
            process["pids"] = nil
            finding["process"] = process
            let exe = process["exe"] as? String ?? "?"
            let text = try JSONSerialization.data(withJSONObject: finding, options: [.sortedKeys, .prettyPrinted])
            out[exe, default: []].append(String(decoding: text, as: UTF8.self))
        }
        return out
    }

    @Test func eachProgramsFindingsAreTheSameInAnyOrder() throws {
        let tree = try SharedNameTree(withCache: true, objectBound: 2048)
        let programs = tree.programs
        let alone = try Dictionary(uniqueKeysWithValues: programs.map { ($0, try Self.findings(root: tree.dir.path, order: [$0])[$0] ?? []) })
        #expect(alone.values.allSatisfy { !$0.isEmpty })
        #expect(Set(alone.values).count > programs.count / 2, "the programs' findings differ")
        var random = SplitMix(seed: 7)
        var shuffled = programs
        for i in shuffled.indices.reversed() { shuffled.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        for order in [programs, programs.reversed(), shuffled] {
            let together = try Self.findings(root: tree.dir.path, order: order)
            for program in programs {
                #expect(together[program] == alone[program], "\(program) in \(order)")
            }
        }
    }
}
