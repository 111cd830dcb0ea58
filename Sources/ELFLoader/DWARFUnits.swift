/// The identity of one DWARF compile unit: enough to tell hand-written assembly (the usual
/// source of a missing .note.GNU-stack) from compiled C or C++.
public struct CompileUnit: Sendable, Equatable {
    public var name: String?
    public var producer: String?
    public var language: UInt64?

    /// DW_LANG_Mips_Assembler (0x8001), which gas and NASM both use, or an assembler producer.
    public var isAssembler: Bool {
        language == 0x8001 || producer.map { $0.hasPrefix("GNU AS") || $0.hasPrefix("NASM") || $0.hasPrefix("yasm") } ?? false
    }
}

/// Reads the root DIE of every compile unit in `.debug_info` (DWARF 2 to 5), one small window
/// per unit, so a gigabyte of debug info is walked without being loaded.
public enum DWARFUnits {
    static let maxUnits = 200_000

    public static func read(_ elf: ELFFile, source: ByteSource) throws -> [CompileUnit]? {
        // Only the .debug_ sections get a String for their name: one is made for every
        // section otherwise, some forty of them, for the five looked for.
        let debugPrefix = Array(".debug_".utf8)
        let sections = try elf.sections(source) { $0.starts(with: debugPrefix) }
        guard let info = sections.first(where: { $0.name == ".debug_info" }), info.type != Section.noBits,
              let abbrev = sections.first(where: { $0.name == ".debug_abbrev" }) else { return nil }
        if info.flags & 0x800 != 0 { throw ELFError("the debug info is compressed (SHF_COMPRESSED), which this tool does not read") }
        let str = sections.first { $0.name == ".debug_str" }
        let lineStr = sections.first { $0.name == ".debug_line_str" }
        let strOffsets = sections.first { $0.name == ".debug_str_offsets" }
        var units: [CompileUnit] = []
        var offset: UInt64 = 0
        // offset <= info.size throughout: each unit is checked to end inside the section.
        while info.size - offset >= 11, units.count < maxUnits {
            let at = try Checked.sum(info.offset, offset, what: ".debug_info+\(offset)")
            guard let head = source.read(at: at, count: Int(min(4096, info.size - offset))) else { break }
            var c = Cursor(bytes: head, bigEndian: elf.bigEndian)
            var length = UInt64(c.u32())
            var offsetSize = 4
            if length == 0xffff_ffff { length = c.u64(); offsetSize = 8 }
            let headerEnd = UInt64(c.position)
            let version = c.u16()
            var abbrevOffset: UInt64 = 0
            var addressSize = 8
            if version >= 5 {
                let unitType = c.u8()
                addressSize = Int(c.u8())
                abbrevOffset = c.offset(offsetSize)
                if unitType == 4 || unitType == 5 { _ = c.u64() }          // skeleton / split: dwo_id
                if unitType == 2 || unitType == 6 { _ = c.u64(); _ = c.offset(offsetSize) }   // type units
            } else if version >= 2 {
                abbrevOffset = c.offset(offsetSize)
                addressSize = Int(c.u8())
            } else {
                throw ELFError("DWARF version \(version) is not one this tool reads")
            }
            guard !c.failed, length > 0 else { throw ELFError("truncated DWARF unit header at .debug_info+\(offset)") }
            let context = Context(elf: elf, source: source, abbrev: abbrev, str: str, lineStr: lineStr, strOffsets: strOffsets,
                                  version: version, offsetSize: offsetSize, addressSize: addressSize)
            let end = try Checked.sum(offset, headerEnd, length, what: "the DWARF unit at .debug_info+\(offset)")
            guard end <= info.size else {
                throw ELFError("the DWARF unit at .debug_info+\(offset) claims \(length) bytes, past the end of .debug_info (\(info.size) bytes)")
            }
            units.append(try context.rootDIE(&c, abbrevOffset: abbrevOffset))
            offset = end
        }
        return units
    }

