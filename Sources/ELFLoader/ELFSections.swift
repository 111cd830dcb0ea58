/// One section header, with its name resolved.
public struct Section: Sendable, Equatable {
    public var name: String
    public var type: UInt32
    public var flags: UInt64
    public var offset: UInt64
    public var size: UInt64
    public var link: UInt32
    public var entrySize: UInt64

    static let noBits: UInt32 = 8
    static let dynamicSymbols: UInt32 = 11
}

/// A symbol from `.dynsym`.
public struct DynamicSymbol: Sendable, Equatable {
    public var name: String
    /// False for imports (SHN_UNDEF): the object uses it from a library.
    public var defined: Bool

    public init(name: String, defined: Bool) {
        self.name = name
        self.defined = defined
    }
}

/// The section-based views of an ELF file, read on demand: most callers need only program headers.
extension ELFFile {
    static let maxSections = 4096
    static let maxSymbols = 2_000_000

    public func sections(_ source: ByteSource) throws -> [Section] {
        try sections(source, keeping: { _ in true })
    }

    /// The same, only the sections whose name (its bytes; empty where the name table has none)
    /// `keep` accepts: a caller looking for a few sections makes no string of the others.
    public func sections(_ source: ByteSource, keeping keep: (ArraySlice<UInt8>) -> Bool) throws -> [Section] {
        guard let table = try sectionHeaderTable(source) else { return [] }
        var names: [UInt8] = []
        if sectionTable.nameIndex < table.count {
            let strtab = table.entry(sectionTable.nameIndex).section
            if strtab.size <= 1 << 20, let bytes = source.read(at: strtab.offset, count: Int(strtab.size)) { names = bytes }
        }
        var kept: [Section] = []
        for i in 0..<table.count {
            var (nameOffset, section) = table.entry(i)
            let name = Self.bytes(in: names, at: UInt64(nameOffset)) ?? []
            guard keep(name) else { continue }
            section.name = String(decoding: name, as: UTF8.self)
            kept.append(section)
        }
        return kept
    }

    /// The section header table as read, each entry decoded when asked for; nil when the file
    /// has none.
    private func sectionHeaderTable(_ source: ByteSource) throws -> SectionHeaderTable? {
        let t = sectionTable
        guard t.count > 0 else { return nil }
        let is64 = elfClass == .elf64
        guard t.count <= Self.maxSections, t.entrySize >= (is64 ? 64 : 40), t.entrySize <= 256 else {
            throw ELFError("implausible section header table (\(t.count) entries of \(t.entrySize) bytes)")
        }
        guard let table = source.read(at: t.offset, count: t.count * t.entrySize) else {
            throw ELFError("section headers lie past the end of the file")
        }
        return SectionHeaderTable(reader: Reader(bytes: table, bigEndian: bigEndian), is64: is64, entrySize: t.entrySize, count: t.count)
    }

    /// The dynamic symbol table: what the object exports and what it imports.
    public func dynamicSymbols(_ source: ByteSource) throws -> [DynamicSymbol] {
        try dynamicSymbols(source, keeping: { _ in true })
    }

    /// The same, only the symbols whose name (its bytes, without the NUL) `keep` accepts: a
    /// caller looking for a few names makes no string of the others.
    public func dynamicSymbols(_ source: ByteSource, keeping keep: (ArraySlice<UInt8>) -> Bool) throws -> [DynamicSymbol] {
        // Only the two headers needed are decoded: every program's executable is asked.
        guard let all = try sectionHeaderTable(source),
              let index = (0..<all.count).first(where: { all.type(of: $0) == Section.dynamicSymbols }) else { return [] }
        let symtab = all.entry(index).section
        guard Int(symtab.link) < all.count else { throw ELFError(".dynsym names a string table that does not exist") }
        let strtab = all.entry(Int(symtab.link)).section
        let entrySize = elfClass == .elf64 ? 24 : 16
        guard symtab.size / UInt64(entrySize) <= UInt64(Self.maxSymbols), strtab.size <= UInt64(ELFFile.maxStringTable) else {
            throw ELFError(".dynsym is implausibly large")
        }
        let count = Int(symtab.size) / entrySize
        guard let table = source.read(at: symtab.offset, count: count * entrySize),
              let names = source.read(at: strtab.offset, count: Int(strtab.size)) else {
            throw ELFError(".dynsym lies past the end of the file")
        }
        let r = Reader(bytes: table, bigEndian: bigEndian)
        var out: [DynamicSymbol] = []
        out.reserveCapacity(count)
        for i in 1..<max(count, 1) {
            let o = i * entrySize
            let shndx = elfClass == .elf64 ? r.u16(o + 6) : r.u16(o + 14)
            guard let name = Self.bytes(in: names, at: UInt64(r.u32(o))), !name.isEmpty, keep(name) else { continue }
            out.append(DynamicSymbol(name: String(decoding: name, as: UTF8.self), defined: shndx != 0))
        }
        return out
    }

    /// The NUL-terminated string at `offset`, without its NUL; nil if it is not all there.
    static func bytes(in table: [UInt8], at offset: UInt64) -> ArraySlice<UInt8>? {
        guard offset < UInt64(table.count) else { return nil }
        let tail = table[Int(offset)...]
        guard let end = tail.firstIndex(of: 0) else { return nil }
        return tail[..<end]
    }
}

/// A section header table as read from the file, checked to hold `count` entries.
private struct SectionHeaderTable {
    let reader: Reader
    let is64: Bool
    let entrySize: Int
    let count: Int

    func type(of i: Int) -> UInt32 { reader.u32(i * entrySize + 4) }

    /// Entry `i`, its name left empty.
    func entry(_ i: Int) -> (nameOffset: UInt32, section: Section) {
        let (r, o) = (reader, i * entrySize)
        let s: Section
        if is64 {
            s = Section(name: "", type: r.u32(o + 4), flags: r.u64(o + 8), offset: r.u64(o + 24), size: r.u64(o + 32),
                        link: r.u32(o + 40), entrySize: r.u64(o + 56))
        } else {
            s = Section(name: "", type: r.u32(o + 4), flags: UInt64(r.u32(o + 8)), offset: UInt64(r.u32(o + 16)),
                        size: UInt64(r.u32(o + 20)), link: r.u32(o + 24), entrySize: UInt64(r.u32(o + 36)))
        }
        return (r.u32(o), s)
    }
}
