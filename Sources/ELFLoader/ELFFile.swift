/// Why an ELF file could not be read; the text is shown to the user as is.
public struct ELFError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// What the diagnosis needs from one ELF object: its identity, program headers and the
/// dynamic section's strings and flags. Parsed defensively: every offset and count is checked
/// against the file and against fixed limits before it is used.
public struct ELFFile: Sendable {
    public enum Class: Sendable { case elf32, elf64 }

    public var elfClass: Class
    public var bigEndian: Bool
    public var type: UInt16
    public var machine: UInt16
    public var programHeaders: [ProgramHeader]
    public var interpreter: String?
    public var dynamic: DynamicInfo?
    /// Where the section header table is, for the lazy readers (symbols, DWARF).
    var sectionTable: (offset: UInt64, entrySize: Int, count: Int, nameIndex: Int)

    /// `p_flags` of PT_GNU_STACK, nil if the object has none.
    public var gnuStackFlags: UInt32? {
        programHeaders.first { $0.type == ProgramHeader.gnuStack }?.flags
    }

    /// PT_LOAD segments that are writable and executable at once.
    public var writableExecutableSegments: [ProgramHeader] {
        programHeaders.filter { $0.type == ProgramHeader.load && $0.flags & 3 == 3 }
    }

    static let maxProgramHeaders = 4096
    static let maxDynamicBytes: UInt64 = 1 << 20
    static let maxStringTable: UInt64 = 16 << 20

