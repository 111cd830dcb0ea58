import Foundation
import Testing
import TestSupport

/// Records shaped like the kernel's (kernel/auditsc.c, security/selinux/avc.c) for the cases
/// field input brings: mixed permissive and enforcing occurrences, READ_IMPLIES_EXEC, code
/// patching, glibc's text-relocation message, and Android.
private func fileEvent(serial: Int, perm: String, path: String, tcontext: String, arch: String = "c000003e", syscall: Int,
                       args: [String], per: String? = nil, exe: String, scontext: String = "system_u:system_r:unconfined_service_t:s0") -> String {
    let stamp = "audit(1795771000.\(String(format: "%03d", serial % 1000)):\(serial))"
    let comm = exe.split(separator: "/").last.map(String.init) ?? exe
    let perText = per.map { " per=\($0)" } ?? ""
    return """
    type=AVC msg=\(stamp): avc:  denied  { \(perm) } for  pid=4300 comm="\(comm)" path="\(path)" dev="vda1" ino=4711 scontext=\(scontext) tcontext=\(tcontext) tclass=file permissive=0
    type=SYSCALL msg=\(stamp): arch=\(arch) syscall=\(syscall)\(perText) success=no exit=-13 a0=\(args[0]) a1=\(args[1]) a2=\(args[2]) a3=\(args[3]) items=0 ppid=1 pid=4300 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="\(comm)" exe="\(exe)" subj=\(scontext) key=(null)
    type=EOE msg=\(stamp): \n
    """
}

@Suite struct FieldInputTests {
    let root: FixtureRoot
    init() throws { root = try FixtureRoot() }

    private func explain(_ log: String) throws -> (text: String, findings: [[String: Any]], report: [String: Any]) {
        let text = try Tool.run(["--sysroot", root.path, "-"], input: log, environment: ["COLUMNS": "200"])
        let (result, report) = try Tool.json(["--sysroot", root.path, "-"], input: log)
        #expect(result.status <= 1, "\(result.stderr)")
        return (text.stdout, Tool.findings(report), report)
    }

