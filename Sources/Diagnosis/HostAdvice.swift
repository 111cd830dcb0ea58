import AuditEvents
/// What changes in the prose once the log's host is known: which half of a version-dependent
/// rule applies to it, and whether the booleans in force already allow the denial.
extension Advice {
    /// The kernel's READ_IMPLIES_EXEC rule as it applies to this host and executable.
    static func readImpliesExecOnHost(_ f: Finding, host: HostFacts) -> ReadImpliesExecOnHost? {
        let x86 = host.isX86 ?? ["x86_64", "i386"].contains(f.call?.arch ?? "")
        guard x86, let kernel = host.kernel, let named = host.kernelNamed else { return nil }
        let stack = f.culprits.first { $0.reason == .gnuStackMissing || $0.reason == .gnuStackExecutable }?.reason
        let exe = f.process.exe.map { "the executable " + base($0) } ?? "the executable"
        let bits = f.process.bits.map { "\($0)-bit" }
        let stackText = stack.map { $0 == .gnuStackMissing ? "without PT_GNU_STACK" : "with an RWE PT_GNU_STACK" }
        let what = [bits, stackText].compactMap { $0 }.joined(separator: ", ")
        let described = what.isEmpty ? exe : "\(exe) (\(what))"
        if stack == nil, f.elf == .analysed {
            return ReadImpliesExecOnHost(sentence: "This host runs \(named); \(described) does not ask for an executable stack, so on no kernel does its stack header set the personality: \(f.process.bits == 64 ? "the process itself called personality() with the flag after it started (the kernel clears it at every 64-bit exec)" : "setarch -X (--read-implies-exec) or a personality() call with the flag, in the program or in what started it, did").",
                                         fromStackHeader: false)
        }
        if (kernel.major, kernel.minor) < (5, 8) {
            return ReadImpliesExecOnHost(sentence: "This host runs \(named), older than 5.8: on x86 such a kernel sets the personality for an executable whose PT_GNU_STACK is RWE or missing, 32- and 64-bit alike, which explains \(described).",
                                         fromStackHeader: true)
        }
        let rule = "This host runs \(named), 5.8 or later: on x86 only a 32-bit program without PT_GNU_STACK gets the personality from its stack header"
        switch (f.process.bits, stack) {
        case (32?, .gnuStackMissing?):
            return ReadImpliesExecOnHost(sentence: "\(rule), which \(described) is.", fromStackHeader: true)
        case (64?, _):
            return ReadImpliesExecOnHost(sentence: "\(rule), so for \(described) it cannot come from the stack header. The kernel also clears the flag at every 64-bit exec, so neither setarch nor a parent passes it on: the process itself called personality() with READ_IMPLIES_EXEC after it started (its own code or a library's); strace -f -e trace=personality on the program shows the call.",
                                         fromStackHeader: false)
        case (32?, .gnuStackExecutable?):
            return ReadImpliesExecOnHost(sentence: "\(rule), so for \(described) it cannot come from the stack header: it was set by setarch -X (--read-implies-exec) or a personality() call, in the program or in what started it (the flag passes across a 32-bit exec).",
                                         fromStackHeader: false)
        default:
            return ReadImpliesExecOnHost(sentence: "\(rule).", fromStackHeader: true)
        }
    }

    /// The fix when the stack header is not what set the personality: rebuilding with
    /// -z noexecstack would change nothing.
    static func personalityCallFix(_ exe: String, _ onHost: ReadImpliesExecOnHost) -> Fix {
        Fix(kind: .configuration, text: "Find what sets READ_IMPLIES_EXEC for \(exe) and remove it: a personality() call with the flag 0x0400000 in the program or a library, or setarch -X / --read-implies-exec in its start-up script or service unit. Rebuilding with -z noexecstack would not help: \(onHost.sentence)",
            commands: [])
    }

