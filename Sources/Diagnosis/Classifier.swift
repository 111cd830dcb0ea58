import AuditEvents

/// The mechanism behind one event's exec* denial, and the facts that decided it.
public struct Classification: Sendable, Equatable {
    public var mechanism: Mechanism
    /// Why this mechanism: each line one fact from the records or the ELF files.
    public var evidence: [String]
    /// For `unknown`, or a weak conclusion: what would settle it.
    public var evidenceNeeded: [String]
}

/// Maps (permissions, syscall arguments, ELF facts) to a mechanism, following the kernel's
/// checks in security/selinux/hooks.c and glibc's loader. Pure: no I/O.
public enum Classifier {
    /// Thread stacks are at least this large (glibc's minimum is PTHREAD_STACK_MIN, 16 KiB;
    /// the default is RLIMIT_STACK, typically 8 MiB).
    static let threadStackMinimum: UInt64 = 0x10000
    /// The loader's stack mprotect covers one page: 4 KiB, or 64 KiB on some aarch64 and ppc64le kernels.
    static let pageSizes: Set<UInt64> = [0x1000, 0x10000]
    /// The personality bit (include/uapi/linux/personality.h) that makes PROT_READ imply PROT_EXEC.
    static let readImpliesExec: UInt64 = 0x0400000

    /// An mmap or mprotect that asked for no PROT_EXEC, from a process with READ_IMPLIES_EXEC
    /// or not known to lack it (`ausearch -i` writes per=400000 as PER_LINUX, dropping the flag):
    /// an `execute` denial of such a call can only come from the personality.
    static func impliedExecute(_ syscall: Syscall) -> (call: String, prot: UInt64)? {
        let call = MemoryCall(syscall)
        guard call.kind == .mmap || call.kind == .mprotect, let prot = call.prot, prot & Prot.exec == 0 else { return nil }
        return (call.name, prot)
    }

    /// `target`: what the file an execmod denial names is; `android`: the records are Android's.
    static func classify(permissions: Set<Permission>, syscall: Syscall?, mmap: MmapRecord?,
                         targetPath: String?, facts: ProgramFacts?,
                         target: DeniedFile? = nil, android: Bool = false) -> Classification {
        classify(permissions: permissions, syscall: syscall, call: syscall.map(MemoryCall.init), mmap: mmap,
                 targetPath: targetPath, facts: facts, target: target, android: android)
    }