    /// Everything needed to decode attribute forms for one unit.
    struct Context {
        let elf: ELFFile
        let source: ByteSource
        let abbrev: Section
        let str: Section?
        let lineStr: Section?
        let strOffsets: Section?
        let version: UInt16
        let offsetSize: Int
        let addressSize: Int

        func rootDIE(_ c: inout Cursor, abbrevOffset: UInt64) throws -> CompileUnit {
            var unit = CompileUnit()
            let code = c.uleb()
            guard code != 0, let spec = try attributes(code: code, at: abbrevOffset) else { return unit }
            var strx: [(attribute: UInt64, index: UInt64)] = []
            var strOffsetsBase: UInt64 = 8
            for (attribute, form, implicit) in spec {
                guard !c.failed else { break }
                let value = try read(form, &c, implicit: implicit)
                switch (attribute, value) {
                case (0x03, .string(let s)): unit.name = s
                case (0x25, .string(let s)): unit.producer = s
                case (0x13, .number(let n)): unit.language = n
                case (0x72, .number(let n)): strOffsetsBase = n
                case (let a, .strx(let i)) where a == 0x03 || a == 0x25: strx.append((a, i))
                default: break
                }
            }
            for (attribute, index) in strx {
                guard let s = try indexedString(index, base: strOffsetsBase) else { continue }
                if attribute == 0x03 { unit.name = s } else { unit.producer = s }
            }
            return unit
        }

        enum Value { case string(String), number(UInt64), strx(UInt64), other }

        func read(_ form: UInt64, _ c: inout Cursor, implicit: Int64) throws -> Value {
            switch form {
            case 0x08: return .string(c.cString())
            case 0x0e: return try string(in: str, at: c.offset(offsetSize))
            case 0x1f: return try string(in: lineStr, at: c.offset(offsetSize))
            case 0x1a: return .strx(c.uleb())
            case 0x25: return .strx(UInt64(c.u8()))
            case 0x26: return .strx(UInt64(c.u16()))
            case 0x27: return .strx(c.uint(3))
            case 0x28: return .strx(UInt64(c.u32()))
            case 0x0b: return .number(UInt64(c.u8()))
            case 0x05: return .number(UInt64(c.u16()))
            case 0x06: return .number(UInt64(c.u32()))
            case 0x07: return .number(c.u64())
            case 0x0f: return .number(c.uleb())
            case 0x0d: return .number(UInt64(bitPattern: c.sleb()))
            case 0x21: return .number(UInt64(bitPattern: implicit))
            case 0x17: return .number(c.offset(offsetSize))
            case 0x01: c.skip(addressSize)
            case 0x0c, 0x11: c.skip(1)
            case 0x12: c.skip(2)
            case 0x13, 0x1c: c.skip(4)
            case 0x14, 0x20, 0x24: c.skip(8)
            case 0x1e: c.skip(16)
            case 0x10: c.skip(version <= 2 ? addressSize : offsetSize)
            case 0x15, 0x1b, 0x22, 0x23: _ = c.uleb()
            case 0x29, 0x2a, 0x2b, 0x2c: c.skip(form - 0x28)
            case 0x0a: c.skip(c.u8())
            case 0x03: c.skip(c.u16())
            case 0x04: c.skip(c.u32())
            case 0x09, 0x18: c.skip(c.uleb())
            case 0x19: break
            case 0x16:
                // DW_FORM_indirect names the real form; one naming another indirect is malformed.
                let real = c.uleb()
                if real == 0x16 { c.failed = true } else { return try read(real, &c, implicit: implicit) }
            default: c.failed = true
            }
            return .other
        }

        /// The attribute specification of an abbreviation code, from a window of .debug_abbrev.
        func attributes(code: UInt64, at offset: UInt64) throws -> [(UInt64, UInt64, Int64)]? {
            guard offset < abbrev.size else { return nil }
            let at = try Checked.sum(abbrev.offset, offset, what: ".debug_abbrev+\(offset)")
            guard let bytes = source.read(at: at, count: Int(min(65536, abbrev.size - offset))) else { return nil }
            var c = Cursor(bytes: bytes, bigEndian: elf.bigEndian)
            while !c.failed {
                let entry = c.uleb()
                if entry == 0 { return nil }
                _ = c.uleb()      // tag
                _ = c.u8()        // children
                var spec: [(UInt64, UInt64, Int64)] = []
                while !c.failed {
                    let attribute = c.uleb(), form = c.uleb()
                    if attribute == 0 && form == 0 { break }
                    spec.append((attribute, form, form == 0x21 ? c.sleb() : 0))
                }
                if entry == code { return c.failed ? nil : spec }
            }
            return nil
        }

