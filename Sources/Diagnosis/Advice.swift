/// One remedy, ranked by how much it weakens the system (safest first).
public struct Fix: Sendable, Equatable {
    public enum Kind: String, Sendable { case rebuild, stopgap, configuration, policy }

    public var kind: Kind
    public var text: String
    public var commands: [String]
}

/// The plain-words explanation and the ranked fixes for a finding.
enum Advice {
    static func why(mechanism: Mechanism, permissions: Set<String>, blocked: Bool, culprits: [Culprit]) -> String {
        let refused = blocked ? "refused" : "logged as denied (permissive mode, so it was allowed)"
        let firstCulprit = culprits.first.map { base($0.path) }
        switch mechanism {
        case .loaderExecStack:
            let who = firstCulprit.map { "\($0), which asks for an executable stack" } ?? "a library that asks for an executable stack"
            let check: String
            switch (permissions.contains("execstack"), permissions.contains("execmem")) {
            case (true, true): check = "SELinux checks that as execstack and then as execmem; both were \(refused)"
            case (true, false): check = "SELinux checks that as execstack, which was \(refused)"
            default: check = "SELinux checks that as execstack and then as execmem; execstack was allowed and execmem was \(refused)"
            }
            let effect = blocked ? " The program then stops with \"cannot enable executable stack as shared object requires: Permission denied\"." : ""
            return "While loading \(who), the dynamic loader (ld.so) called mprotect(PROT_EXEC|PROT_GROWSDOWN) to make the main stack executable. \(check).\(effect)"
        case .threadStackExec:
            let who = firstCulprit.map { "\($0) asks for an executable stack" } ?? "the program or one of its libraries asks for an executable stack"
            let effect = blocked ? " pthread_create then fails with EAGAIN or EACCES, so the program may stall rather than exit." : ""
            return "Because \(who), glibc makes every new thread's stack read-write-execute. Thread stacks are anonymous memory, so SELinux checks execmem, which was \(refused).\(effect)"
        case .jitRWXMapping:
            return "The program mapped anonymous memory readable, writable and executable at once, which is what a JIT compiler or runtime code generator does. SELinux checks that as execmem, which was \(refused)."
        case .jitWXFlip:
            return "The program wrote code into anonymous memory and then made it executable (a W^X JIT). Making any anonymous memory executable is execmem to SELinux, even without write access, and it was \(refused)."
        case .heapExec:
            return "The program asked to make part of its brk heap (malloc'd memory) executable. SELinux checks that as execheap, which was \(refused); no correct program needs it."
        case .textRelocation:
            let who = firstCulprit ?? "a library"
            let modern = "with glibc 2.29 and later the loader makes its code segment writable and executable while relocating it, which SELinux checks as execmem"
            let old = "with glibc 2.28 and older it makes the code writable, then executable again, and SELinux checks executing modified file pages as execmod"
            switch (permissions.contains("execmem"), permissions.contains("execmod")) {
            case (true, true):
                return "\(who) has text relocations: the loader must write into its code. \(modern.prefix(1).uppercased() + modern.dropFirst()); \(old). Both were \(refused)."
            case (false, true):
                return "\(who) was patched in memory (text relocations, or a loader that writes into code): \(old). It was \(refused)."
            default:
                return "\(who) has text relocations: \(modern). It was \(refused)."
            }
        case .rwxSegment:
            return "A segment of the program or a library is marked read-write-execute, so mapping it needs execmem, which was \(refused)."
        case .readImpliesExec:
            return "The process runs with the READ_IMPLIES_EXEC personality, so every readable mapping is made executable too, and ordinary allocations need execmem, which was \(refused)."
        case .memfdDoubleMap:
            return "The program maps the same memfd or temporary file twice, writable and executable, to run generated code without execmem. SELinux checks the executable view on that file, and it was \(refused)."
        case .unknown:
            return "SELinux \(refused) \(permissions.sorted().joined(separator: " and ")), but the log does not say enough to tell why; see what would settle it below."
        }
    }

    static func whyLoaderError(_ error: String, culprits: [Culprit]) -> String {
        let who = culprits.first.map { base($0.path) } ?? "a library"
        if error.hasPrefix("Invalid argument") {
            return "\(who) asks for an executable stack, and glibc refused to make the stack executable: since glibc 2.41, dlopen() of such a library fails with EINVAL instead of changing the stack (and glibc.rtld.execstack=0 refuses at start-up as well). SELinux is not involved and no AVC is logged."
        }
        return "\(who) asks for an executable stack, so ld.so called mprotect(PROT_EXEC|PROT_GROWSDOWN) on the stack, which failed with \"\(error)\". Under SELinux that is an execstack or execmem denial of the program's domain."
    }

    /// glibc ≥ 2.42 (and 2.41 with the backport) can make the stack executable at start-up,
    /// so a later dlopen() succeeds.
    static let execstackTunable = Fix(kind: .configuration, text: "Stopgap for glibc 2.41 and later: start the program with the stack already executable, so the dlopen() succeeds (glibc 2.42, or 2.41 with the backport). Under SELinux that start-up mprotect then needs execstack and execmem.",
                                      commands: [ShellCommand(["GLIBC_TUNABLES=glibc.rtld.execstack=2", .path("/path/to/program")]).rendered])

    static func fixes(mechanism: Mechanism, permissions: Set<String>, culprits: [Culprit], booleans: [PolicyBoolean], domain: String?) -> [Fix] {
        var out: [Fix] = []
        let stackCulprits = culprits.filter { $0.reason == .gnuStackExecutable || $0.reason == .gnuStackMissing }
        if !stackCulprits.isEmpty {
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
            let names = textrel.isEmpty ? "the library" : textrel.map { base($0.path) }.joined(separator: ", ")
            out.append(Fix(kind: .rebuild, text: "Rebuild \(names) as position-independent code (-fPIC for every object; in assembly, reach symbols through the GOT or RIP-relative addressing). The linker warns \"creating DT_TEXTREL in a shared object\"; scanelf -T names the offending code.", commands: []))
            if permissions.contains("execmod") {
                out.append(Fix(kind: .policy, text: "Allow execmod for this one file rather than a whole domain (Fedora/RHEL): label it textrel_shlib_t. This does not help the execmem check of newer glibc.",
                           commands: (textrel.isEmpty ? ["/path/to/library.so"] : textrel.map(\.path)).flatMap {
                               [ShellCommand(["semanage", "fcontext", "-a", "-t", "textrel_shlib_t", .value(fileContextPattern($0))]).rendered,
                                ShellCommand(["restorecon", "-v", .path($0)]).rendered]
                           }))
            }
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
        if mechanism == .readImpliesExec {
            out.append(Fix(kind: .rebuild, text: "Give the program a PT_GNU_STACK header without PF_X (link with -Wl,-z,noexecstack); 32-bit programs without one get READ_IMPLIES_EXEC from the kernel.", commands: []))
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
                let state = now.isEmpty ? "" : " (" + now.joined(separator: ", ") + ")"
                out.append(Fix(kind: .policy, text: "Last resort, on \(label)\(state): \(weak)\(notes.isEmpty ? "" : " Note: " + notes.joined(separator: "; ") + ".")",
                               commands: list.map(\.command)))
            }
        }
        return out
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

    static func base(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
}