    /// The same, with the syscall's `MemoryCall` already read (decoding its fields again cost as
    /// much as the rest of the classification).
    static func classify(permissions: Set<Permission>, syscall: Syscall?, call: MemoryCall?, mmap: MmapRecord?,
                         targetPath: String?, facts: ProgramFacts?,
                         target: DeniedFile?, android: Bool) -> Classification {
        var evidence: [String] = []
        func result(_ m: Mechanism, _ needed: [String] = []) -> Classification {
            Classification(mechanism: m, evidence: evidence, evidenceNeeded: needed)
        }

        let personality = syscall?.personality.map { $0 & readImpliesExec != 0 } ?? false
        if personality, let per = syscall?.personality {
            evidence.append("per=\(String(per, radix: 16)) in the SYSCALL record: the READ_IMPLIES_EXEC personality is set")
        }
        let implied = permissions.contains(.execute) ? syscall.flatMap(impliedExecute) : nil
        if let implied {
            let file = targetPath.map { " of \($0)" } ?? ""
            evidence.append("\(implied.call)\(file) asked for \(Prot.describe(implied.prot)) only; yet SELinux checked execute on the file: only the READ_IMPLIES_EXEC personality adds PROT_EXEC (the record shows the requested protection, not the effective one)")
        }
        if personality || implied != nil { return result(.readImpliesExec) }
        if let path = targetPath, path.hasPrefix("/memfd:") || path.contains("/orcexec.") || path.hasPrefix("/dev/shm/") {
            evidence.append("the denied object is \(path), a memfd or temporary file mapped for code")
            return result(.memfdDoubleMap)
        }
        if permissions.contains(.execheap) {
            evidence.append("execheap is only checked for memory inside the brk heap")
            return result(.heapExec)
        }
        if permissions.contains(.execmod) {
            evidence.append("execmod is checked when a private file mapping that was written to is made executable")
            if let path = targetPath { evidence.append("the file is \(path)") }
            if let target, target.wasPatched {
                evidence.append("\(targetPath ?? "the file") \(target.detail): something else wrote into its code in memory")
                return result(.codePatching)
            }
            return result(.textRelocation)
        }

        guard let syscall, let call else {
            return classifyWithoutSyscall(permissions, facts: facts, android: android, evidence: &evidence)
        }
        switch call.kind {
        case .mprotect:
            guard let prot = call.prot else { return result(.unknown, ["the SYSCALL record's a2 (protection) was missing"]) }
            if prot & Prot.growsDown != 0, prot & Prot.exec != 0 {
                evidence.append("a2=0x\(String(prot, radix: 16)) asks for PROT_EXEC|PROT_GROWSDOWN: glibc's _dl_make_stack_executable() is the caller that does this")
                return result(.loaderExecStack)
            }
            if permissions.contains(.execstack) {
                evidence.append("execstack is checked for the VMA holding the current thread's stack")
                if syscall.interpreted {
                    evidence.append("read from `ausearch -i` output, which drops PROT_GROWSDOWN from a2, so the loader's marker cannot be seen")
                    return result(.loaderExecStack, ["the raw record (ausearch --raw) shows whether a2 had PROT_GROWSDOWN (0x1000007)"])
                }
                return result(.loaderExecStack, ["a2 lacks PROT_GROWSDOWN, so this may be the program's own mprotect of its stack rather than ld.so"])
            }
            if prot & Prot.exec != 0, prot & Prot.write == 0 {
                evidence.append("mprotect to \(Prot.describe(prot)) denied as execmem: the memory is anonymous (a file mapping without PROT_WRITE is not an execmem check)")
                return result(.jitWXFlip)
            }
            if prot & (Prot.exec | Prot.write) == Prot.exec | Prot.write {
                if syscall.interpreted, let length = call.length, pageSizes.contains(length),
                   facts.map({ !$0.execStackLibraries.isEmpty }) ?? true {
                    evidence.append("mprotect(PROT_READ|PROT_WRITE|PROT_EXEC) of one page, read from `ausearch -i` output, which drops PROT_GROWSDOWN: most likely glibc's _dl_make_stack_executable()")
                    return result(.loaderExecStack, ["the raw record (ausearch --raw) shows whether a2 had PROT_GROWSDOWN (0x1000007)"])
                }
                return classifyRWXProtect(length: call.length ?? 0, facts: facts, evidence: &evidence)
            }
            return result(.unknown, ["a2=0x\(String(prot, radix: 16)) has no PROT_EXEC; check whether the process has the READ_IMPLIES_EXEC personality (/proc/PID/personality)"])
        case .mmap:
            guard let prot = call.prot, let flags = call.flags else {
                return result(.unknown, ["on \(syscall.machine ?? "this architecture") \(call.name) passes its arguments in memory, so the protection and flags are not in the log; run the program under strace -e trace=mmap,mprotect to see them"])
            }
            if flags & MapFlags.anonymous != 0 {
                if flags & MapFlags.stack != 0 {
                    evidence.append("anonymous mmap with MAP_STACK and \(Prot.describe(prot)): glibc ≥ 2.42 maps thread stacks this way")
                    return result(.threadStackExec)
                }
                evidence.append("anonymous mmap with \(Prot.describe(prot)) (\(MapFlags.describe(flags))): memory for generated code")
                return result(.jitRWXMapping)
            }
            if prot & (Prot.exec | Prot.write) == Prot.exec | Prot.write {
                let source = mmap.map { " (MMAP record: fd=\($0.fd.map(String.init) ?? "?"))" } ?? ""
                evidence.append("private file mapping with \(Prot.describe(prot))\(source): ld.so maps a PT_LOAD segment this way when it is read-write-execute")
                return result(.rwxSegment)
            }
            return result(.unknown, ["mmap of a file with \(Prot.describe(prot)) was denied execmem; an MMAP record and the file's path would settle which object it was"])
        case .execve:
            evidence.append("denied during execve: the kernel maps the program's segments, so one is read-write-execute")
            return result(.rwxSegment)
        case .shmat:
            evidence.append("shmat with SHM_EXEC: SysV shared memory is anonymous to SELinux")
            return result(.jitRWXMapping)
        case .other:
            return result(.unknown, ["the denial came from \(call.name), not from mmap or mprotect; the PROCTITLE and the program's documentation may say why it needs executable memory"])
        }
    }

