import Foundation

/// Hand-built ELF files for machines this host has no toolchain for: one PT_LOAD mapping the
/// whole file at address 0, so virtual addresses equal file offsets.
public struct ELFWriter {
    public var elf64: Bool
    public var bigEndian: Bool
    public var machine: UInt16
    public var type: UInt16 = 3
    public var interpreter: String?
    /// PT_GNU_STACK flags, or nil for no PT_GNU_STACK at all.
    public var stackFlags: UInt32? = 6
    public var needed: [String] = []
    public var soname: String?
    public var runpath: String?
    public var rpath: String?
    public var textrel = false
    /// DF_1_NODEFLIB in DT_FLAGS_1: ld.so.cache and the default directories are not searched.
    public var noDefaultLibraries = false
    /// Flags of the one PT_LOAD (5 = R-X; 7 makes it a read-write-execute segment).
    public var loadFlags: UInt32 = 5

    public init(elf64: Bool, bigEndian: Bool, machine: UInt16) {
        self.elf64 = elf64
        self.bigEndian = bigEndian
        self.machine = machine
    }

    /// The common ABIs by the names Debian gives them.
    public static func named(_ arch: String) -> ELFWriter {
        switch arch {
        case "x86_64": return ELFWriter(elf64: true, bigEndian: false, machine: 62)
        case "i386": return ELFWriter(elf64: false, bigEndian: false, machine: 3)
        case "aarch64": return ELFWriter(elf64: true, bigEndian: false, machine: 183)
        case "arm": return ELFWriter(elf64: false, bigEndian: false, machine: 40)
        case "ppc64le": return ELFWriter(elf64: true, bigEndian: false, machine: 21)
        case "ppc64": return ELFWriter(elf64: true, bigEndian: true, machine: 21)
        case "s390x": return ELFWriter(elf64: true, bigEndian: true, machine: 22)
        default: fatalError("no ABI named \(arch)")
        }
    }

    /// Writes the file, creating its directories.
    public func write(to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes()).write(to: URL(fileURLWithPath: path))
    }

    public func bytes() -> [UInt8] {
        let ehSize = elf64 ? 64 : 52, phSize = elf64 ? 56 : 32, dynSize = elf64 ? 16 : 8
        var strtab: [UInt8] = [0]
        func add(_ s: String) -> UInt64 { let o = UInt64(strtab.count); strtab += Array(s.utf8) + [0]; return o }
        var dyn: [(UInt64, UInt64)] = needed.map { (1, add($0)) }
        if let soname { dyn.append((14, add(soname))) }
        if let rpath { dyn.append((15, add(rpath))) }
        if let runpath { dyn.append((29, add(runpath))) }
        if textrel { dyn.append((22, 0)) }
        if noDefaultLibraries { dyn.append((0x6fff_fffb, 0x800)) }
        let phCount = 2 + (interpreter == nil ? 0 : 1) + (stackFlags == nil ? 0 : 1)
        let interpOffset = ehSize + phCount * phSize
        let interpBytes: [UInt8] = interpreter.map { Array($0.utf8) + [0] } ?? []
        let strOffset = interpOffset + interpBytes.count
        let dynOffset = (strOffset + strtab.count + 7) & ~7
        dyn.append((5, UInt64(strOffset)))
        dyn.append((10, UInt64(strtab.count)))
        dyn.append((0, 0))
        let total = dynOffset + dyn.count * dynSize

        var out: [UInt8] = []
        func put(_ v: UInt64, _ n: Int) {
            for k in 0..<n { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(bigEndian ? n - 1 - k : k)))) }
        }
        func word(_ v: UInt64) { put(v, elf64 ? 8 : 4) }
        out += [0x7f, 0x45, 0x4c, 0x46, elf64 ? 2 : 1, bigEndian ? 2 : 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        put(UInt64(type), 2); put(UInt64(machine), 2); put(1, 4)
        word(0); word(UInt64(ehSize)); word(0)                       // entry, phoff, shoff
        put(0, 4); put(UInt64(ehSize), 2); put(UInt64(phSize), 2); put(UInt64(phCount), 2)
        put(UInt64(elf64 ? 64 : 40), 2); put(0, 2); put(0, 2)
        func phdr(_ type: UInt32, _ flags: UInt32, _ offset: Int, _ size: Int) {
            put(UInt64(type), 4)
            if elf64 { put(UInt64(flags), 4) }
            word(UInt64(offset)); word(UInt64(offset)); word(UInt64(offset)); word(UInt64(size)); word(UInt64(size))
            if !elf64 { put(UInt64(flags), 4) }
            word(8)
        }
        phdr(1, loadFlags, 0, total)
        if interpreter != nil { phdr(3, 4, interpOffset, interpBytes.count) }
        phdr(2, 6, dynOffset, dyn.count * dynSize)
        if let stackFlags { phdr(0x6474_e551, stackFlags, 0, 0) }
        out += interpBytes
        out += strtab
        out += [UInt8](repeating: 0, count: dynOffset - out.count)
        for (tag, value) in dyn { word(tag); word(value) }
        return out
    }
}
