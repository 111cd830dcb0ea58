import Foundation
import Testing
import TestSupport

/// Programs compiled for this run, placed in a root directory, and records shaped exactly
/// like the kernel writes them for the calls glibc makes (values seen with strace on Debian 12).
final class FixtureRoot: @unchecked Sendable {
    let dir: TemporaryDirectory
    var path: String { dir.path }

    init() throws {
        dir = try TemporaryDirectory("e2e-root")
        let r = dir.path
        let w = r + "/work"
        for sub in ["work", "opt/a/bin", "opt/a/lib", "usr/lib/x86_64-linux-gnu"] {
            try FileManager.default.createDirectory(atPath: r + "/" + sub, withIntermediateDirectories: true)
        }
        let libc = try Shell.run("/usr/bin/gcc", ["-print-file-name=libc.so.6"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.copyItem(atPath: libc, toPath: r + "/usr/lib/x86_64-linux-gnu/libc.so.6")
        _ = try Toolchain.source("lib.c", "int lib_entry(void) { return 1; }\n", in: w)
        _ = try Toolchain.source("main.c", "int lib_entry(void); int main(void) { return lib_entry(); }\n", in: w)
        _ = try Toolchain.source("plain.c", "int main(void) { return 0; }\n", in: w)
        _ = try Toolchain.source("textrel-main.c", "long textrel_get(void); int main(void) { return (int)textrel_get(); }\n", in: w)
        // A library linked -z execstack, and a program that needs it through RUNPATH $ORIGIN.
        try Toolchain.gcc(["-shared", "-fPIC", "-Wl,-z,execstack", "-Wl,-soname,libexec.so", "-o", r + "/opt/a/lib/libexec.so", "lib.c"], in: w)
        try Toolchain.gcc(["-o", r + "/opt/a/bin/uses-exec", "main.c", "-L" + r + "/opt/a/lib", "-lexec", "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib"], in: w)
        // A TEXTREL library and its program.
        try Toolchain.gcc(["-shared", "-Wl,-z,notext", "-Wl,-soname,libtr.so", "-o", r + "/opt/a/lib/libtr.so", Package.program("textrel.s")], in: w)
        try Toolchain.gcc(["-o", r + "/opt/a/bin/uses-textrel", "textrel-main.c", "-L" + r + "/opt/a/lib", "-ltr", "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib"], in: w)
        // A program with no PT_GNU_STACK at all.
        try Toolchain.gcc(["-o", r + "/opt/a/bin/no-stack-note", "plain.c"], in: w)
        try Shell.must(Package.stripGNUStack, [r + "/opt/a/bin/no-stack-note"])
        // A truncated ELF, as a damaged sosreport might hold.
        let whole = try Data(contentsOf: URL(fileURLWithPath: r + "/opt/a/bin/uses-exec"))
        try whole.prefix(100).write(to: URL(fileURLWithPath: r + "/opt/a/bin/truncated"))
    }

    /// One event: AVC(s), SYSCALL, PROCTITLE, EOE, as a 6.x kernel and auditd write them.
    static func event(serial: Int, perms: [[String]], syscall: Int, args: [String], exe: String,
                      comm: String = "prog", permissive: Int = 0, domain: String = "unconfined_service_t") -> String {
        let ctx = "system_u:system_r:\(domain):s0"
        let stamp = "audit(1795770000.\(String(format: "%03d", serial % 1000)):\(serial))"
        let success = permissive == 1 ? "yes" : "no"
        let exit = permissive == 1 ? "0" : "-13"
        var lines = perms.map { p in
            "type=AVC msg=\(stamp): avc:  denied  { \(p.joined(separator: " ")) } for  pid=4242 comm=\"\(comm)\" scontext=\(ctx) tcontext=\(ctx) tclass=process permissive=\(permissive)"
        }
        lines.append("type=SYSCALL msg=\(stamp): arch=c000003e syscall=\(syscall) success=\(success) exit=\(exit) a0=\(args[0]) a1=\(args[1]) a2=\(args[2]) a3=\(args[3]) items=0 ppid=1 pid=4242 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"\(comm)\" exe=\"\(exe)\" subj=\(ctx) key=(null)")
        lines.append("type=PROCTITLE msg=\(stamp): proctitle=" + exe.utf8.map { String(format: "%02X", $0) }.joined())
        lines.append("type=EOE msg=\(stamp): ")
        return lines.joined(separator: "\n") + "\n"
    }
}

@Suite struct FixtureTests {
    let root: FixtureRoot
    init() throws { root = try FixtureRoot() }

    private func explain(_ log: String) throws -> [[String: Any]] {
        let (result, report) = try Tool.json(["--sysroot", root.path, "-"], input: log)
        #expect(result.status <= 1, "\(result.stderr)")
        return Tool.findings(report)
    }

    @Test func execstackLibraryFoundThroughRunpath() throws {
        let log = FixtureRoot.event(serial: 11, perms: [["execstack"]], syscall: 10,
                                    args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/a/bin/uses-exec")
        let f = try #require(try explain(log).first)
        #expect(f["mechanism"] as? String == "loader-exec-stack")
        #expect(Tool.culpritPaths(f) == ["/opt/a/lib/libexec.so"])
        let culprit = (f["culprits"] as? [[String: Any]])?.first
        #expect(culprit?["found_via"] as? [String] == ["executable", "RUNPATH $ORIGIN/../lib"])
    }

    @Test func executableWithoutGnuStackStartingThreads() throws {
        let log = (0..<3).map { FixtureRoot.event(serial: 20 + $0, perms: [["execmem"]], syscall: 10,
                                                   args: ["7f0e49f1d000", "800000", "7", "22"], exe: "/opt/a/bin/no-stack-note") }.joined()
        let findings = try explain(log)
        #expect(findings.count == 1, "identical denials fold into one finding")
        let f = try #require(findings.first)
        #expect(f["mechanism"] as? String == "thread-stack-exec")
        #expect(f["count"] as? Int == 3)
        #expect((f["events"] as? [String])?.count == 3)
        #expect(Tool.culpritPaths(f) == ["/opt/a/bin/no-stack-note"])
        #expect((f["culprits"] as? [[String: Any]])?.first?["reason"] as? String == "gnu-stack-missing")
    }

    @Test func textrelLibraryOnModernGlibc() throws {
        let log = FixtureRoot.event(serial: 30, perms: [["execmem"]], syscall: 10,
                                    args: ["7fa184ee1000", "1000", "7", "7fa184ee1000"], exe: "/opt/a/bin/uses-textrel")
        let f = try #require(try explain(log).first)
        #expect(f["mechanism"] as? String == "text-relocation")
        #expect(Tool.culpritPaths(f) == ["/opt/a/lib/libtr.so"])
    }

    @Test func permissiveEventWithTwoDenialsIsOneFinding() throws {
        let log = FixtureRoot.event(serial: 40, perms: [["execstack"], ["execmem"]], syscall: 10,
                                    args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/a/bin/uses-exec", permissive: 1)
        let (result, report) = try Tool.json(["--sysroot", root.path, "-"], input: log)
        #expect(result.status == 0)
        let findings = Tool.findings(report)
        #expect(findings.count == 1)
        #expect(findings.first?["blocked"] as? Bool == false)
        #expect((report["summary"] as? [String: Any])?["denials"] as? Int == 2)
    }

    @Test func executableNotOnThisMachine() throws {
        let log = FixtureRoot.event(serial: 50, perms: [["execmem"]], syscall: 10,
                                    args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/elsewhere/bin/app")
        let result = try Tool.run(["--sysroot", root.path, "-"], input: log, environment: ["COLUMNS": "200"])
        #expect(result.stdout.contains("(/opt/elsewhere/bin/app)"))
        #expect(result.stdout.contains("Not determined: could not read the executable: not found under"))
        #expect(result.stdout.contains("readelf -lW /opt/elsewhere/bin/app | grep GNU_STACK"))
    }

    @Test func truncatedExecutableIsReportedNotFatal() throws {
        let log = FixtureRoot.event(serial: 60, perms: [["execmem"]], syscall: 10,
                                    args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/a/bin/truncated")
        let result = try Tool.run(["--sysroot", root.path, "-"], input: log, environment: ["COLUMNS": "200"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Not determined: could not read the executable: program headers lie past the end of the file"))
    }

    @Test func controlCharactersFromTheLogAreEscaped() throws {
        // comm is hex-encoded by the kernel because it holds an ESC byte.
        var log = FixtureRoot.event(serial: 70, perms: [["execmem"]], syscall: 9, args: ["0", "10000", "7", "22"], exe: "/opt/a/bin/uses-exec")
        log = log.replacingOccurrences(of: "comm=\"prog\"", with: "comm=1B5D303B70776E6564071B5B324A")
        let result = try Tool.run(["--sysroot", root.path, "-"], input: log)
        #expect(!result.stdout.contains("\u{1b}"))
        #expect(result.stdout.contains("\\x1b]0;pwned\\x07\\x1b[2J"))
    }
}

@Suite struct BadInputTests {
    @Test func unreadableFileIsNamedAndTheRestIsRead() throws {
        let dir = try TemporaryDirectory()
        let good = try dir.write("good.log", FixtureRoot.event(serial: 1, perms: [["execmem"]], syscall: 9,
                                                               args: ["0", "10000", "7", "22"], exe: "/nonexistent/jit"))
        let result = try Tool.run([dir.path + "/missing.log", good])
        #expect(result.status == 2)
        #expect(result.stderr.contains("avc-explain: \(dir.path)/missing.log: cannot open: No such file or directory"))
        #expect(result.stdout.contains("jit-rwx-mapping"))
    }

    /// A directory is read as `ausearch -if DIR` reads it (InputSelectionTests); one with no
    /// audit.log in it is an input that could not be read.
    @Test func directoryWithoutAuditLogIsAnError() throws {
        let dir = try TemporaryDirectory()
        let result = try Tool.run([dir.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(dir.path): a directory with no audit.log"), "\(result.stderr)")
    }

    @Test func nonRecordLinesAreCountedOnOneLine() throws {
        let dir = try TemporaryDirectory()
        let body = "hello\n" + FixtureRoot.event(serial: 2, perms: [["execmem"]], syscall: 9, args: ["0", "10000", "7", "22"], exe: "/x")
            + "world\n\u{0}\u{ff}binary\n"
        let log = try dir.write("mixed.log", body)
        let result = try Tool.run([log])
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("mixed.log: skipped 3 lines that are not audit records (lines 1, 6, 7)") == true)
    }

    @Test func noExecDenialsExitsOne() throws {
        let log = #"type=AVC msg=audit(1795770000.001:9): avc:  denied  { read } for  pid=1 comm="a" name="f" scontext=u:r:a_t:s0 tcontext=u:object_r:b_t:s0 tclass=file permissive=0"# + "\n"
        let (result, report) = try Tool.json(["-"], input: log)
        #expect(result.status == 1)
        let f = try #require(Tool.findings(report).first)
        #expect(f["mechanism"] is NSNull)
        #expect(f["permissions"] as? [String] == ["read"])
    }

    @Test func helpAndVersion() throws {
        let help = try Tool.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("explain (default)") && help.stdout.contains("check"))
        for sub in ["explain", "check"] {
            let r = try Tool.run([sub, "--help"])
            #expect(r.status == 0)
            #expect(r.stdout.contains("EXIT STATUS"))
        }
        #expect(try Tool.run(["--format", "xml"]).status == 64)
    }
}

@Suite struct MoreMechanismTests {
    @Test func memfdDoubleMappingIsAnExecFinding() throws {
        let ctx = "unconfined_u:unconfined_r:unconfined_t:s0"
        let stamp = "audit(1795770100.500:900)"
        let log = """
        type=AVC msg=\(stamp): avc:  denied  { execute } for  pid=77 comm="python3" path=2F6D656D66643A6C6962666669202864656C6574656429 dev="tmpfs" ino=1025 scontext=\(ctx) tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=file permissive=0
        type=SYSCALL msg=\(stamp): arch=c000003e syscall=9 success=no exit=-13 a0=0 a1=1000 a2=5 a3=1 items=0 ppid=1 pid=77 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=1 comm="python3" exe="/nonexistent/python3" subj=\(ctx) key=(null)
        type=MMAP msg=\(stamp): fd=5 flags=0x1
        type=EOE msg=\(stamp): \n
        """
        let (result, report) = try Tool.json(["-"], input: log)
        #expect(result.status == 0)
        let findings = Tool.findings(report)
        #expect(findings.count == 1, "the execute denial is the finding, not an extra 'other' one")
        #expect(findings.first?["mechanism"] as? String == "memfd-double-map")
        #expect(findings.first?["permissions"] as? [String] == ["execute"])
        #expect((findings.first?["target"] as? [String: Any])?["path"] as? String == "/memfd:libffi (deleted)")
    }

    @Test func loaderMessageAloneIsExplained() throws {
        let root = try SampleRoot.built.get()
        let text = "plugin: /opt/fluent-bit/lib/libfluent-bit.so: cannot enable executable stack as shared object requires: Invalid argument\n"
        let (result, report) = try Tool.json(["--sysroot", root, "-"], input: text)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let f = try #require(Tool.findings(report).first)
        #expect(f["mechanism"] as? String == "loader-exec-stack")
        #expect(f["loader_error"] as? String == "Invalid argument")
        #expect(f["first_seen"] is NSNull)
        #expect(Tool.culpritPaths(f) == ["/opt/fluent-bit/lib/libfluent-bit.so"])
        let fixes = (f["fixes"] as? [[String: Any]] ?? []).flatMap { $0["commands"] as? [String] ?? [] }
        #expect(fixes.contains { $0.contains("glibc.rtld.execstack=2") })
        #expect((f["booleans"] as? [Any])?.isEmpty == true, "no SELinux boolean helps an EINVAL from glibc")
    }
}

@Suite struct PolicyEnvironmentTests {
    @Test func liveBooleansNarrowTheAdvice() throws {
        let root = try FixtureRoot()
        let booleanDir = root.path + "/sys/fs/selinux/booleans"
        try FileManager.default.createDirectory(atPath: booleanDir, withIntermediateDirectories: true)
        try "1 1".write(toFile: booleanDir + "/deny_execmem", atomically: true, encoding: .utf8)
        try "1 1".write(toFile: booleanDir + "/selinuxuser_execstack", atomically: true, encoding: .utf8)
        let log = FixtureRoot.event(serial: 5, perms: [["execmem"]], syscall: 10,
                                    args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/a/bin/uses-exec", domain: "unconfined_t")
        let (_, report) = try Tool.json(["--sysroot", root.path, "-"], input: log)
        let policy = (report["summary"] as? [String: Any])?["policy"] as? [String: Any]
        #expect(policy?["family"] as? String == "fedora")
        #expect(policy?["source"] as? String == "booleans in /sys/fs/selinux")
        let booleans = try #require(Tool.findings(report).first?["booleans"] as? [[String: Any]])
        #expect(booleans.map { $0["name"] as? String } == ["deny_execmem"])
        #expect(booleans.first?["current"] as? Bool == true)
        let text = try Tool.run(["--sysroot", root.path, "-"], input: log).stdout
        #expect(text.contains("deny_execmem is on now"))
    }

    @Test func familyGuessedFromAFedoraOnlyDomain() throws {
        let log = FixtureRoot.event(serial: 6, perms: [["execmem"]], syscall: 9, args: ["0", "10000", "7", "22"], exe: "/nonexistent")
        let (_, report) = try Tool.json(["-"], input: log)
        let policy = (report["summary"] as? [String: Any])?["policy"] as? [String: Any]
        #expect(policy?["family"] as? String == "fedora")
        let names = (Tool.findings(report).first?["booleans"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(!names.contains("allow_execmem"))
    }
}

/// Logs from other architectures, explained against hand-built ELF files of that architecture.
@Suite struct ArchDiagnosisTests {
    /// (ABI, audit arch, mprotect number, page size)
    static let cases: [(String, String, Int, String)] = [
        ("aarch64", "c00000b7", 226, "10000"), ("i386", "40000003", 125, "1000"),
        ("s390x", "80000016", 125, "1000"), ("ppc64le", "c0000015", 125, "10000"), ("arm", "40000028", 125, "1000"),
    ]

    @Test(arguments: ArchDiagnosisTests.cases.map(\.0))
    func loaderStackOnEveryArchitecture(_ arch: String) throws {
        let (_, auditArch, mprotect, page) = ArchDiagnosisTests.cases.first { $0.0 == arch }!
        let dir = try TemporaryDirectory("arch-e2e")
        var exe = ELFWriter.named(arch)
        exe.type = 2
        exe.interpreter = "/lib/ld.so.1"
        exe.needed = ["libwasm.so"]
        exe.runpath = "$ORIGIN/../lib"
        var lib = ELFWriter.named(arch)
        lib.soname = "libwasm.so"
        lib.stackFlags = 7
        try exe.write(to: dir.path + "/opt/app/bin/app")
        try lib.write(to: dir.path + "/opt/app/lib/libwasm.so")
        let log = FixtureRoot.event(serial: 7, perms: [["execmem"]], syscall: mprotect, args: ["fffff0000", page, "1000007", "0"], exe: "/opt/app/bin/app")
            .replacingOccurrences(of: "arch=c000003e", with: "arch=\(auditArch)")
        let (_, report) = try Tool.json(["--sysroot", dir.path, "-"], input: log)
        let f = try #require(Tool.findings(report).first)
        #expect(f["mechanism"] as? String == "loader-exec-stack")
        #expect(Tool.culpritPaths(f) == ["/opt/app/lib/libwasm.so"])
        #expect((f["syscall"] as? [String: Any])?["name"] as? String == "mprotect")
    }

    @Test func aarch64LibraryWithoutStackHeaderIsNoCulprit() throws {
        let dir = try TemporaryDirectory("arch-e2e")
        var exe = ELFWriter.named("aarch64")
        exe.type = 2
        exe.interpreter = "/lib/ld-linux-aarch64.so.1"
        exe.needed = ["libplain.so"]
        exe.runpath = "$ORIGIN"
        var lib = ELFWriter.named("aarch64")
        lib.stackFlags = nil
        try exe.write(to: dir.path + "/app/prog")
        try lib.write(to: dir.path + "/app/libplain.so")
        let log = FixtureRoot.event(serial: 8, perms: [["execmem"]], syscall: 226, args: ["ffff80000000", "800000", "7", "0"], exe: "/app/prog")
            .replacingOccurrences(of: "arch=c000003e", with: "arch=c00000b7")
        let (_, report) = try Tool.json(["--sysroot", dir.path, "-"], input: log)
        let f = try #require(Tool.findings(report).first)
        #expect(f["mechanism"] as? String == "thread-stack-exec")
        #expect(Tool.culpritPaths(f).isEmpty, "aarch64's default stack is not executable")
    }
}

/// One log per mechanism against hand-built programs: the mechanism and the object named.
@Suite struct MechanismTableTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var arch = "c000003e"
        var syscall: Int
        var args: [String]
        var perms: [String]
        var per: String? = nil
        var mmapRecord = false
        var mechanism: String
        var culprits: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "rwx segment mapped by ld.so", syscall: 9, args: ["7f0000000000", "2000", "7", "812"], perms: ["execmem"],
             mmapRecord: true, mechanism: "rwx-segment", culprits: ["/app/lib/librwx.so"]),
        Case(name: "READ_IMPLIES_EXEC personality", arch: "40000003", syscall: 192, args: ["0", "21000", "3", "22"], perms: ["execmem"],
             per: "400000", mechanism: "read-implies-exec", culprits: ["/app/bin/prog32"]),
        Case(name: "W^X JIT flip", syscall: 10, args: ["7f1200000000", "4000", "5", "0"], perms: ["execmem"],
             mechanism: "jit-wx-flip", culprits: ["/app/lib/libluajit-5.1.so.2"]),
        Case(name: "RWX JIT mapping", syscall: 9, args: ["0", "10000", "7", "22"], perms: ["execmem"],
             mechanism: "jit-rwx-mapping", culprits: ["/app/lib/libluajit-5.1.so.2"]),
        Case(name: "thread stack mapped with MAP_STACK (glibc 2.42)", syscall: 9, args: ["0", "801000", "7", "20022"], perms: ["execmem"],
             mechanism: "thread-stack-exec", culprits: ["/app/lib/librwx.so"]),
        Case(name: "heap", syscall: 10, args: ["55c85e3c4000", "1000", "7", "0"], perms: ["execheap"],
             mechanism: "heap-exec", culprits: ["/app/lib/libluajit-5.1.so.2"]),
    ]

    static func root() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("mechanisms")
        func put(_ w: ELFWriter, _ path: String) throws { try w.write(to: dir.path + path) }
        var exe = ELFWriter.named("x86_64")
        exe.type = 2
        exe.interpreter = "/lib64/ld-linux-x86-64.so.2"
        exe.needed = ["librwx.so", "libluajit-5.1.so.2"]
        exe.runpath = "$ORIGIN/../lib"
        try put(exe, "/app/bin/prog")
        var rwx = ELFWriter.named("x86_64")
        rwx.soname = "librwx.so"
        rwx.loadFlags = 7
        rwx.stackFlags = 7
        try put(rwx, "/app/lib/librwx.so")
        var lj = ELFWriter.named("x86_64")
        lj.soname = "libluajit-5.1.so.2"
        try put(lj, "/app/lib/libluajit-5.1.so.2")
        var prog32 = ELFWriter.named("i386")
        prog32.type = 2
        prog32.interpreter = "/lib/ld-linux.so.2"
        prog32.stackFlags = nil
        try put(prog32, "/app/bin/prog32")
        return dir
    }

    @Test(arguments: MechanismTableTests.cases)
    func mechanismAndCulprit(_ c: Case) throws {
        let dir = try Self.root()
        let exe = c.arch == "40000003" ? "/app/bin/prog32" : "/app/bin/prog"
        var log = FixtureRoot.event(serial: 9, perms: [c.perms], syscall: c.syscall, args: c.args, exe: exe)
            .replacingOccurrences(of: "arch=c000003e", with: "arch=\(c.arch)")
        if let per = c.per { log = log.replacingOccurrences(of: " success=", with: " per=\(per) success=") }
        if c.mmapRecord { log = log.replacingOccurrences(of: "type=EOE", with: "type=MMAP msg=audit(1795770000.009:9): fd=3 flags=0x812\ntype=EOE") }
        let (_, report) = try Tool.json(["--sysroot", dir.path, "-"], input: log)
        let f = try #require(Tool.findings(report).first)
        #expect(f["mechanism"] as? String == c.mechanism)
        #expect(Tool.culpritPaths(f) == c.culprits)
    }
}