    /// mprotect(RWX) over anonymous memory or a library's code: thread stacks under an
    /// executable-stack belief, or glibc ≥ 2.29 making a TEXTREL segment writable. The ELF decides.
    private static func classifyRWXProtect(length: UInt64, facts: ProgramFacts?, evidence: inout [String]) -> Classification {
        let stackSized = length >= threadStackMinimum
        let sizeText = "mprotect(PROT_READ|PROT_WRITE|PROT_EXEC) over \(length) bytes"
        if let facts {
            let stacks = facts.threadStacksExecutable
            let textrel = !facts.textRelocationObjects.isEmpty
            if stacks && (stackSized || !textrel) {
                evidence.append("\(sizeText): glibc sets up each new thread's stack this way when it believes the stack must be executable")
                return Classification(mechanism: .threadStackExec, evidence: evidence, evidenceNeeded: [])
            }
            if textrel {
                evidence.append("\(sizeText): glibc ≥ 2.29 makes a TEXTREL object's code writable this way while relocating it")
                return Classification(mechanism: .textRelocation, evidence: evidence, evidenceNeeded: [])
            }
            evidence.append("\(sizeText), but no object in the DT_NEEDED closure asks for an executable stack or has text relocations")
            return Classification(mechanism: stackSized ? .threadStackExec : .unknown, evidence: evidence, evidenceNeeded: [
                "a library loaded with dlopen() may ask for an executable stack: look for it in /proc/PID/maps while the program runs, or run it with LD_DEBUG=libs",
            ])
        }
        if length == 0x800000 {
            evidence.append("\(sizeText) — exactly 8 MiB, glibc's default thread stack size")
            return Classification(mechanism: .threadStackExec, evidence: evidence, evidenceNeeded: ["the executable, to name the object that asks for an executable stack"])
        }
        evidence.append(sizeText)
        return Classification(mechanism: .unknown, evidence: evidence, evidenceNeeded: [
            "the executable and its libraries: an executable-stack request means thread stacks, a TEXTREL library means relocation",
        ])
    }

    /// Systems with `-a task,never` log the AVC alone; the permission still narrows the cause.
    private static func classifyWithoutSyscall(_ permissions: Set<Permission>, facts: ProgramFacts?, android: Bool, evidence: inout [String]) -> Classification {
        let needed: [String]
        if android {
            evidence.append("no SYSCALL record (type=1300) beside the AVC")
            needed = ["the SYSCALL record (type=1300) of the same audit(…) stamp: look for it next to the AVC in the full kernel log (adb shell dmesg, or adb logcat -b all)"]
        } else {
            evidence.append("no SYSCALL record: syscall auditing is off (an `-a task,never` rule, as Fedora ships by default)")
            needed = ["the SYSCALL record: remove the `-a task,never` rule (e.g. /etc/audit/rules.d/10-no-audit.rules), run `augenrules --load`, and reproduce"]
        }
        if permissions.contains(.execstack) {
            evidence.append("execstack is checked when the current thread's stack is made executable, which ld.so does for a library that asks for it")
            return Classification(mechanism: .loaderExecStack, evidence: evidence, evidenceNeeded: needed)
        }
        if let facts, facts.threadStacksExecutable {
            evidence.append("the program's closure asks for an executable stack, so glibc makes each thread stack executable")
            return Classification(mechanism: .threadStackExec, evidence: evidence, evidenceNeeded: needed)
        }
        return Classification(mechanism: .unknown, evidence: evidence, evidenceNeeded: needed)
    }
}
