import Foundation
import Testing
import TestSupport
@testable import ELFLoader

/// Debug info that names the assembly source behind an executable-stack request.
@Suite struct DWARFTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory("dwarf") }

    private func buildLibrary(_ dwarf: String) throws -> String {
        let d = dir.path
        try Toolchain.gcc(["-g", dwarf, "-c", "-o", "asm.o", Package.program("invokeNative_em64.s")], in: d)
        try Toolchain.gcc(["-g", dwarf, "-shared", "-fPIC", "-o", "lib.so", Package.program("flb-core.c"), "asm.o"], in: d)
        return d + "/lib.so"
    }

    @Test(arguments: ["-gdwarf-5", "-gdwarf-4", "-gdwarf-2"])
    func assemblerUnitIsNamed(_ dwarf: String) throws {
        let path = try buildLibrary(dwarf)
        let file = try FileBytes(path: path)
        let units = try #require(try DWARFUnits.read(ELFFile(file), source: file))
        #expect(units.count == 2)
        let asm = units.filter(\.isAssembler)
        #expect(asm.count == 1)
        #expect(asm.first?.name?.hasSuffix("invokeNative_em64.s") == true)
        #expect(asm.first?.producer?.hasPrefix("GNU AS") == true)
        #expect(units.contains { $0.producer?.hasPrefix("GNU C") == true && !$0.isAssembler })
        // The name JSON gives scripts: gas writes DW_LANG_Mips_Assembler, gcc a C standard.
        #expect(asm.first?.language.map(DWARFLanguage.name) == "Mips_Assembler")
        let c = units.first { !$0.isAssembler }?.language.map(DWARFLanguage.name)
        #expect(["C89", "C99", "C11"].contains(c ?? "none"), "\(c ?? "none")")
    }

    @Test func languageCodesAreNamedAsDWARFNamesThem() {
        #expect(DWARFLanguage.name(0x8001) == "Mips_Assembler")
        #expect(DWARFLanguage.name(0x000c) == "C99")
        #expect(DWARFLanguage.name(0x001d) == "C11")
        #expect(DWARFLanguage.name(0x0025) == "BLISS")
        #expect(DWARFLanguage.name(0x8e57) == "DW_LANG_0x8e57", "a vendor code the table lacks stays a string")
        #expect(DWARFLanguage.name(0x26) == "DW_LANG_0x0026")
        #expect(DWARFLanguage.name(0xc000_0000_0000_0000) == "DW_LANG_0xc000000000000000")
    }

    @Test func separateDebugFileFoundByBuildID() throws {
        let path = try buildLibrary("-gdwarf-5")
        let d = dir.path
        try Shell.must("/usr/bin/objcopy", ["--only-keep-debug", path, d + "/lib.debug"])
        try Shell.must("/usr/bin/strip", ["--strip-debug", path])
        let elf = try ELFFile(FileBytes(path: path))
        let id = try #require(elf.buildID(try FileBytes(path: path)))
        #expect(id.count == 40)
        try FileManager.default.createDirectory(atPath: d + "/root/usr/lib/debug/.build-id/" + id.prefix(2), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: d + "/root/opt", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: d + "/lib.debug", toPath: d + "/root/usr/lib/debug/.build-id/\(id.prefix(2))/\(id.dropFirst(2)).debug")
        try FileManager.default.moveItem(atPath: path, toPath: d + "/root/opt/lib.so")
        let loader = LoaderSearch(root: FileSystemRoot(directory: d + "/root"))
        guard case .units(let units, let debugFile) = loader.assemblerUnits(ofFile: "/opt/lib.so") else {
            Issue.record("no units from the separate debug file")
            return
        }
        #expect(units.count == 1)
        #expect(debugFile.hasPrefix("/usr/lib/debug/.build-id/"))
    }

    @Test func noDebugInfo() throws {
        try Toolchain.gcc(["-shared", "-fPIC", "-o", "plain.so", Package.program("flb-core.c"), Package.program("invokeNative_em64.s")], in: dir.path)
        let loader = LoaderSearch(root: FileSystemRoot(directory: dir.path))
        #expect(loader.assemblerUnits(ofFile: "/plain.so") == .noDebugInfo)
    }

    @Test func mutatedDebugInfoNeverCrashes() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try buildLibrary("-gdwarf-5"))))
        let elf = try ELFFile(MemoryBytes(bytes))
        let info = try #require(try elf.sections(MemoryBytes(bytes)).first { $0.name == ".debug_info" })
        var rng = SplitMix(seed: 0xd3a5f)
        for _ in 0..<2000 {
            var copy = bytes
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let at = Int(info.offset) + Int(rng.next() % max(info.size, 1))
                copy[at] = UInt8(truncatingIfNeeded: rng.next())
            }
            _ = try? DWARFUnits.read(elf, source: MemoryBytes(copy))
            _ = try? ELFFile(MemoryBytes(copy)).dynamicSymbols(MemoryBytes(copy))
        }
    }

    @Test func dynamicSymbols() throws {
        let path = try buildLibrary("-gdwarf-5")
        let file = try FileBytes(path: path)
        let symbols = try ELFFile(file).dynamicSymbols(file)
        #expect(symbols.contains(DynamicSymbol(name: "flb_start", defined: true)))
        #expect(symbols.contains(DynamicSymbol(name: "invokeNative", defined: true)))
    }
}
