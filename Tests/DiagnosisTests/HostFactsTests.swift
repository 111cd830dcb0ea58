import Foundation
import Testing
import TestSupport
import AuditInput
import AuditEvents
import ELFLoader
@testable import Diagnosis
@testable import Rendering

/// The host's facts (an sosreport's kernel, glibc, booleans and processes) change the answer.
@Suite struct HostFactsTests {
    typealias Fact = HostFacts.Fact

    static func host(kernel: String, glibc: String, glibcSource: String = "installed-rpms", booleans: [String: Bool]? = nil,
                     processes: [HostFacts.RunningProcess]? = nil) -> HostFacts {
        var h = HostFacts()
        h.kernelRelease = Fact(kernel, from: "sos_commands/kernel/uname_-a")
        h.architecture = Fact("x86_64", from: "sos_commands/kernel/uname_-a")
        h.glibcVersion = Fact(glibc, from: glibcSource)
        h.booleans = booleans.map { Fact($0, from: "sos_commands/selinux/sestatus_-b") }
        h.processes = processes.map { Fact($0, from: "ps") }
        return h
    }
    static let rhel8 = host(kernel: "4.18.0-553.el8_10.x86_64", glibc: "2.28")
    static let rhel9 = host(kernel: "5.14.0-427.13.1.el9_4.x86_64", glibc: "2.34")
    static let fedora = host(kernel: "6.11.4-301.fc41.x86_64", glibc: "2.40")

    /// Feeds the records (kernel-shaped lines) and loader messages to a Diagnoser over `root`.
    static func diagnose(_ lines: [String], root: String? = nil, host: HostFacts) throws -> Diagnoser {
        let dir = try root ?? TemporaryDirectory("host-facts").path
        var diagnoser = Diagnoser(loader: LoaderSearch(root: FileSystemRoot(directory: dir)), hosts: NodeHosts(fallback: host))
        try feed(lines, to: &diagnoser)
        return diagnoser
    }

    /// Adds the lines' events and loader messages to a Diagnoser, each event whole.
    static func feed(_ lines: [String], to diagnoser: inout Diagnoser) throws {
        var assembler = Assembler()
        for (i, line) in lines.enumerated() {
            let source = AuditInput.SourceLocation(input: "t", line: i + 1)
            if let message = LoaderMessage.parse(line, source: source) { diagnoser.add(message); continue }
            guard case .record(let r) = RecordParser.parse(Array(line.utf8), source: source) else { throw TestFailure("not a record: \(line)") }
            for e in assembler.add(r) { diagnoser.add(e) }
        }
        for e in assembler.flush() { diagnoser.add(e) }
    }

