import AuditEvents
import ELFLoader
/// One remedy, ranked by how much it weakens the system (safest first).
public struct Fix: Sendable, Hashable {
    public enum Kind: String, Sendable { case rebuild, stopgap, configuration, policy }

    public var kind: Kind
    public var text: String
    public var commands: [String]
}

/// The plain-words explanation and the ranked fixes for a finding.
enum Advice {
    /// How the occurrences ended, true of every one of them.
    static func refusal(_ o: Outcomes) -> String {
        if o.isMixed {
            return "refused where SELinux was enforcing (\(times(o.blocked))) and only logged where it was permissive (\(times(o.allowed)))"
        }
        return o.blocked > 0 ? "refused" : "logged as denied (permissive mode, so it was allowed)"
    }

    /// What followed a refusal, said only of the occurrences that were refused. `sentence`
    /// starts as it would at the start of a sentence ("The program …", "pthread_create …").
    static func afterRefusal(_ o: Outcomes, _ sentence: String) -> String {
        guard o.blocked > 0 else { return "" }
        guard o.isMixed else { return " " + sentence }
        return " Where it was refused, " + (sentence.hasPrefix("The ") ? "the " + sentence.dropFirst(4) : sentence)
    }

    static func times(_ n: Int) -> String { n == 1 ? "1 time" : "\(n) times" }

    /// The object with its kind where that matters: "the executable prog", "the data file x.db".
    static func named(_ c: Culprit) -> String {
        switch c.objectKind {
        case .executable?: return "the executable \(base(c.path))"
        case .dataFile?: return "the data file \(base(c.path))"
        case .library?, nil: return base(c.path)
        }
    }

    /// `permissions`: the finding's, as a set.
    static func why(_ f: Finding, permissions: Set<Permission>, android: Bool, host: HostFacts = HostFacts()) -> String {
        let culprits = f.culprits
        let refused = refusal(f.outcomes)
        // Two permissions are "both refused" only when one occurrence was denied both.
        let differ = f.permissionSets.count > 1
        let firstCulprit = culprits.first.map(named)
        switch f.mechanism ?? .unknown {
        case .loaderExecStack:
            let who = firstCulprit.map { "\($0), which asks for an executable stack" } ?? "a library that asks for an executable stack"
            let check: String
            switch (permissions.contains(.execstack), permissions.contains(.execmem)) {
            case (true, true) where differ:
                check = "SELinux checks that as execstack and then as execmem; the occurrences differ: in some execstack was denied, in others execstack was allowed and execmem denied. The access was \(refused)"
            case (true, true): check = "SELinux checks that as execstack and then as execmem; both were \(refused)"
            case (true, false): check = "SELinux checks that as execstack, which was \(refused)"
            default: check = "SELinux checks that as execstack and then as execmem; execstack was allowed and execmem was \(refused)"
            }
            let effect = afterRefusal(f.outcomes, "The program then stops with \"cannot enable executable stack as shared object requires: Permission denied\".")
            return "While loading \(who), the dynamic loader (ld.so) called mprotect(PROT_EXEC|PROT_GROWSDOWN) to make the main stack executable. \(check).\(effect)"
        case .threadStackExec:
            let who = firstCulprit.map { "\($0) asks for an executable stack" } ?? "the program or one of its libraries asks for an executable stack"
            let effect = afterRefusal(f.outcomes, "pthread_create then fails with EAGAIN or EACCES, so the program may stall rather than exit.")
            return "Because \(who), glibc makes every new thread's stack read-write-execute. Thread stacks are anonymous memory, so SELinux checks execmem, which was \(refused).\(effect)"
        case .jitRWXMapping:
            return "The program mapped anonymous memory readable, writable and executable at once, which is what a JIT compiler or runtime code generator does. SELinux checks that as execmem, which was \(refused)."
        case .jitWXFlip:
            return "The program wrote code into anonymous memory and then made it executable (a W^X JIT). Making any anonymous memory executable is execmem to SELinux, even without write access, and it was \(refused)."
        case .heapExec:
            return "The program asked to make part of its brk heap (malloc'd memory) executable. SELinux checks that as execheap, which was \(refused); no correct program needs it."
        case .textRelocation:
            let who = firstCulprit ?? "a library"
            if android {
                return "\(who) has text relocations: bionic's linker must write into its code to relocate it and then make that code executable again, which SELinux checks as execmod (the linker refuses text relocations by itself for apps targeting API level 23 and later). It was \(refused)."
            }
            let onHost = textRelocationOnHost(permissions, host: host).map { " " + $0 } ?? ""
            let modern = "with glibc 2.29 and later the loader makes its code segment writable and executable while relocating it, which SELinux checks as execmem"
            let old = "with glibc 2.28 and older it makes the code writable, then executable again, and SELinux checks executing modified file pages as execmod"
            switch (permissions.contains(.execmem), permissions.contains(.execmod)) {
            case (true, true):
                let outcome = differ ? "Each occurrence was denied one of them, and was \(refused)." : "Both were \(refused)."
                return "\(who) has text relocations: the loader must write into its code. \(modern.prefix(1).uppercased() + modern.dropFirst()); \(old). \(outcome)\(onHost)"
            case (false, true):
                return "\(who) was patched in memory (text relocations, or a loader that writes into code): \(old). It was \(refused).\(onHost)"
            default:
                return "\(who) has text relocations: \(modern). It was \(refused).\(onHost)"
            }
        case .codePatching:
            let who = firstCulprit ?? f.target.map(base) ?? "a library"
            return "\(who) was written to in memory and then made executable again, which SELinux checks as execmod; it was \(refused). No loader relocation explains the write (\(culprits.first?.detail ?? "the file has no text relocations")), so code in the process patched it: typically a packer or app protector unpacking or decrypting code, a hooking framework rewriting function entries (Frida, Xposed-style inline hooks), or an instrumentation tool or profiler inserting probes."
        case .rwxSegment:
            return "A segment of the program or a library is marked read-write-execute, so mapping it needs execmem, which was \(refused)."
        case .readImpliesExec:
            return whyReadImpliesExec(f, refused: refused, onHost: readImpliesExecOnHost(f, host: host))
        case .memfdDoubleMap:
            return "The program maps the same memfd or temporary file twice, writable and executable, to run generated code without execmem. SELinux checks the executable view on that file, and it was \(refused)."
        case .unknown:
            return "SELinux \(refused) \(permissions.sorted().map(\.name).joined(separator: " and ")), but the log does not say enough to tell why; see what would settle it below."
        }
    }

