import AuditEvents

/// mmap/mprotect constants from the kernel's uapi headers (asm-generic/mman-common.h).
enum Prot {
    static let read: UInt64 = 0x1, write: UInt64 = 0x2, exec: UInt64 = 0x4
    static let growsDown: UInt64 = 0x0100_0000, growsUp: UInt64 = 0x0200_0000

    /// Made once: every finding's call row names them.
    private static let names: [(UInt64, String)] = [(read, "PROT_READ"), (write, "PROT_WRITE"), (exec, "PROT_EXEC"),
                                                    (growsDown, "PROT_GROWSDOWN"), (growsUp, "PROT_GROWSUP")]

    static func describe(_ value: UInt64) -> String { describeBits(value, names, none: "PROT_NONE") }
    static func append(_ value: UInt64, to out: inout [UInt8]) { appendBits(value, names, none: "PROT_NONE", to: &out) }
}

enum MapFlags {
    static let shared: UInt64 = 0x1, privateMap: UInt64 = 0x2, fixed: UInt64 = 0x10, anonymous: UInt64 = 0x20
    static let denyWrite: UInt64 = 0x800, stack: UInt64 = 0x20000

    private static let names: [(UInt64, String)] = [(shared, "MAP_SHARED"), (privateMap, "MAP_PRIVATE"), (fixed, "MAP_FIXED"),
                                                    (anonymous, "MAP_ANONYMOUS"), (0x100, "MAP_GROWSDOWN"), (denyWrite, "MAP_DENYWRITE"),
                                                    (0x4000, "MAP_NORESERVE"), (stack, "MAP_STACK")]

    static func describe(_ value: UInt64) -> String { describeBits(value, names, none: "0") }
    static func append(_ value: UInt64, to out: inout [UInt8]) { appendBits(value, names, none: "0", to: &out) }
}

/// Flag bits by name, as strace prints them, with leftover bits in hex.
func describeBits(_ value: UInt64, _ names: [(UInt64, String)], none: String) -> String {
    var out: [UInt8] = []
    appendBits(value, names, none: none, to: &out)
    return String(decoding: out, as: UTF8.self)
}

/// `describeBits` appended to bytes: every finding's call row writes one or two.
func appendBits(_ value: UInt64, _ names: [(UInt64, String)], none: String, to out: inout [UInt8]) {
    let start = out.count
    var rest = value
    for (bit, name) in names where rest & bit != 0 {
        if out.count > start { out.append(UInt8(ascii: "|")) }
        out.append(utf8Of: name)
        rest &= ~bit
    }
    if rest != 0 {
        if out.count > start { out.append(UInt8(ascii: "|")) }
        out.append(utf8Of: "0x")
        out.append(hex: rest)
    }
    if out.count == start { out.append(utf8Of: none) }
}

/// The memory call behind a denial, read from the SYSCALL record's a0…a3.
public struct MemoryCall: Sendable, Equatable {
    public enum Kind: String, Sendable { case mprotect, mmap, execve, shmat, other }

    public var kind: Kind
    public var name: String
    public var address: UInt64?
    public var length: UInt64?
    public var prot: UInt64?
    public var flags: UInt64?
    /// False where the ABI passes mmap's arguments through memory (s390x, i386 old_mmap),
    /// so a2 and a3 are not the protection and flags.
    public var argumentsMeaningful: Bool

    init(_ syscall: Syscall) {
        self.init(name: Self.name(of: syscall), machine: syscall.machine, args: syscall.args)
    }

    /// libaudit's name for the call, else its number.
    static func name(of syscall: Syscall) -> String {
        syscall.name ?? syscall.number.map { "syscall \($0)" } ?? "unknown syscall"
    }

    init(name: String, machine: String?, args a: [UInt64?]) {
        self.name = name
        switch name {
        case "mprotect", "pkey_mprotect":
            kind = .mprotect
            argumentsMeaningful = true
        case "mmap", "mmap2":
            kind = .mmap
            let oldMmap = name == "mmap" && (machine == "s390x" || machine == "i386" || machine == "s390")
            argumentsMeaningful = !oldMmap
        case "execve", "execveat":
            kind = .execve
            argumentsMeaningful = false
        case "shmat":
            kind = .shmat
            argumentsMeaningful = true
        default:
            kind = .other
            argumentsMeaningful = false
        }
        address = a.count > 0 ? a[0] : nil
        length = a.count > 1 ? a[1] : nil
        prot = (kind == .mprotect || kind == .mmap) && argumentsMeaningful && a.count > 2 ? a[2] : nil
        flags = kind == .mmap && argumentsMeaningful && a.count > 3 ? a[3] : nil
    }

    /// The call as C, e.g. `mprotect(0x7ffc1000, 4096, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_GROWSDOWN)`.
    public func rendered(exit: Int64?, success: Bool?) -> String {
        // Appended piece by piece to one buffer of bytes, made a String once: every finding's
        // call row is written so, and appending each piece to a String cost several times more.
        var out: [UInt8] = []
        out.reserveCapacity(96)
        func add(_ text: String) { out.append(utf8Of: text) }
        add(name)
        add("(")
        func hex(_ v: UInt64?) {
            if let v {
                add("0x")
                out.append(hex: v)
            } else {
                add("?")
            }
        }
        func addressLengthProt() {
            hex(address)
            add(", ")
            if let length { out.append(decimal: length) } else { add("?") }
            add(", ")
            if let prot { Prot.append(prot, to: &out) } else { add("?") }
        }
        switch kind {
        case .mprotect:
            addressLengthProt()
        case .mmap where argumentsMeaningful:
            addressLengthProt()
            add(", ")
            if let flags { MapFlags.append(flags, to: &out) } else { add("?") }
            add(", …")
        case .mmap:
            hex(address)
            add(" /* argument block in memory: protection not logged */")
        default:
            add("…")
        }
        add(")")
        Self.appendResult(exit: exit, success: success, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The call's return value as strace shows it: ` = -13 (EACCES)`; nothing when not logged.
    static func appendResult(exit: Int64?, success: Bool?, to out: inout [UInt8]) {
        guard let exit else { return }
        if exit == -13 { return out.append(utf8Of: " = -13 (EACCES)") }
        if exit == -1 { return out.append(utf8Of: " = -1 (EPERM)") }
        if exit >= 0, success == true, exit > 0xffff {
            out.append(utf8Of: " = 0x")
            out.append(hex: UInt64(exit))
        } else {
            out.append(utf8Of: " = ")
            out.append(decimal: exit)
        }
    }
}