    /// One occurrence refused (execstack), one only logged (permissive, execstack and execmem):
    /// the finding counts each outcome, and no sentence claims both permissions were refused.
    @Test func permissiveAndEnforcingOccurrencesAreCountedApart() throws {
        let log = FixtureRoot.event(serial: 70, perms: [["execstack"]], syscall: 10, args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/a/bin/uses-exec")
            + FixtureRoot.event(serial: 71, perms: [["execstack"], ["execmem"]], syscall: 10, args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/a/bin/uses-exec", permissive: 1)
        let (text, findings, _) = try explain(log)
        #expect(findings.count == 1)
        let f = try #require(findings.first)
        #expect(f["blocked"] as? Bool == true)
        let outcomes = try #require(f["outcomes"] as? [String: Any])
        #expect(outcomes["blocked"] as? Int == 1 && outcomes["allowed"] as? Int == 1)
        #expect(text.contains("outcome   blocked 1 time, allowed 1 time (permissive)"))
        let why = try #require(f["explanation"] as? String)
        #expect(!why.contains("both were refused"), "\(why)")
        #expect(why.contains("refused where SELinux was enforcing (1 time) and only logged where it was permissive (1 time)"), "\(why)")
    }

    /// Two enforcing occurrences, each denied a different permission: never "both were refused".
    @Test func differentPermissionsInDifferentEventsAreNotBothRefused() throws {
        let log = FixtureRoot.event(serial: 72, perms: [["execstack"]], syscall: 10, args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/a/bin/uses-exec")
            + FixtureRoot.event(serial: 73, perms: [["execmem"]], syscall: 10, args: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/opt/a/bin/uses-exec")
        let why = try #require(try explain(log).findings.first?["explanation"] as? String)
        #expect(!why.contains("both were refused"), "\(why)")
        #expect(why.contains("the occurrences differ"), "\(why)")
    }

    /// The Debian 6.1 case: an i386 static program without PT_GNU_STACK maps a data file
    /// PROT_READ (mmap2, a2=1) and is denied execute on it, because the kernel gave it READ_IMPLIES_EXEC.
    @Test func readImpliesExecOnADataFileNamesTheExecutablesStack() throws {
        let w = root.path + "/work"
        // Without a C library, so no 32-bit libc (gcc-multilib) is needed: _start exits at once.
        _ = try Toolchain.source("rie.c", "void _start(void) { __asm__ volatile(\"movl $1, %eax; xorl %ebx, %ebx; int $0x80\"); }\n", in: w)
        try Toolchain.gcc(["-m32", "-nostdlib", "-static", "-fno-pic", "-o", root.path + "/opt/a/bin/rie32", "rie.c"], in: w)
        try Shell.must(Package.stripGNUStack, [root.path + "/opt/a/bin/rie32"])
        let log = fileEvent(serial: 80, perm: "execute", path: "/var/lib/app/data.bin", tcontext: "system_u:object_r:var_lib_t:s0",
                            arch: "40000003", syscall: 192, args: ["0", "1000", "1", "2"], per: "400000", exe: "/opt/a/bin/rie32")
        let (text, findings, _) = try explain(log)
        let f = try #require(findings.first)
        #expect(f["mechanism"] as? String == "read-implies-exec")
        #expect(Tool.culpritPaths(f) == ["/opt/a/bin/rie32"])
        #expect((f["culprits"] as? [[String: Any]])?.first?["reason"] as? String == "gnu-stack-missing")
        let why = try #require(f["explanation"] as? String)
        #expect(why.contains("/var/lib/app/data.bin") && why.contains("before 5.8") && why.contains("32-bit program without PT_GNU_STACK"), "\(why)")
        #expect(text.contains("-z noexecstack"))
        #expect(!text.contains("Other denials"), "the execute denial is explained, not listed apart")
    }

    /// `ausearch -i` writes per=400000 as PER_LINUX (auparse keeps only the low byte): a
    /// PROT_READ mapping denied execute still says READ_IMPLIES_EXEC.
    @Test func readImpliesExecWithoutThePersonalityFlag() throws {
        let log = """
        type=AVC msg=audit(11/29/26 01:00:00.100:81) : avc:  denied  { execute } for  pid=4300 comm=mysqld path=/var/lib/mysql/ibdata1 dev="vda1" ino=4711 scontext=system_u:system_r:mysqld_t:s0 tcontext=system_u:object_r:mysqld_db_t:s0 tclass=file permissive=0
        type=SYSCALL msg=audit(11/29/26 01:00:00.100:81) : arch=x86_64 syscall=mmap per=PER_LINUX success=no exit=EACCES(Permission denied) a0=0x0 a1=0x1000 a2=PROT_READ a3=MAP_SHARED items=0 ppid=1 pid=4300 auid=unset uid=mysql gid=mysql euid=mysql suid=mysql fsuid=mysql egid=mysql sgid=mysql fsgid=mysql tty=(none) ses=unset comm=mysqld exe=/usr/sbin/mysqld subj=system_u:system_r:mysqld_t:s0 key=(null)

        """
        let f = try #require(try explain(log).findings.first)
        #expect(f["mechanism"] as? String == "read-implies-exec")
    }

    /// execmod on glibc's libc.so.6, which has no TEXTREL: something patched it. No -fPIC
    /// rebuild of libc, no textrel_shlib_t label.
    @Test func execmodOnTheCLibraryIsCodePatching() throws {
        let log = fileEvent(serial: 90, perm: "execmod", path: "/usr/lib/x86_64-linux-gnu/libc.so.6", tcontext: "system_u:object_r:lib_t:s0",
                            syscall: 10, args: ["7f1200000000", "1000", "5", "0"], exe: "/opt/a/bin/uses-exec")
        let (text, findings, _) = try explain(log)
        let f = try #require(findings.first)
        #expect(f["mechanism"] as? String == "code-patching")
        #expect(!text.contains("-fPIC") && !text.contains("textrel_shlib_t"), "\(text)")
        #expect(text.contains("Frida") && text.contains("packer"))
    }

    /// execmod on a library of the closure that has no text relocations.
    @Test func execmodOnALibraryWithoutTextrelIsCodePatching() throws {
        let log = fileEvent(serial: 91, perm: "execmod", path: "/opt/a/lib/libexec.so", tcontext: "system_u:object_r:lib_t:s0",
                            syscall: 10, args: ["7f1200000000", "1000", "5", "0"], exe: "/opt/a/bin/uses-exec")
        let f = try #require(try explain(log).findings.first)
        #expect(f["mechanism"] as? String == "code-patching")
        #expect(Tool.culpritPaths(f) == ["/opt/a/lib/libexec.so"])
        // A TEXTREL library still is a text relocation.
        let textrel = fileEvent(serial: 92, perm: "execmod", path: "/opt/a/lib/libtr.so", tcontext: "system_u:object_r:lib_t:s0",
                                syscall: 10, args: ["7f1200000000", "1000", "5", "0"], exe: "/opt/a/bin/uses-textrel")
        #expect(try explain(textrel).findings.first?["mechanism"] as? String == "text-relocation")
    }

    /// glibc's "cannot restore segment prot after reloc" alone is a text-relocation finding
    /// naming the library, found through the program's RUNPATH.
    @Test func textRelocationLoaderMessage() throws {
        let log = "Nov 29 01:00:00 web01 app[4300]: /opt/a/bin/uses-textrel: error while loading shared libraries: libtr.so: cannot restore segment prot after reloc: Permission denied\n"
        let (text, findings, _) = try explain(log)
        let f = try #require(findings.first)
        #expect(f["mechanism"] as? String == "text-relocation")
        #expect(Tool.culpritPaths(f) == ["/opt/a/lib/libtr.so"])
        #expect(text.contains("cannot restore segment prot after reloc: Permission denied"))
        #expect(text.contains("Rebuild libtr.so as position-independent code"))
    }

    /// Android: contexts u:r:…:s0, bionic, sepolicy. Nothing of Fedora's or glibc's tools.
    @Test func androidFindingsSpeakOfSepolicyAndBionic() throws {
        let app = "u:r:untrusted_app:s0:c512,c768"
        let log = """
        08-12 18:22:18.289  2380  2380 E audit   : type=1400 msg=audit(1471018938.269:285): avc:  denied  { execmod } for  pid=6501 comm="app_process" path="/system/lib/libsound.so" dev="mmcblk0p23" ino=1786 scontext=u:r:shell:s0 tcontext=u:object_r:system_file:s0 tclass=file permissive=0
        08-12 18:22:19.100  2380  2380 E audit   : type=1400 msg=audit(1471018939.100:286): avc:  denied  { execmem } for  pid=7001 comm="com.example.app" scontext=\(app) tcontext=\(app) tclass=process permissive=0
        08-12 18:22:19.200  2380  2380 E audit   : type=1400 msg=audit(1471018939.200:287): avc:  denied  { execmod } for  pid=7001 comm="com.example.app" path="/apex/com.android.runtime/lib64/bionic/libc.so" dev="dm-3" ino=77 scontext=\(app) tcontext=u:object_r:system_lib_file:s0 tclass=file permissive=0

        """
        let (text, findings, report) = try explain(log)
        #expect(((report["summary"] as? [String: Any])?["policy"] as? [String: Any])?["family"] as? String == "android")
        #expect(findings.map { $0["mechanism"] as? String } == ["text-relocation", "unknown", "code-patching"])
        for word in ["setsebool", "semanage", "restorecon", "glibc", "rules.d", "ausearch", "textrel_shlib_t"] {
            #expect(!text.contains(word), "Android output mentions \(word)")
        }
        #expect(text.contains("bionic's linker"))
        #expect(text.contains("\"allow untrusted_app self:process execmem;\""))
        #expect(text.contains("\"allow untrusted_app system_lib_file:file execmod;\""))
    }
}