    /// The kernel gives a process READ_IMPLIES_EXEC at exec time from its executable's stack
    /// request (elf_read_implies_exec, arch/x86/include/asm/elf.h).
    static let readImpliesExecCondition = "On x86, kernels before 5.8 (RHEL 7 and 8, for example) set it for an executable whose PT_GNU_STACK is RWE or missing, 32- and 64-bit alike; since 5.8 only a 32-bit program without PT_GNU_STACK gets it."

    private static func whyReadImpliesExec(_ f: Finding, refused: String, onHost: ReadImpliesExecOnHost?) -> String {
        let effect: String
        if f.permissions.contains(.execute), let target = f.target {
            effect = "so mapping \(target) with PROT_READ made it executable, and SELinux checked execute on that file, which was \(refused)"
        } else {
            effect = "and ordinary allocations need execmem, which was \(refused)"
        }
        let cause: String
        if let onHost {
            let stack = onHost.fromStackHeader ? " The personality comes from the executable's stack request (its PT_GNU_STACK)." : ""
            return "The process runs with the READ_IMPLIES_EXEC personality: the kernel adds PROT_EXEC to every readable mapping, \(effect).\(stack) \(onHost.sentence)"
        } else if let c = f.culprits.first(where: { $0.reason == .gnuStackMissing || $0.reason == .gnuStackExecutable }) {
            let request = c.reason == .gnuStackMissing ? "has no PT_GNU_STACK header" : "has an executable (RWE) PT_GNU_STACK"
            cause = " The personality comes from the executable's stack request: \(named(c)) \(request)."
        } else {
            cause = " The personality comes from the executable's stack request (its PT_GNU_STACK)."
        }
        return "The process runs with the READ_IMPLIES_EXEC personality: the kernel adds PROT_EXEC to every readable mapping, \(effect).\(cause) \(readImpliesExecCondition)"
    }

    static func whyLoaderError(_ error: String, mechanism: Mechanism, culprits: [Culprit]) -> String {
        let who = culprits.first.map { base($0.path) } ?? "a library"
        if mechanism == .textRelocation {
            return "\(who) has text relocations: the loader wrote into its code to relocate it and then could not make that code executable again; the mprotect failed with \"\(error)\". Under SELinux that is the execmod denial that glibc 2.28 and older meet (newer glibc asks for execmem before writing)."
        }
        if error.hasPrefix("Invalid argument") {
            return "\(who) asks for an executable stack, and glibc refused to make the stack executable: since glibc 2.41, dlopen() of such a library fails with EINVAL instead of changing the stack (and glibc.rtld.execstack=0 refuses at start-up as well). SELinux is not involved and no AVC is logged."
        }
        return "\(who) asks for an executable stack, so ld.so called mprotect(PROT_EXEC|PROT_GROWSDOWN) on the stack, which failed with \"\(error)\". Under SELinux that is an execstack or execmem denial of the program's domain."
    }