    static func event(_ serial: Int, perms: String, tclass: String = "process", path: String? = nil, arch: String = "c000003e",
                      syscall: Int, a: [String], per: String? = nil, pid: Int = 118, exe: String, domain: String = "unconfined_service_t") -> [String] {
        let stamp = "audit(1795914489.\(100 + serial):\(serial))"
        let name = exe.split(separator: "/").last.map(String.init) ?? exe
        let target = tclass == "file" ? "system_u:object_r:lib_t:s0" : "system_u:system_r:\(domain):s0"
        return [
            "type=AVC msg=\(stamp): avc:  denied  { \(perms) } for  pid=\(pid) comm=\"\(name)\"\(path.map { " path=\"\($0)\" dev=\"dm-0\" ino=42" } ?? "") scontext=system_u:system_r:\(domain):s0 tcontext=\(target) tclass=\(tclass) permissive=0",
            "type=SYSCALL msg=\(stamp): arch=\(arch) syscall=\(syscall)\(per.map { " per=\($0)" } ?? "") success=no exit=-13 a0=\(a[0]) a1=\(a[1]) a2=\(a[2]) a3=\(a[3]) items=0 ppid=1 pid=\(pid) auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"\(name)\" exe=\"\(exe)\" subj=system_u:system_r:\(domain):s0 key=(null)",
            "type=EOE msg=\(stamp):",
        ]
    }

    // MARK: versions

    @Test func versionsParse() {
        #expect(HostFacts.kernelVersion("4.18.0-553.el8_10.x86_64")! == (4, 18, 0))
        #expect(HostFacts.kernelVersion("5.14.0-427.13.1.el9_4.x86_64")! == (5, 14, 0))
        #expect(HostFacts.kernelVersion("6.1.0-18-amd64")! == (6, 1, 0))
        #expect(HostFacts.kernelVersion("6.11")! == (6, 11, 0))
        #expect(HostFacts.kernelVersion("linux") == nil)
        #expect(HostFacts.glibcVersion("2.28")! == (2, 28))
        #expect(HostFacts.glibcVersion("2.28-251.el8_10.2")! == (2, 28))
        #expect(HostFacts.glibcVersion("2.41")! == (2, 41))
        #expect(HostFacts.glibcVersion("") == nil)
    }

    // MARK: READ_IMPLIES_EXEC and the kernel

    /// A 64-bit executable with an RWE PT_GNU_STACK, mapping a data file PROT_READ under per=400000.
    func readImpliesExec64(host: HostFacts) throws -> Finding {
        let root = try TemporaryDirectory("rie64")
        var exe = ELFWriter.named("x86_64")
        exe.stackFlags = 7
        try FileManager.default.createDirectory(atPath: root.path + "/opt/legacy/bin", withIntermediateDirectories: true)
        try exe.write(to: root.path + "/opt/legacy/bin/reader")
        let log = Self.event(1, perms: "execute", tclass: "file", path: "/srv/ledger.dat", syscall: 9, a: ["0", "1000", "1", "2"],
                             per: "400000", exe: "/opt/legacy/bin/reader")
        let f = try #require(try Self.diagnose(log, root: root.path, host: host).results.first)
        #expect(f.mechanism == .readImpliesExec && f.process.bits == 64)
        return f
    }

    @Test func before58TheRWEStackOfA64BitProgramExplainsThePersonality() throws {
        let f = try readImpliesExec64(host: Self.rhel8)
        #expect(f.why.contains("This host runs Linux 4.18.0-553.el8_10.x86_64 (sos_commands/kernel/uname_-a), older than 5.8"), "\(f.why)")
        #expect(f.why.contains("the executable reader (64-bit, with an RWE PT_GNU_STACK)"), "\(f.why)")
        #expect(!f.why.contains("since 5.8"), "only the half of the rule that applies")
        #expect(f.fixes.contains { $0.commands.contains("patchelf --clear-execstack /opt/legacy/bin/reader") })
    }

    @Test(arguments: [rhel9, fedora])
    func since58TheStackHeaderOfA64BitProgramIsNotTheCause(_ host: HostFacts) throws {
        let f = try readImpliesExec64(host: host)
        #expect(f.why.contains("5.8 or later"), "\(f.why)")
        #expect(f.why.contains("it cannot come from the stack header"), "\(f.why)")
        #expect(f.why.contains("personality()"))
        #expect(!f.why.contains("The personality comes from the executable's stack request"))
        #expect(!f.fixes.contains { $0.text.contains("-z noexecstack (gcc") || !$0.commands.isEmpty }, "rebuilding or patchelf cannot help: \(f.fixes)")
    }

    @Test func since58A32BitProgramWithoutGNUStackGetsIt() throws {
        let log = Self.event(2, perms: "execute", tclass: "file", path: "/tmp/ledger.dat", arch: "40000003", syscall: 192, a: ["0", "1000", "1", "2"],
                             per: "400000", exe: "/usr/local/bin/legacy-reader32")
        let root = try TemporaryDirectory("rie32")
        var exe = ELFWriter.named("i386")
        exe.stackFlags = nil
        try FileManager.default.createDirectory(atPath: root.path + "/usr/local/bin", withIntermediateDirectories: true)
        try exe.write(to: root.path + "/usr/local/bin/legacy-reader32")
        let f = try #require(try Self.diagnose(log, root: root.path, host: Self.fedora).results.first)
        #expect(f.process.bits == 32)
        #expect(f.why.contains("only a 32-bit program without PT_GNU_STACK gets the personality from its stack header, which the executable legacy-reader32 (32-bit, without PT_GNU_STACK) is."), "\(f.why)")
    }

    // MARK: TEXTREL and glibc

    static let execmodLog = event(3, perms: "execmod", tclass: "file", path: "/opt/vendor/lib/libold.so", syscall: 10,
                                  a: ["7f53e48c3000", "1000", "5", "0"], exe: "/opt/vendor/bin/vendor-tool")

    @Test func glibc228MeetsExecmod() throws {
        let f = try #require(try Self.diagnose(Self.execmodLog, host: Self.rhel8).results.first)
        #expect(f.mechanism == .textRelocation)
        #expect(f.why.contains("This host has glibc 2.28 (installed-rpms), 2.28 or older: its loader makes the code writable, then executable again, so execmod is the denial it meets."), "\(f.why)")
        #expect(!f.why.contains("An execmod denial instead"))
    }

    @Test(arguments: [rhel9, fedora])
    func newerGlibcMeetsExecmemSoExecmodMeansSomethingElse(_ host: HostFacts) throws {
        let f = try #require(try Self.diagnose(Self.execmodLog, host: host).results.first)
        #expect(f.why.contains("2.29 or later: its loader makes the code writable and executable at once, so execmem is the denial it meets."), "\(f.why)")
        #expect(f.why.contains("An execmod denial instead means something other than this glibc's loader wrote into the code"))
    }

    // MARK: glibc 2.41 and dlopen

    static func loaderMessage(_ reason: String) -> String {
        "/usr/bin/plugin-host: error while loading shared libraries: libwasm.so: cannot enable executable stack as shared object requires: \(reason)"
    }

    @Test func invalidArgumentOnGlibc241IsGlibcItself() throws {
        let f = try #require(try Self.diagnose([Self.loaderMessage("Invalid argument")], host: Self.host(kernel: "6.14.0", glibc: "2.41")).results.first)
        #expect(f.evidence.contains { $0.hasPrefix("This host has glibc 2.41 (installed-rpms), which refuses an executable-stack library in dlopen() by itself") }, "\(f.evidence)")
    }

    @Test func invalidArgumentBefore241IsNotGlibcsRefusal() throws {
        let f = try #require(try Self.diagnose([Self.loaderMessage("Invalid argument")], host: Self.fedora).results.first)
        #expect(f.evidence.contains { $0.hasPrefix("This host has glibc 2.40 (installed-rpms), older than 2.41, whose dlopen() never refuses by itself") }, "\(f.evidence)")
    }

    @Test func permissionDeniedNamesTheHostsGlibc() throws {
        let f = try #require(try Self.diagnose([Self.loaderMessage("Permission denied")], host: Self.rhel9).results.first)
        #expect(f.evidence.contains { $0.hasPrefix("This host has glibc 2.34 (installed-rpms), older than 2.41: dlopen() of such a library still makes the stack executable") }, "\(f.evidence)")
    }

    @Test func anExecStackAVCOnGlibc241CameAtStartUp() throws {
        let log = Self.event(4, perms: "execstack", syscall: 10, a: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/usr/bin/plugin-host")
        let f = try #require(try Self.diagnose(log, host: Self.host(kernel: "6.14.0", glibc: "2.41")).results.first)
        #expect(f.mechanism == .loaderExecStack)
        #expect(f.evidence.contains { $0.contains("so this mprotect came at start-up") }, "\(f.evidence)")
        let older = try #require(try Self.diagnose(log, host: Self.fedora).results.first)
        #expect(!older.evidence.contains { $0.contains("came at start-up") })
    }

    // MARK: booleans in force

    static let execmemLog = event(5, perms: "execmem", syscall: 10, a: ["7f53e48c3000", "1000", "7", "1"], exe: "/opt/vendor/bin/vendor-tool")

    @Test func aBooleanOnNowGivesTheExactSetsebool() throws {
        let d = try Self.diagnose(Self.execmemLog, host: Self.host(kernel: "5.14.0", glibc: "2.34", booleans: ["deny_execmem": true, "httpd_execmem": false]))
        #expect(d.policyInForce.family == .fedora && d.policyInForce.familySource == "booleans in sos_commands/selinux/sestatus_-b")
        let f = try #require(d.results.first)
        #expect(f.booleans.map(\.name) == ["deny_execmem"] && f.booleans.first?.current == true)
        let policy = try #require(f.fixes.first { $0.kind == .policy })
        #expect(policy.text.contains("deny_execmem is on now"))
        #expect(policy.commands == ["setsebool -P deny_execmem off"])
    }

    @Test func onlyTheBooleansStillInTheWayAreChanged() throws {
        let log = Self.event(6, perms: "execstack", syscall: 10, a: ["7ffd7caa3000", "1000", "1000007", "0"], exe: "/usr/bin/plugin-host", domain: "unconfined_t")
        let f = try #require(try Self.diagnose(log, host: Self.host(kernel: "5.14.0", glibc: "2.34",
                                                                     booleans: ["selinuxuser_execstack": true, "deny_execmem": true])).results.first)
        let policy = try #require(f.fixes.first { $0.kind == .policy })
        #expect(policy.commands == ["setsebool -P deny_execmem off"], "selinuxuser_execstack is already on: \(policy.commands)")
    }

    @Test func alreadyAllowedSaysTheDenialPredatesTheChange() throws {
        let change = "type=MAC_CONFIG_CHANGE msg=audit(1795914600.000:90): bool=deny_execmem val=0 old_val=1 auid=1000 ses=2"
        let d = try Self.diagnose(Self.execmemLog + [change], host: Self.host(kernel: "5.14.0", glibc: "2.34", booleans: ["deny_execmem": false]))
        let f = try #require(d.results.first)
        let policy = try #require(f.fixes.first { $0.kind == .policy })
        #expect(policy.text.hasPrefix("Already allowed on Fedora/RHEL: deny_execmem is off now, so the denial predates the change (deny_execmem was set off at audit(1795914600.000:90), after the last denial)"), "\(policy.text)")
        #expect(policy.commands.isEmpty)
        let undated = try #require(try Self.diagnose(Self.execmemLog, host: Self.host(kernel: "5.14.0", glibc: "2.34", booleans: ["deny_execmem": false])).results.first)
        #expect(undated.fixes.contains { $0.text.hasPrefix("Already allowed on Fedora/RHEL: deny_execmem is off now, so the denial predates the change. ") })
    }

    /// The policy's advice is shared by findings alike (PolicyAdviceMemo), but not advice that
    /// dates a boolean change against the finding's own last denial: a finding denied again after
    /// the change must not be told the change came after its last denial.
    @Test func alreadyAllowedAdviceIsNotSharedAcrossLastDenials() throws {
        let change = "type=MAC_CONFIG_CHANGE msg=audit(1795914600.000:90): bool=deny_execmem val=0 old_val=1 auid=1000 ses=2"
        let host = Self.host(kernel: "5.14.0", glibc: "2.34", booleans: ["deny_execmem": false])
        let d = try Self.diagnose(Self.execmemLog + [change], host: host)
        let before = try #require(d.facts.first)
        var after = before
        after.lastSeen = EventID(seconds: 1_795_914_700, milliseconds: 0, serial: 95)
        var memo = PolicyAdviceMemo()
        let first = before.explained(under: d.policyInForce, host: host, timeline: d.timeline, memo: &memo)
        let second = after.explained(under: d.policyInForce, host: host, timeline: d.timeline, memo: &memo)
        let dated = "(deny_execmem was set off at audit(1795914600.000:90), after the last denial)"
        #expect(first.fixes.contains { $0.text.contains(dated) })
        #expect(!second.fixes.contains { $0.text.contains(dated) }, "\(second.fixes.map(\.text))")
        #expect(second.fixes == after.explained(under: d.policyInForce, host: host, timeline: d.timeline).fixes)
    }

    // MARK: processes still running

    static let ps: [HostFacts.RunningProcess] = [
        .init(pid: 118, user: "root", context: "system_u:system_r:unconfined_service_t:s0", command: "/opt/vendor/bin/vendor-tool --serve"),
        .init(pid: 900, user: "root", context: "system_u:system_r:init_t:s0", command: "/usr/lib/systemd/systemd --switched-root"),
    ]

    @Test func theDeniedPidStillRunningIsAFactInTextAndJSON() throws {
        let d = try Self.diagnose(Self.execmemLog, host: Self.host(kernel: "5.14.0", glibc: "2.34", processes: Self.ps))
        let f = try #require(d.results.first)
        #expect(f.stillRunningFacts == ["still running as pid 118 in context system_u:system_r:unconfined_service_t:s0: /opt/vendor/bin/vendor-tool --serve"])
        var report = Report(findings: d.facts, events: d.eventsSeen, denials: d.denialCount, inputs: [], sysroot: nil, policy: d.policyInForce)
        report.hosts = d.hosts
        let text = TextRenderer(color: false).render(report).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("Still running (the host report's process list) - still running as pid 118 in context system_u:system_r:unconfined_service_t:s0: /opt/vendor/bin/vendor-tool --serve"), "\(text)")
        let json = JSONRenderer.render(report).serialized()
        try SchemaValidation.validate(json, against: .report)
        #expect(json.contains(#""running":[{"pid":118,"user":"root","context":"system_u:system_r:unconfined_service_t:s0","command":"/opt/vendor/bin/vendor-tool --serve"}]"#), "\(json)")
    }

    @Test func aReusedPidIsNotTheProgramButItsPathIs() throws {
        let ps: [HostFacts.RunningProcess] = [
            .init(pid: 118, user: "root", context: "system_u:system_r:sshd_t:s0", command: "sshd: root@pts/0"),
            .init(pid: 4242, user: "svc", context: "system_u:system_r:unconfined_service_t:s0", command: "/opt/vendor/bin/vendor-tool"),
        ]
        let f = try #require(try Self.diagnose(Self.execmemLog, host: Self.host(kernel: "5.14.0", glibc: "2.34", processes: ps)).results.first)
        #expect(f.stillRunning.map(\.pid) == [4242])
    }

    // MARK: commands for the host

    @Test func packageOwnerCommandFitsTheHost() throws {
        let rpm = try #require(try Self.diagnose(Self.execmemLog, host: Self.rhel9).results.first)
        #expect(rpm.commandsToRun.last == "rpm -qf /opt/vendor/bin/vendor-tool", "\(rpm.commandsToRun)")
        let deb = try #require(try Self.diagnose(Self.execmemLog, host: Self.host(kernel: "6.1.0-18-amd64", glibc: "2.36", glibcSource: "sos_commands/dpkg/dpkg_-l")).results.first)
        #expect(deb.commandsToRun.last == "dpkg -S /opt/vendor/bin/vendor-tool")
        let none = try #require(try Self.diagnose(Self.execmemLog, host: HostFacts()).results.first)
        #expect(none.commandsToRun == Diagnoser.commandsForOtherHost("/opt/vendor/bin/vendor-tool") && none.commandsToRun.count == 4)
    }
}