    public init(_ file: ByteSource) throws {
        let source = PrefetchedHead(file)
        guard let ident = source.read(at: 0, count: 16) else { throw ELFError("file is shorter than an ELF header") }
        guard ident[0] == 0x7f, ident[1] == 0x45, ident[2] == 0x4c, ident[3] == 0x46 else { throw ELFError("not an ELF file (bad magic)") }
        switch ident[4] {
        case 1: elfClass = .elf32
        case 2: elfClass = .elf64
        default: throw ELFError("unknown ELF class \(ident[4])")
        }
        switch ident[5] {
        case 1: bigEndian = false
        case 2: bigEndian = true
        default: throw ELFError("unknown ELF data encoding \(ident[5])")
        }
        let is64 = elfClass == .elf64
        let headerSize = is64 ? 64 : 52
        guard let header = source.read(at: 0, count: headerSize) else { throw ELFError("truncated ELF header") }
        let r = Reader(bytes: header, bigEndian: bigEndian)
        type = r.u16(16)
        machine = r.u16(18)
        let phoff = is64 ? r.u64(32) : UInt64(r.u32(28))
        let phentsize = Int(r.u16(is64 ? 54 : 42))
        let phnum = Int(r.u16(is64 ? 56 : 44))
        sectionTable = (offset: is64 ? r.u64(40) : UInt64(r.u32(32)), entrySize: Int(r.u16(is64 ? 58 : 46)),
                        count: Int(r.u16(is64 ? 60 : 48)), nameIndex: Int(r.u16(is64 ? 62 : 50)))
        let minEntry = is64 ? 56 : 32
        programHeaders = []
        interpreter = nil
        dynamic = nil
        guard phnum > 0 else { return }
        guard phnum <= Self.maxProgramHeaders else { throw ELFError("implausible program header count \(phnum)") }
        guard phentsize >= minEntry, phentsize <= 256 else { throw ELFError("implausible program header entry size \(phentsize)") }
        guard let table = source.read(at: phoff, count: phnum * phentsize) else {
            throw ELFError("program headers lie past the end of the file (offset \(phoff), \(phnum) entries)")
        }
        let t = Reader(bytes: table, bigEndian: bigEndian)
        programHeaders.reserveCapacity(phnum)
        for i in 0..<phnum {
            let o = i * phentsize
            let ph: ProgramHeader
            if is64 {
                ph = ProgramHeader(type: t.u32(o), flags: t.u32(o + 4), offset: t.u64(o + 8), vaddr: t.u64(o + 16),
                                   fileSize: t.u64(o + 32), memorySize: t.u64(o + 40))
            } else {
                ph = ProgramHeader(type: t.u32(o), flags: t.u32(o + 24), offset: UInt64(t.u32(o + 4)), vaddr: UInt64(t.u32(o + 8)),
                                   fileSize: UInt64(t.u32(o + 16)), memorySize: UInt64(t.u32(o + 20)))
            }
            programHeaders.append(ph)
        }
        if let interp = programHeaders.first(where: { $0.type == ProgramHeader.interp }) {
            let count = Int(min(interp.fileSize, 4096))
            if let bytes = source.read(at: interp.offset, count: count) {
                interpreter = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        if let dyn = programHeaders.first(where: { $0.type == ProgramHeader.dynamicSegment }) {
            dynamic = try DynamicInfo(segment: dyn, in: self, source: source)
        }
    }

    /// The file offset of a virtual address, through the PT_LOAD segment that maps it.
    func fileOffset(ofAddress address: UInt64) -> UInt64? {
        for ph in programHeaders where ph.type == ProgramHeader.load {
            guard address >= ph.vaddr else { continue }
            let delta = address - ph.vaddr
            if delta < ph.fileSize { return try? Checked.sum(ph.offset, delta, what: "address \(address)") }
        }
        return nil
    }
}

public struct ProgramHeader: Sendable, Equatable {
    public static let load: UInt32 = 1
    public static let dynamicSegment: UInt32 = 2
    public static let interp: UInt32 = 3
    public static let gnuStack: UInt32 = 0x6474_e551

    public var type: UInt32
    public var flags: UInt32
    public var offset: UInt64
    public var vaddr: UInt64
    public var fileSize: UInt64
    public var memorySize: UInt64
}

/// The dynamic-section entries that decide how a library is found and what it asks of the kernel.
public struct DynamicInfo: Sendable, Equatable {
    public var needed: [String] = []
    public var soname: String?
    /// DT_RPATH and DT_RUNPATH, each split at `:`; nil when the tag is absent. An object with
    /// both has no DT_RPATH to ld.so (glibc's elf/get-dynamic-info.h drops it), for its own
    /// dependencies and those of the objects it loads: so none here.
    public var rpath: [String]?
    public var runpath: [String]?
    /// DT_TEXTREL, or DF_TEXTREL in DT_FLAGS.
    public var textRelocations = false
    /// DF_1_NODEFLIB: ld.so must not look in the default directories for this object's dependencies.
    public var noDefaultLibraries = false

    static let tagNeeded: UInt64 = 1, tagStrtab: UInt64 = 5, tagStrsz: UInt64 = 10, tagSoname: UInt64 = 14
    static let tagRpath: UInt64 = 15, tagTextrel: UInt64 = 22, tagRunpath: UInt64 = 29, tagFlags: UInt64 = 30
    static let tagFlags1: UInt64 = 0x6fff_fffb

    public init() {}

    init(segment: ProgramHeader, in elf: ELFFile, source: ByteSource) throws {
        let is64 = elf.elfClass == .elf64
        let entrySize = is64 ? 16 : 8
        let size = min(segment.fileSize, ELFFile.maxDynamicBytes)
        guard let bytes = source.read(at: segment.offset, count: Int(size) / entrySize * entrySize) else {
            throw ELFError("dynamic section lies past the end of the file")
        }
        let r = Reader(bytes: bytes, bigEndian: elf.bigEndian)
        var strtab: UInt64?
        var strsz: UInt64?
        var neededOffsets: [UInt64] = []
        var sonameOffset: UInt64?, rpathOffset: UInt64?, runpathOffset: UInt64?
        for i in 0..<(bytes.count / entrySize) {
            let o = i * entrySize
            let tag = is64 ? r.u64(o) : UInt64(r.u32(o))
            let value = is64 ? r.u64(o + 8) : UInt64(r.u32(o + 4))
            switch tag {
            case 0: break
            case Self.tagNeeded: neededOffsets.append(value)
            case Self.tagStrtab: strtab = value
            case Self.tagStrsz: strsz = value
            case Self.tagSoname: sonameOffset = value
            case Self.tagRpath: rpathOffset = value
            case Self.tagRunpath: runpathOffset = value
            case Self.tagTextrel: textRelocations = true
            case Self.tagFlags: if value & 0x4 != 0 { textRelocations = true }
            case Self.tagFlags1: if value & 0x800 != 0 { noDefaultLibraries = true }
            default: continue
            }
            if tag == 0 { break }
        }
        let wantsStrings = !neededOffsets.isEmpty || sonameOffset != nil || rpathOffset != nil || runpathOffset != nil
        guard wantsStrings else { return }
        guard let strtab, let strsz else { throw ELFError("dynamic section has no string table") }
        guard strsz <= ELFFile.maxStringTable else { throw ELFError("dynamic string table is implausibly large (\(strsz) bytes)") }
        guard let offset = elf.fileOffset(ofAddress: strtab), let table = source.read(at: offset, count: Int(strsz)) else {
            throw ELFError("dynamic string table lies outside the file")
        }
        func string(_ at: UInt64) throws -> String {
            guard at < UInt64(table.count) else { throw ELFError("dynamic string offset \(at) is past the string table") }
            let tail = table[Int(at)...]
            guard let end = tail.firstIndex(of: 0) else { throw ELFError("unterminated dynamic string") }
            return String(decoding: tail[..<end], as: UTF8.self)
        }
        needed = try neededOffsets.map(string)
        soname = try sonameOffset.map(string)
        rpath = try (runpathOffset == nil ? rpathOffset : nil).map { try string($0).split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
        runpath = try runpathOffset.map { try string($0).split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
    }
}

/// Endian-aware integer reads from a buffer already checked to be long enough.
struct Reader {
    let bytes: [UInt8]
    let bigEndian: Bool

    func u16(_ o: Int) -> UInt16 { value(o) }
    func u32(_ o: Int) -> UInt32 { value(o) }
    func u64(_ o: Int) -> UInt64 { value(o) }

    /// One load rather than a shift per byte: every header, dynamic entry and symbol of every
    /// object goes through here. The bounds are checked as indexing would.
    private func value<T: FixedWidthInteger>(_ o: Int) -> T {
        precondition(o >= 0 && o <= bytes.count - MemoryLayout<T>.size, "read past a buffer checked to be long enough")
        let raw = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: T.self) }
        return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
    }
}