    /// glibc ≥ 2.42 (and 2.41 with the backport) can make the stack executable at start-up,
    /// so a later dlopen() succeeds.
    /// `program`: the path the loader's message gave, when it gave one.
    static func execstackTunable(program: String?) -> Fix {
        Fix(kind: .configuration, text: "Stopgap for glibc 2.41 and later: start the program with the stack already executable, so the dlopen() succeeds (glibc 2.42, or 2.41 with the backport). Under SELinux that start-up mprotect then needs execstack and execmem.",
            commands: [ShellCommand(["GLIBC_TUNABLES=glibc.rtld.execstack=2", .path(program ?? "/path/to/program")]).rendered])
    }

    /// `family` decides which policy advice applies; `executable` and `tcontext` name what a
    /// device-policy rule or a rebuild is about.
    static func fixes(mechanism: Mechanism, permissions: Set<Permission>, culprits: [Culprit], booleans: [PolicyBoolean], domain: String?,
                      family: PolicyBoolean.Family? = nil, executable: String? = nil, tcontext: String? = nil,
                      readImpliesExec onHost: ReadImpliesExecOnHost? = nil, changes: BooleanChanges = BooleanChanges()) -> [Fix] {
        remedies(mechanism: mechanism, permissions: permissions, culprits: culprits, family: family, executable: executable, readImpliesExec: onHost)
            + policyFixes(permissions: permissions, booleans: booleans, domain: domain, family: family, tcontext: tcontext, changes: changes)
    }

    /// The fixes of the program and its objects (rebuild, stopgap, configuration), safest first:
    /// what `fixes` gives before the policy's last resort.
    static func remedies(mechanism: Mechanism, permissions: Set<Permission>, culprits: [Culprit], family: PolicyBoolean.Family?,
                         executable: String?, readImpliesExec onHost: ReadImpliesExecOnHost?) -> [Fix] {
        var out: [Fix] = []
        let stackCulprits = culprits.filter { $0.reason == .gnuStackExecutable || $0.reason == .gnuStackMissing }
        if mechanism == .readImpliesExec {
            out += readImpliesExecFixes(stackCulprits, executable: executable, onHost: onHost)
        } else if !stackCulprits.isEmpty {
            let names = stackCulprits.map { base($0.path) }.joined(separator: ", ")
            out.append(Fix(kind: .rebuild, text: "Rebuild \(names) without an executable stack: link with -Wl,-z,noexecstack, and give each assembly source the line .section .note.GNU-stack,\"\",@progbits (or assemble with -Wa,--noexecstack). GNU ld 2.39 and later names the object: \"missing .note.GNU-stack section implies executable stack\".", commands: []))
            out.append(Fix(kind: .stopgap, text: "On the affected host, clear the flag in the installed file (patchelf 0.18 or later, or prelink's execstack). Safe unless the code really runs on the stack, as GCC nested-function trampolines do; a package update will undo it.",
                           commands: stackCulprits.map { ShellCommand(["patchelf", "--clear-execstack", .path($0.path)]).rendered }
                               + stackCulprits.map { ShellCommand(["execstack", "-c", .path($0.path)]).rendered }))
        }
        if stackCulprits.isEmpty, mechanism == .loaderExecStack || mechanism == .threadStackExec {
            out.append(Fix(kind: .rebuild, text: "Find the object that asks for an executable stack (scanelf -qeR over the program's library directories lists every one) and rebuild it with -Wl,-z,noexecstack; in assembly sources add .section .note.GNU-stack,\"\",@progbits. Until then, patchelf --clear-execstack on that file is the stopgap.", commands: []))
        }
        // The file an execmod denial names is the one patched in memory: the one to rebuild or label.
        let textrel = culprits.filter { $0.reason == .textRelocations || $0.reason == .deniedFile }
        if mechanism == .textRelocation {
            out += textRelocationFixes(textrel, permissions: permissions, android: family == .android)
        }
        if mechanism == .codePatching {
            let victim = textrel.first.map(named) ?? "the library"
            out.append(Fix(kind: .configuration, text: "Find what patches the code of \(victim) in this process and remove or reconfigure it: a packer or app protector (choose a mode that does not rewrite code, or ship unpacked), a hooking framework (Frida, Xposed-style inline hooks, LD_PRELOAD hook libraries), or an instrumentation tool or profiler that rewrites function entries. Rebuilding \(victim) would not help: the write does not come from its relocations.", commands: []))
        }
        if mechanism == .rwxSegment {
            out.append(Fix(kind: .rebuild, text: "Relink so no PT_LOAD segment is both writable and executable (drop -N/--omagic and custom linker scripts that merge .text and .data); GNU ld warns \"has a LOAD segment with RWX permissions\".", commands: []))
        }
        let jits = culprits.filter { $0.reason == .jitLibrary }
        if [.jitRWXMapping, .jitWXFlip, .heapExec, .memfdDoubleMap].contains(mechanism) {
            if jits.isEmpty {
                out.append(Fix(kind: .configuration, text: "Find the code generator: no known JIT library is in the DT_NEEDED closure, so it is built into the program or loaded with dlopen(). Look for a switch that disables JIT compilation in its documentation.", commands: []))
            } else {
                for j in jits {
                    guard let component = j.jit else { continue }
                    out.append(Fix(kind: .configuration, text: "Turn off run-time code generation in \(component.name) (\(base(j.path))): \(component.offSwitch).", commands: []))
                }
            }
        }
        return out
    }

