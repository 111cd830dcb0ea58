import Foundation
import Testing
import TestSupport
@testable import ELFLoader

/// A little-endian ELF64 file with no program headers and the given sections; a section's
/// header may lie about where its bytes are, as a hostile file's would.
struct SectionedELF {
    struct Part {
        var name: String
        var bytes: [UInt8]
        var claimedOffset: UInt64? = nil
    }

    var parts: [Part]

    func bytes() -> [UInt8] {
        var names: [UInt8] = [0]
        var out = [UInt8](repeating: 0, count: 64)
        var headers: [(name: UInt32, type: UInt32, offset: UInt64, size: UInt64)] = [(0, 0, 0, 0)]
        for part in parts + [Part(name: ".shstrtab", bytes: [])] {
            let nameOffset = UInt32(names.count)
            names += Array(part.name.utf8) + [0]
            let body = part.name == ".shstrtab" ? names : part.bytes
            headers.append((nameOffset, part.name == ".shstrtab" ? 3 : 1, part.claimedOffset ?? UInt64(out.count), UInt64(body.count)))
            out += body
        }
        out += [UInt8](repeating: 0, count: (8 - out.count % 8) % 8)
        let tableOffset = UInt64(out.count)
        for h in headers {
            out += le(UInt64(h.name), 4) + le(UInt64(h.type), 4) + le(0, 8) + le(0, 8) + le(h.offset, 8) + le(h.size, 8)
            out += le(0, 4) + le(0, 4) + le(1, 8) + le(0, 8)
        }
        let header: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
            + le(3, 2) + le(62, 2) + le(1, 4) + le(0, 8) + le(0, 8) + le(tableOffset, 8)
            + le(0, 4) + le(64, 2) + le(56, 2) + le(0, 2) + le(64, 2) + le(UInt64(headers.count), 2) + le(UInt64(headers.count - 1), 2)
        out.replaceSubrange(0..<64, with: header)
        return out
    }
}

func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

func uleb(_ v: UInt64) -> [UInt8] {
    var v = v, out: [UInt8] = []
    repeat {
        let low = UInt8(v & 0x7f)
        v >>= 7
        out.append(v == 0 ? low : low | 0x80)
    } while v != 0
    return out
}

/// An abbreviation table with one code (1, DW_TAG_compile_unit, no children).
func abbreviations(_ spec: [(attribute: UInt64, form: UInt64)]) -> [UInt8] {
    uleb(1) + uleb(0x11) + [0] + spec.flatMap { uleb($0.attribute) + uleb($0.form) } + [0, 0, 0]
}

/// One 32-bit DWARF 4 unit: header, then `die` (abbreviation code first).
func unit4(_ die: [UInt8], abbrevOffset: UInt64 = 0) -> [UInt8] {
    let body = le(4, 2) + le(abbrevOffset, 4) + [8] + die
    return le(UInt64(body.count), 4) + body
}

/// One 64-bit DWARF 5 compile unit.
func unit5x64(_ die: [UInt8]) -> [UInt8] {
    let body = le(5, 2) + [1, 8] + le(0, 8) + die
    return le(0xffff_ffff, 4) + le(UInt64(body.count), 8) + body
}

/// Debug info whose lengths and offsets are chosen to overflow 64-bit offset arithmetic. Each
/// case trapped (SIGILL) before the sums were checked; now each is an error or a unit without names.
@Suite struct HostileDWARFTests {
    private func read(_ parts: [SectionedELF.Part]) throws -> [CompileUnit]? {
        let bytes = MemoryBytes(SectionedELF(parts: parts).bytes())
        return try DWARFUnits.read(ELFFile(bytes), source: bytes)
    }