        func string(in section: Section?, at offset: UInt64) throws -> Value {
            guard let section, offset < section.size else { return .other }
            let at = try Checked.sum(section.offset, offset, what: "\(section.name)+\(offset)")
            guard let bytes = source.read(at: at, count: Int(min(4096, section.size - offset))),
                  let end = bytes.firstIndex(of: 0) else { return .other }
            return .string(String(decoding: bytes[..<end], as: UTF8.self))
        }

        func indexedString(_ index: UInt64, base: UInt64) throws -> String? {
            guard let strOffsets else { return nil }
            let what = ".debug_str_offsets entry \(index) from base \(base)"
            let offset = try Checked.sum(base, Checked.product(index, UInt64(offsetSize), what: what), what: what)
            guard offset < strOffsets.size,
                  let bytes = source.read(at: try Checked.sum(strOffsets.offset, offset, what: what), count: offsetSize) else { return nil }
            var c = Cursor(bytes: bytes, bigEndian: elf.bigEndian)
            if case .string(let s) = try string(in: str, at: c.offset(offsetSize)) { return s }
            return nil
        }
    }
}

/// Sequential reads from a buffer; reading past its end sets `failed` and yields zeros.
struct Cursor {
    let bytes: [UInt8]
    let bigEndian: Bool
    var position = 0
    var failed = false

    init(bytes: [UInt8], bigEndian: Bool) {
        self.bytes = bytes
        self.bigEndian = bigEndian
    }

    mutating func uint(_ n: Int) -> UInt64 {
        guard n >= 0, position + n <= bytes.count else { failed = true; position = bytes.count; return 0 }
        var v: UInt64 = 0
        for k in 0..<n { v = v << 8 | UInt64(bytes[position + (bigEndian ? k : n - 1 - k)]) }
        position += n
        return v
    }

    mutating func u8() -> UInt8 { UInt8(truncatingIfNeeded: uint(1)) }
    mutating func u16() -> UInt16 { UInt16(truncatingIfNeeded: uint(2)) }
    mutating func u32() -> UInt32 { UInt32(truncatingIfNeeded: uint(4)) }
    mutating func u64() -> UInt64 { uint(8) }
    mutating func offset(_ size: Int) -> UInt64 { uint(size) }
    /// Moves past `n` bytes; a length past the end (any value a file can hold) sets `failed`.
    /// Compared, never added: `position + n` could overflow.
    mutating func skip<N: BinaryInteger>(_ n: N) {
        if n < 0 || n > bytes.count - position { failed = true; position = bytes.count } else { position += Int(n) }
    }

    mutating func uleb() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = uint(1)
            if failed { return 0 }
            if shift < 64 { result |= (b & 0x7f) << shift }
            shift += 7
            if b & 0x80 == 0 { return result }
        }
    }

    mutating func sleb() -> Int64 {
        var result: Int64 = 0
        var shift: Int64 = 0
        var b: UInt64 = 0
        repeat {
            b = uint(1)
            if failed { return 0 }
            if shift < 64 { result |= Int64(b & 0x7f) << shift }
            shift += 7
        } while b & 0x80 != 0
        if shift < 64, b & 0x40 != 0 { result |= Int64(-1) << shift }   // not -(1 << shift): at 63 that negates Int64.min
        return result
    }

    mutating func cString() -> String {
        guard let end = bytes[position...].firstIndex(of: 0) else { failed = true; position = bytes.count; return "" }
        let s = String(decoding: bytes[position..<end], as: UTF8.self)
        position = end + 1
        return s
    }
}