    /// The policy's last resort, after `remedies`: a device-policy rule on Android, else the
    /// booleans to change (or the note that they already allow it).
    static func policyFixes(permissions: Set<Permission>, booleans: [PolicyBoolean], domain: String?, family: PolicyBoolean.Family?,
                            tcontext: String?, changes: BooleanChanges) -> [Fix] {
        var out: [Fix] = []
        if family == .android {
            if let rule = devicePolicyFix(permissions: permissions, domain: domain, tcontext: tcontext) { out.append(rule) }
            return out
        }
        if !booleans.isEmpty {
            let weak = "this weakens the whole domain\(domain.map { " (\($0))" } ?? ""): every program in it may then create executable memory, which is what exploits need."
            let fedora = booleans.filter { $0.family == .fedora }
            let refpolicy = booleans.filter { $0.family == .refpolicy }
            // Service booleans often have the same name in both families: say it once.
            let groups: [(String, [PolicyBoolean])] = fedora.map(\.command) == refpolicy.map(\.command)
                ? [("Fedora/RHEL and the reference policy", fedora)]
                : [("Fedora/RHEL", fedora), ("the reference policy (Debian, Gentoo, Arch)", refpolicy)]
            let caveat = PolicyKnowledge.caveat(for: booleans, domain: domain)
            for (label, list) in groups where !list.isEmpty {
                let notes = Set(list.compactMap(\.note)).sorted() + [caveat].compactMap { $0 }
                let now = list.compactMap { b in b.current.map { "\(b.name) is \($0 ? "on" : "off") now" } }
                if let allowed = alreadyAllowed(list, label: label, changes: changes) {
                    out.append(allowed)
                    continue
                }
                let state = now.isEmpty ? "" : " (" + now.joined(separator: ", ") + ")"
                // With the values known, only the booleans still in the way are to be changed.
                let toChange = list.filter { $0.current != $0.allowingValue }
                out.append(Fix(kind: .policy, text: "Last resort, on \(label)\(state): \(weak)\(notes.isEmpty ? "" : " Note: " + notes.joined(separator: "; ") + ".")",
                               commands: toChange.map(\.command)))
            }
        }
        return out
    }

    /// The kernel reads only the executable's PT_GNU_STACK; patchelf can clear an RWE one but
    /// cannot add a missing one.
    private static func readImpliesExecFixes(_ stackCulprits: [Culprit], executable: String?, onHost: ReadImpliesExecOnHost?) -> [Fix] {
        let exe = stackCulprits.first.map(named) ?? executable.map { "the executable \(base($0))" } ?? "the executable"
        if let onHost, !onHost.fromStackHeader { return [personalityCallFix(exe, onHost)] }
        var out = [Fix(kind: .rebuild, text: "Rebuild \(exe) with -z noexecstack (gcc -Wl,-z,noexecstack), so its PT_GNU_STACK has no PF_X: the kernel then starts it without READ_IMPLIES_EXEC. \(onHost?.sentence ?? readImpliesExecCondition)", commands: [])]
        let rwe = stackCulprits.filter { $0.reason == .gnuStackExecutable }
        if !rwe.isEmpty {
            out.append(Fix(kind: .stopgap, text: "On the affected host, clear the flag in the installed file (patchelf 0.18 or later, or prelink's execstack); a package update will undo it.",
                           commands: rwe.map { ShellCommand(["patchelf", "--clear-execstack", .path($0.path)]).rendered }))
        }
        return out
    }

