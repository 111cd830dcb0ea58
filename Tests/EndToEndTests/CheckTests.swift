import Foundation
import Testing
import TestSupport

/// `avc-explain check` against scanelf (pax-utils), which reads the same headers.
@Suite struct CheckTests {
    /// Paths scanelf prints with -q: the last field of each line.
    static func scanelf(_ flag: String, _ paths: [String]) throws -> Set<String> {
        let r = try Shell.run("/usr/bin/scanelf", ["-q" + flag + "R"] + paths, directory: Package.root)
        guard r.status == 0 else { throw TestFailure("scanelf failed (is pax-utils installed? make test installs it):\n\(r.stderr)") }
        return Set(r.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init)
        })
    }

    /// Our paths whose reasons are of the kinds scanelf -e (stack, RWX segments) or -t (TEXTREL) reports.
    static func ours(_ paths: [String]) throws -> (stack: Set<String>, textrel: Set<String>, report: [String: Any]) {
        let (_, report) = try Tool.json(["check"] + paths)
        var stack = Set<String>(), textrel = Set<String>()
        for file in report["files"] as? [[String: Any]] ?? [] {
            let path = file["path"] as? String ?? ""
            // The file's own headers only: closure findings (with a chain) are beyond what scanelf reads.
            let own = (file["reasons"] as? [[String: Any]] ?? []).filter { ($0["chain"] as? [String] ?? []).isEmpty }
            let kinds = Set(own.compactMap { $0["kind"] as? String })
            if !kinds.isDisjoint(with: ["gnu-stack-rwe", "rwx-load-segment", "object-no-stack-note", "object-exec-stack-note"]) { stack.insert(path) }
            if kinds.contains("textrel") { textrel.insert(path) }
        }
        return (stack, textrel, report)
    }

    @Test func agreesWithScanelfOnTheSamplePrograms() throws {
        let root = try SampleRoot.built.get()
        let (stack, textrel, report) = try Self.ours([root])
        let e = try Self.scanelf("e", [root]), t = try Self.scanelf("t", [root])
        print("check vs scanelf on \(root): exec-stack/RWX \(stack.count) vs \(e.count); TEXTREL \(textrel.count) vs \(t.count)")
        #expect(stack == e)
        #expect(textrel == t)
        #expect(!stack.isEmpty && !textrel.isEmpty)
        #expect((report["summary"] as? [String: Any])?["flagged"] as? Int ?? 0 > stack.count, "closure findings come on top")
    }

    @Test func agreesWithScanelfOnThisMachine() throws {
        let dirs = ["/usr/bin", "/usr/lib"]
        let (stack, textrel, _) = try Self.ours(dirs)
        let e = try Self.scanelf("e", dirs), t = try Self.scanelf("t", dirs)
        print("check vs scanelf on /usr/bin /usr/lib: exec-stack/RWX \(stack.count) vs \(e.count); TEXTREL \(textrel.count) vs \(t.count)")
        #expect(stack == e)
        #expect(textrel == t)
    }

    @Test func closureFindingsInsideASysroot() throws {
        let root = try SampleRoot.built.get()
        let (result, report) = try Tool.json(["check", "--sysroot", root, "/opt", "/usr/local/bin"])
        #expect(result.status == 1)
        let files = report["files"] as? [[String: Any]] ?? []
        let app = try #require(files.first { $0["path"] as? String == "/opt/chain/bin/chain-app" })
        #expect(app["needs"] as? [String] == ["execstack", "execmem"])
        let reason = try #require((app["reasons"] as? [[String: Any]])?.first)
        #expect(reason["kind"] as? String == "closure-exec-stack")
        #expect(reason["chain"] as? [String] == ["/opt/chain/bin/chain-app", "/opt/chain/lib/libA.so", "/opt/chain/lib/libB.so"])
        let missing = try #require(files.first { $0["path"] as? String == "/usr/local/bin/old-toolchain-daemon" })
        #expect((missing["reasons"] as? [[String: Any]])?.first?["kind"] as? String == "gnu-stack-missing")
        let jit = files.first { $0["path"] as? String == "/usr/local/bin/log-filter" }
        #expect(((jit?["reasons"] as? [[String: Any]])?.first?["certain"]) as? Bool == false)
    }

    @Test func objectFilesWithoutTheStackNote() throws {
        let dir = try TemporaryDirectory("check-objects")
        try Toolchain.gcc(["-c", "-o", "bad.o", Package.program("invokeNative_em64.s")], in: dir.path)
        try Toolchain.gcc(["-c", "-o", "good.o", Package.program("textrel.s")], in: dir.path)
        let (result, report) = try Tool.json(["check", dir.path])
        #expect(result.status == 1)
        let files = report["files"] as? [[String: Any]] ?? []
        #expect(files.map { $0["path"] as? String } == [dir.path + "/bad.o"])
        #expect(try Self.scanelf("e", [dir.path]) == [dir.path + "/bad.o"])
    }

    @Test func symlinksStayInsideTheSysroot() throws {
        let dir = try TemporaryDirectory("check-escape")
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.path + "/lib", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dir.path + "/lib/host-root", withDestinationPath: "/")
        try fm.createSymbolicLink(atPath: dir.path + "/lib/libc.so.6", withDestinationPath: "/usr/lib/x86_64-linux-gnu/libc.so.6")
        let (result, report) = try Tool.json(["check", "--sysroot", dir.path, "/"])
        #expect(result.status == 2, "inside the sysroot the libc link leads nowhere: it is reported, not followed out")
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["files"] as? Int == 0, "neither link may lead to the host's files")
        #expect((summary["unreadable"] as? [[String: Any]])?.map { $0["path"] as? String } == ["/lib/libc.so.6"])
    }

    @Test func missingPathExitsTwo() throws {
        let r = try Tool.run(["check", "/no/such/dir"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/no/such/dir"))
    }
}
