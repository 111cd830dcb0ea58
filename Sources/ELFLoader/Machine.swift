/// Per-architecture facts the loader search and the stack rules depend on.
public struct Machine: Sendable, Hashable {
    public var elfMachine: UInt16
    public var elf64: Bool
    public var bigEndian: Bool

    public init(elfMachine: UInt16, elf64: Bool, bigEndian: Bool) {
        self.elfMachine = elfMachine
        self.elf64 = elf64
        self.bigEndian = bigEndian
    }

    public init(of elf: ELFFile) {
        self.init(elfMachine: elf.machine, elf64: elf.elfClass == .elf64, bigEndian: elf.bigEndian)
    }

    public var name: String {
        switch (elfMachine, elf64) {
        case (62, true): return "x86_64"
        case (3, false): return "i386"
        case (183, true): return "aarch64"
        case (40, false): return "arm"
        case (21, true): return bigEndian ? "ppc64" : "ppc64le"
        case (20, false): return "ppc"
        case (22, true): return "s390x"
        case (22, false): return "s390"
        default: return "machine \(elfMachine)"
        }
    }

    /// Debian's multiarch triplet, where there is one.
    var multiarchTriplet: String? {
        switch (elfMachine, elf64) {
        case (62, true): return "x86_64-linux-gnu"
        case (3, false): return "i386-linux-gnu"
        case (183, true): return "aarch64-linux-gnu"
        case (40, false): return "arm-linux-gnueabihf"
        case (21, true): return bigEndian ? "powerpc64-linux-gnu" : "powerpc64le-linux-gnu"
        case (22, true): return "s390x-linux-gnu"
        default: return nil
        }
    }

    /// glibc's default directories: Debian's multiarch ones, then Fedora's lib64, then lib.
    /// Only one family exists on a given host, so trying both in this order is what its ld.so does.
    public var defaultDirectories: [String] {
        var dirs: [String] = []
        if let t = multiarchTriplet { dirs += ["/lib/\(t)", "/usr/lib/\(t)"] }
        if elf64 { dirs += ["/lib64", "/usr/lib64"] }
        return dirs + ["/lib", "/usr/lib"]
    }

    /// glibc-hwcaps subdirectory names, best first (glibc 2.33 and later).
    var hwcapsLevels: [String] {
        switch (elfMachine, elf64, bigEndian) {
        case (62, true, _): return ["x86-64-v4", "x86-64-v3", "x86-64-v2"]
        case (21, true, false): return ["power10", "power9"]
        case (22, true, _): return ["z16", "z15", "z14", "z13"]
        default: return []
        }
    }

    /// What `$LIB` may expand to: Debian's multiarch directory or Fedora's lib64/lib.
    var libExpansions: [String] {
        var out: [String] = []
        if let t = multiarchTriplet { out.append("lib/\(t)") }
        out.append(elf64 ? "lib64" : "lib")
        return out
    }

    /// Whether glibc treats an object without PT_GNU_STACK as wanting an executable stack
    /// (`DEFAULT_STACK_PERMS` in glibc's stackinfo.h): yes on x86, s390, arm32 and ppc32;
    /// no on aarch64 and ppc64.
    public var stackExecutableByDefault: Bool {
        switch (elfMachine, elf64) {
        case (183, true), (21, true): return false
        default: return true
        }
    }

    /// The page size the loader's stack mprotect covers on this machine (64 KiB kernels are common on ppc64le and aarch64).
    public var commonPageSizes: [UInt64] {
        switch elfMachine {
        case 21, 183: return [0x10000, 0x1000]
        default: return [0x1000]
        }
    }
}