    private static func textRelocationFixes(_ textrel: [Culprit], permissions: Set<Permission>, android: Bool) -> [Fix] {
        var out: [Fix] = []
        let executables = textrel.filter { $0.objectKind == .executable }
        let libraries = textrel.filter { $0.objectKind != .executable }
        if textrel.isEmpty {
            out.append(Fix(kind: .rebuild, text: "Find the object with text relocations (scanelf -qtR over the program's directories lists each one) and rebuild it as position-independent code (-fPIC for every object of a library, -fPIE and -pie for an executable).", commands: []))
        }
        if !libraries.isEmpty {
            let names = libraries.map { base($0.path) }.joined(separator: ", ")
            out.append(Fix(kind: .rebuild, text: "Rebuild \(names) as position-independent code (-fPIC for every object; in assembly, reach symbols through the GOT or RIP-relative addressing). The linker warns \"creating DT_TEXTREL in a shared object\"; scanelf -T names the offending code.", commands: []))
        }
        for exe in executables {
            out.append(Fix(kind: .rebuild, text: "Rebuild the executable \(base(exe.path)) as position-independent code (-fPIE for every object, linked with -pie; in assembly, reach symbols RIP-relative or through the GOT). scanelf -T names the code that needs text relocations.", commands: []))
        }
        // A label is a per-file exception for libraries; Android's labels come with the image.
        if permissions.contains(.execmod), !android, !libraries.isEmpty {
            out.append(Fix(kind: .policy, text: "Allow execmod for this one file rather than a whole domain (Fedora/RHEL): label it textrel_shlib_t. This does not help the execmem check of newer glibc.",
                           commands: libraries.map(\.path).flatMap {
                               [ShellCommand(["semanage", "fcontext", "-a", "-t", "textrel_shlib_t", .value(fileContextPattern($0))]).rendered,
                                ShellCommand(["restorecon", "-v", .path($0)]).rendered]
                           }))
        }
        return out
    }

    /// Android has no booleans: the policy is compiled into the image, so the last resort is
    /// a rule in the device's or vendor's sepolicy.
    private static func devicePolicyFix(permissions: Set<Permission>, domain: String?, tcontext: String?) -> Fix? {
        guard let domain else { return nil }
        var process = [Permission.execheap, .execstack, .execmem].filter(permissions.contains)
        // execstack is followed by an execmem check.
        if process.contains(.execstack), !process.contains(.execmem) { process.append(.execmem) }
        let file = [Permission.execute, .execmod].filter(permissions.contains)
        let fileType = tcontext.flatMap { c -> String? in
            let parts = c.split(separator: ":")
            return parts.count >= 3 ? String(parts[2]) : nil
        }
        func set(_ p: [Permission]) -> String { p.count == 1 ? p[0].name : "{ " + p.map(\.name).joined(separator: " ") + " }" }
        var rules: [String] = []
        if !process.isEmpty { rules.append("allow \(domain) self:process \(set(process));") }
        if !file.isEmpty, let fileType { rules.append("allow \(domain) \(fileType):file \(set(file));") }
        guard !rules.isEmpty else { return nil }
        let quoted = rules.map { "\"\($0)\"" }.joined(separator: " and ")
        return Fix(kind: .policy, text: "Last resort, in the device or vendor sepolicy (built into the image, so it needs a new build), add \(quoted). Every process in \(domain) could then do the same, which is what exploits need, and AOSP's neverallow rules forbid these permissions for most domains, app domains among them, so such a rule may not even build or pass CTS.", commands: [])
    }

    /// `semanage fcontext` takes a regular expression (matched whole against the path): the
    /// path's metacharacters are escaped so it names this one file, whatever characters it holds,
    /// and so is a leading `-`, which semanage would otherwise read as an option.
    static func fileContextPattern(_ path: String) -> String {
        var out = ""
        for c in path {
            if #"\.^$*+?()[]{}|"#.contains(c) || (out.isEmpty && c == "-") { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static func base(_ path: String) -> String { path.lastPathComponent }

    /// The `comm` the kernel gives a program started from `path`: its file name cut to 15 bytes
    /// (TASK_COMM_LEN less the NUL), which is what `ausearch -c` compares with.
    static func comm(of path: String) -> String {
        var name = Array(base(path).utf8.prefix(15))
        while !name.isEmpty, String(validating: name, as: UTF8.self) == nil { name.removeLast() }
        return String(decoding: name, as: UTF8.self)
    }
}
