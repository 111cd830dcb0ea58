import AuditEvents

/// mmap/mprotect constants from the kernel's uapi headers (asm-generic/mman-common.h).
enum Prot {
    static let read: UInt64 = 0x1, write: UInt64 = 0x2, exec: UInt64 = 0x4
    static let growsDown: UInt64 = 0x0100_0000, growsUp: UInt64 = 0x0200_0000

    /// Made once: every finding's call row names them.
    private static let names: [(UInt64, String)] = [(read, "PROT_READ"), (write, "PROT_WRITE"), (exec, "PROT_EXEC"),
                                                    (growsDown, "PROT_GROWSDOWN"), (growsUp, "PROT_GROWSUP")]

    static func describe(_ value: UInt64) -> String { describeBits(value, names, none: "PROT_NONE") }
}

enum MapFlags {
    static let shared: UInt64 = 0x1, privateMap: UInt64 = 0x2, fixed: UInt64 = 0x10, anonymous: UInt64 = 0x20
    static let denyWrite: UInt64 = 0x800, stack: UInt64 = 0x20000

    private static let names: [(UInt64, String)] = [(shared, "MAP_SHARED"), (privateMap, "MAP_PRIVATE"), (fixed, "MAP_FIXED"),
                                                    (anonymous, "MAP_ANONYMOUS"), (0x100, "MAP_GROWSDOWN"), (denyWrite, "MAP_DENYWRITE"),
                                                    (0x4000, "MAP_NORESERVE"), (stack, "MAP_STACK")]

    static func describe(_ value: UInt64) -> String { describeBits(value, names, none: "0") }
}

/// Flag bits by name, as strace prints them, with leftover bits in hex.
func describeBits(_ value: UInt64, _ names: [(UInt64, String)], none: String) -> String {
    // Appended to one string rather than joined from an array: every finding's call row asks.
    var out = ""
    var rest = value
    for (bit, name) in names where rest & bit != 0 {
        if !out.isEmpty { out += "|" }
        out += name
        rest &= ~bit
    }
    if rest != 0 {
        if !out.isEmpty { out += "|" }
        out += "0x"
        out += String(rest, radix: 16)
    }
    return out.isEmpty ? none : out
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
                add(String(v, radix: 16))
            } else {
                add("?")
            }
        }
        func addressLengthProt() {
            hex(address)
            add(", ")
            add(length.map(String.init) ?? "?")
            add(", ")
            add(prot.map(Prot.describe) ?? "?")
        }
        switch kind {
        case .mprotect:
            addressLengthProt()
        case .mmap where argumentsMeaningful:
            addressLengthProt()
            add(", ")
            add(flags.map(MapFlags.describe) ?? "?")
            add(", …")
        case .mmap:
            hex(address)
            add(" /* argument block in memory: protection not logged */")
        default:
            add("…")
        }
        add(")")
        add(Self.result(exit: exit, success: success))
        return String(decoding: out, as: UTF8.self)
    }

    static func result(exit: Int64?, success: Bool?) -> String {
        guard let exit else { return "" }
        if exit == -13 { return " = -13 (EACCES)" }
        if exit == -1 { return " = -1 (EPERM)" }
        if exit < 0 { return " = \(exit)" }
        return success == true && exit > 0xffff ? " = 0x" + String(exit, radix: 16) : " = \(exit)"
    }
}