    @Test func sixtyFourBitUnitLengthNearTheTop() throws {
        let info = le(0xffff_ffff, 4) + le(UInt64.max - 12, 8) + le(4, 2) + le(0, 8) + [8, 0] + [UInt8](repeating: 0, count: 16)
        #expect(throws: ELFError.self) {
            try read([.init(name: ".debug_info", bytes: info), .init(name: ".debug_abbrev", bytes: abbreviations([]))])
        }
    }

    @Test(arguments: [UInt64(0x09), 0x18])   // DW_FORM_block, DW_FORM_exprloc: ULEB128 lengths
    func blockLengthNearTheTop(form: UInt64) throws {
        let info = unit4(uleb(1) + uleb(UInt64.max) + [1, 2, 3])
        let units = try read([.init(name: ".debug_info", bytes: info),
                              .init(name: ".debug_abbrev", bytes: abbreviations([(0x03, form), (0x25, 0x08)]))])
        #expect(units == [CompileUnit()], "the block runs past the unit: nothing after it is read")
    }

    @Test(arguments: [UInt64(0x0a), 0x03, 0x04])   // DW_FORM_block1, block2, block4
    func fixedBlockLengthsPastTheUnit(form: UInt64) throws {
        let length = [UInt8](repeating: 0xff, count: [0x0a: 1, 0x03: 2, 0x04: 4][form]!)
        let units = try read([.init(name: ".debug_info", bytes: unit4(uleb(1) + length)),
                              .init(name: ".debug_abbrev", bytes: abbreviations([(0x03, form), (0x25, 0x08)]))])
        #expect(units == [CompileUnit()])
    }

    @Test func signedLEB128OfNineBytesWithTheSignBitSet() throws {
        // DW_FORM_sdata: the sign extension at bit 63 negated Int64.min.
        let units = try read([.init(name: ".debug_info", bytes: unit4(uleb(1) + [UInt8](repeating: 0x80, count: 8) + [0x40])),
                              .init(name: ".debug_abbrev", bytes: abbreviations([(0x13, 0x0d)]))])
        #expect(units?.first?.language == 0xc000_0000_0000_0000)
    }

    @Test func abbreviationSectionOffsetOverflows() throws {
        let abbrev = [UInt8](repeating: 0, count: 16) + abbreviations([(0x03, 0x08)])
        #expect(throws: ELFError.self) {
            try read([.init(name: ".debug_info", bytes: unit4(uleb(1) + Array("a.s".utf8) + [0], abbrevOffset: 16)),
                      .init(name: ".debug_abbrev", bytes: abbrev, claimedOffset: UInt64.max - 8)])
        }
    }

    @Test(arguments: [(".debug_str", UInt64(0x0e)), (".debug_line_str", 0x1f)])   // DW_FORM_strp, DW_FORM_line_strp
    func stringSectionOffsetOverflows(section: String, form: UInt64) throws {
        #expect(throws: ELFError.self) {
            try read([.init(name: ".debug_info", bytes: unit4(uleb(1) + le(16, 4))),
                      .init(name: ".debug_abbrev", bytes: abbreviations([(0x03, form)])),
                      .init(name: section, bytes: [UInt8](repeating: 0x61, count: 32), claimedOffset: UInt64.max - 8)])
        }
    }

    @Test func stringOffsetsBaseOverflows() throws {
        // DW_AT_str_offsets_base (data8) just below 2^64, then DW_FORM_strx1 index 1: base + 8 wraps to 0.
        let die = uleb(1) + le(UInt64.max - 7, 8) + [1]
        #expect(throws: ELFError.self) {
            try read([.init(name: ".debug_info", bytes: unit5x64(die)),
                      .init(name: ".debug_abbrev", bytes: abbreviations([(0x72, 0x07), (0x03, 0x25)])),
                      .init(name: ".debug_str_offsets", bytes: [UInt8](repeating: 0, count: 32)),
                      .init(name: ".debug_str", bytes: Array("a.s".utf8) + [0])])
        }
    }

    @Test func wellFormedUnitsStillRead() throws {
        let str = Array("GNU AS 2.40".utf8) + [0]
        let info = unit4(uleb(1) + Array("a.s".utf8) + [0] + le(0, 4)) + unit4(uleb(1) + Array("b.c".utf8) + [0] + le(0, 4))
        let units = try read([.init(name: ".debug_info", bytes: info),
                              .init(name: ".debug_abbrev", bytes: abbreviations([(0x03, 0x08), (0x25, 0x0e)])),
                              .init(name: ".debug_str", bytes: str)])
        #expect(units?.map(\.name) == ["a.s", "b.c"])
        #expect(units?.allSatisfy(\.isAssembler) == true)
    }
}

/// The path culprit tracing takes: a library under a sysroot whose debug info overflows is
/// reported as unreadable, with the reason.
@Suite struct HostileDebugFileTests {
    @Test func overflowingDebugInfoIsUnreadableNotACrash() throws {
        let dir = try TemporaryDirectory("hostile-dwarf")
        let info = le(0xffff_ffff, 4) + le(UInt64.max - 12, 8) + le(4, 2) + le(0, 8) + [8, 0] + [UInt8](repeating: 0, count: 16)
        let bytes = SectionedELF(parts: [.init(name: ".debug_info", bytes: info), .init(name: ".debug_abbrev", bytes: abbreviations([]))]).bytes()
        try Data(bytes).write(to: URL(fileURLWithPath: dir.path + "/libhostile.so"))
        let scan = LoaderSearch(root: FileSystemRoot(directory: dir.path)).assemblerUnits(ofFile: "/libhostile.so")
        guard case .unreadable(let reason) = scan else {
            Issue.record("expected an unreadable scan, got \(scan)")
            return
        }
        #expect(reason.contains(".debug_info+0"))
    }
}