    /// Which permission this host's glibc asks for when it relocates text, and what a denial
    /// of the other one means.
    static func textRelocationOnHost(_ permissions: Set<Permission>, host: HostFacts) -> String? {
        guard let glibc = host.glibc, let named = host.glibcNamed else { return nil }
        let old = (glibc.major, glibc.minor) < (2, 29)
        var out = old
            ? "This host has \(named), 2.28 or older: its loader makes the code writable, then executable again, so execmod is the denial it meets."
            : "This host has \(named), 2.29 or later: its loader makes the code writable and executable at once, so execmem is the denial it meets."
        if permissions.contains(old ? .execmem : .execmod), !permissions.contains(old ? .execmod : .execmem) {
            out += old
                ? " An execmem denial instead means a loader other than this glibc's: one the program brings with it, or a vendor build with the 2.29 change (BZ#20480) backported."
                : " An execmod denial instead means something other than this glibc's loader wrote into the code: a loader of the program's own, a packer or a hooking tool."
        }
        return out
    }

    /// Evidence for a finding read from glibc's error message: what this host's glibc does.
    static func loaderErrorOnHost(_ error: String, mechanism: Mechanism, host: HostFacts) -> String? {
        guard let glibc = host.glibc, let named = host.glibcNamed else { return nil }
        if mechanism == .textRelocation { return textRelocationOnHost([], host: host) }
        let refusesDlopen = (glibc.major, glibc.minor) >= (2, 41)
        switch (error.hasPrefix("Invalid argument"), refusesDlopen) {
        case (true, true):
            return "This host has \(named), which refuses an executable-stack library in dlopen() by itself: no AVC is to be found."
        case (true, false):
            return "This host has \(named), older than 2.41, whose dlopen() never refuses by itself: the EINVAL came from the kernel's mprotect of the stack, not from SELinux, which refuses with EACCES (\"Permission denied\")."
        case (false, true):
            return "This host has \(named): since 2.41 dlopen() does not change the stack, so the refused mprotect came at start-up: a DT_NEEDED or LD_PRELOAD library, or GLIBC_TUNABLES=glibc.rtld.execstack=2."
        case (false, false):
            return "This host has \(named), older than 2.41: dlopen() of such a library still makes the stack executable, so the library may have been loaded by dlopen() as well as at start-up."
        }
    }

    /// An execstack/execmem denial of the loader's stack mprotect on a glibc that no longer
    /// makes the stack executable for dlopen().
    static func execStackAVCOnHost(_ host: HostFacts) -> String? {
        guard let glibc = host.glibc, (glibc.major, glibc.minor) >= (2, 41), let named = host.glibcNamed else { return nil }
        return "This host has \(named): since 2.41 dlopen() fails with EINVAL for a library that asks for an executable stack, without an AVC, so this mprotect came at start-up (a DT_NEEDED or LD_PRELOAD library, or GLIBC_TUNABLES=glibc.rtld.execstack=2), not from a dlopen()."
    }

    /// The policy fix when every boolean of the group already has the allowing value: the
    /// denial came before the change, dated from the log's timeline where it shows it.
    static func alreadyAllowed(_ list: [PolicyBoolean], label: String, changes: BooleanChanges) -> Fix? {
        guard list.allSatisfy({ $0.current == $0.allowingValue }) else { return nil }
        let values = list.map { "\($0.name) is \($0.allowingValue ? "on" : "off")" }.joined(separator: ", ")
        let dated = list.compactMap { b in
            changes.setAfterDenial(b.name, to: b.allowingValue).map { "\(b.name) was set \(b.allowingValue ? "on" : "off") at audit(\($0.when.id)), after the last denial" }
        }
        let when = dated.isEmpty ? "" : " (" + dated.joined(separator: "; ") + ")"
        return Fix(kind: .policy, text: "Already allowed on \(label): \(values) now, so the denial predates the change\(when). No boolean needs changing; if the denial comes again, the booleans are not what refuses it.",
                   commands: [])
    }
}

/// Which half of the READ_IMPLIES_EXEC rule holds on the host, said of its executable.
struct ReadImpliesExecOnHost {
    var sentence: String
    /// False when, on this kernel, the executable's PT_GNU_STACK cannot have set the personality.
    var fromStackHeader: Bool
}
