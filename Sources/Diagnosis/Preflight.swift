import AuditEvents
import ELFLoader

/// Why a file will need an exec* permission, before anything is denied.
public struct PreflightReason: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case gnuStackExecutable = "gnu-stack-rwe"
        case gnuStackMissing = "gnu-stack-missing"
        case objectWithoutStackNote = "object-no-stack-note"
        case objectExecutableStackNote = "object-exec-stack-note"
        case closureExecStack = "closure-exec-stack"
        case textRelocations = "textrel"
        case rwxSegment = "rwx-load-segment"
        case jitLibrary = "jit-library"
    }

    public var kind: Kind
    public var permissions: [Permission]
    public var detail: String
    /// For closure findings: the executable down to the library.
    public var chain: [String] = []
    /// False for what only may happen (a JIT library that can fall back to an interpreter).
    public var certain = true
}

/// One ELF file's verdict.
public struct PreflightVerdict: Sendable {
    public var path: String
    public var type: String
    public var machine: String
    public var reasons: [PreflightReason]

    public var permissions: [Permission] {
        Mechanism.checkOrder.filter { p in reasons.contains { $0.certain && $0.permissions.contains(p) } }
    }
    public var isFlagged: Bool { reasons.contains(where: \.certain) }
}

/// `avc-explain check`: what a binary or library will ask SELinux for, read from its ELF
/// headers and its load closure, without running it.
public enum Preflight {
    /// Nil for files that are not ELF. Throws for files that cannot be opened or read, and for
    /// ELF files whose headers cannot be parsed: either way nothing can be said about them.
    public static func inspect(_ walked: WalkedFile, loader: LoaderSearch, parsed: inout ELFCache) throws -> PreflightVerdict? {
        let path = walked.path
        let file: FileBytes
        do { file = try loader.root.open(walked) } catch { throw ELFError("cannot open: \(error)") }
        // A short file is simply not ELF; no bytes at all (nil) is a read error.
        guard let magic = file.readAvailable(at: 0, max: 4) else { throw ELFError("cannot read the file") }
        guard magic == [0x7f, 0x45, 0x4c, 0x46] else { return nil }
        let elf: ELFFile
        do { elf = try ELFFile(file) } catch { throw ELFError("malformed ELF: \(error)") }
        let machine = Machine(of: elf)
        var reasons: [PreflightReason] = []
        let isExecutable = elf.interpreter != nil
        switch elf.type {
        case 1:
            reasons += objectReasons(elf, file)
        case 2, 3:
            reasons += stackReasons(elf, machine: machine, isExecutable: isExecutable)
            if elf.dynamic?.textRelocations == true {
                reasons.append(PreflightReason(kind: .textRelocations, permissions: [.execmem, .execmod],
                                               detail: "has text relocations: glibc ≥ 2.29 makes its code writable and executable while relocating (execmem), older glibc needs execmod"))
            }
            let rwx = elf.writableExecutableSegments.count
            if rwx > 0 {
                reasons.append(PreflightReason(kind: .rwxSegment, permissions: [.execmem],
                                               detail: "has \(rwx) read-write-execute PT_LOAD segment\(rwx == 1 ? "" : "s")"))
            }
            if isExecutable { reasons += closureReasons(path, loader: loader, parsed: &parsed) }
        default:
            break
        }
        return PreflightVerdict(path: path, type: typeName(elf.type, isExecutable: isExecutable), machine: machine.name, reasons: reasons)
    }

    private static func stackReasons(_ elf: ELFFile, machine: Machine, isExecutable: Bool) -> [PreflightReason] {
        switch StackRequest(elf) {
        case .notExecutable:
            return []
        case .executable:
            return [PreflightReason(kind: .gnuStackExecutable, permissions: isExecutable ? [.execmem] : [.execstack, .execmem],
                                    detail: isExecutable
                                        ? "PT_GNU_STACK is RWE: the kernel gives it an executable stack and glibc maps every thread stack RWX (execmem)"
                                        : "PT_GNU_STACK is RWE: loading it makes ld.so turn the stack executable (execstack, then execmem)")]
        case .missing:
            return [PreflightReason(kind: .gnuStackMissing, permissions: isExecutable ? [.execmem] : [.execstack, .execmem],
                                    detail: isExecutable
                                        ? "no PT_GNU_STACK: glibc's default on \(machine.name) is an executable stack, so every thread stack is mapped RWX (execmem)"
                                        : "no PT_GNU_STACK: on \(machine.name) ld.so treats that as a request for an executable stack (execstack, then execmem)")]
        }
    }

    /// Relocatable objects carry the request in their `.note.GNU-stack` section, which GNU ld
    /// combines into the output's PT_GNU_STACK.
    private static func objectReasons(_ elf: ELFFile, _ file: ByteSource) -> [PreflightReason] {
        guard let sections = try? elf.sections(file) else { return [] }
        guard let note = sections.first(where: { $0.name == ".note.GNU-stack" }) else {
            // Where the ABI's default stack is not executable (aarch64, ppc64), a missing note asks for nothing.
            guard Machine(of: elf).stackExecutableByDefault else { return [] }
            return [PreflightReason(kind: .objectWithoutStackNote, permissions: [.execstack, .execmem],
                                    detail: "object file without .note.GNU-stack: GNU ld will mark whatever it is linked into as needing an executable stack")]
        }
        guard note.flags & 0x4 != 0 else { return [] }
        return [PreflightReason(kind: .objectExecutableStackNote, permissions: [.execstack, .execmem],
                                detail: "object file whose .note.GNU-stack is executable (GCC nested-function trampolines): the linked output will need an executable stack")]
    }

    private static func closureReasons(_ path: String, loader: LoaderSearch, parsed: inout ELFCache) -> [PreflightReason] {
        guard let closure = try? loader.closure(executable: path, parsed: &parsed) else { return [] }
        var out: [PreflightReason] = []
        for i in closure.objects.indices.dropFirst() {
            let object = closure.objects[i]
            let chain = closure.chain(to: i).map(\.realPath)
            if StackRequest(object.elf).asksForExecutableStack {
                out.append(PreflightReason(kind: .closureExecStack, permissions: [.execstack, .execmem],
                                           detail: "at start-up ld.so makes the stack executable for \(object.neededName) (execstack, then execmem), and thread stacks become RWX",
                                           chain: chain))
            }
            if object.elf.dynamic?.textRelocations == true {
                out.append(PreflightReason(kind: .textRelocations, permissions: [.execmem, .execmod],
                                           detail: "\(object.neededName) has text relocations, relocated at start-up", chain: chain))
            }
        }
        for (i, object) in closure.objects.enumerated() {
            guard let jit = JITFingerprints.byName(object) else { continue }
            out.append(PreflightReason(kind: .jitLibrary, permissions: [.execmem],
                                       detail: "\(jit.component.name) (\(jit.clue)) may ask for executable memory at run time; \(jit.component.offSwitch)",
                                       chain: closure.chain(to: i).map(\.realPath), certain: false))
        }
        return out
    }

    private static func typeName(_ type: UInt16, isExecutable: Bool) -> String {
        switch type {
        case 1: return "object"
        case 2: return "executable"
        case 3: return isExecutable ? "executable" : "shared-object"
        case 4: return "core"
        default: return "type \(type)"
        }
    }
}
