import Foundation
import Testing
import TestSupport
@testable import ELFLoader

@Suite struct ELFFileTests {
    let fx: ELFFixtures
    init() throws { fx = try ELFFixtures() }

    private func elf(_ relative: String) throws -> ELFFile { try ELFFile(FileBytes(path: fx.path(relative))) }

    @Test func stackFlagsFromTheLinker() throws {
        #expect(try elf("lib/libplain.so").gnuStackFlags == 6)
        #expect(try elf("lib/libexecstack.so").gnuStackFlags == 7)
        #expect(try elf("lib/libasm.so").gnuStackFlags == 7, "assembly without .note.GNU-stack makes GNU ld ask for an executable stack")
        #expect(try elf("bin/nostack").gnuStackFlags == nil)
    }

    @Test func identityAndDynamicSection() throws {
        let e = try elf("lib/libtextrel.so")
        #expect(e.elfClass == .elf64)
        #expect(e.machine == 62)
        #expect(e.dynamic?.textRelocations == true)
        #expect(try elf("lib/libplain.so").dynamic?.textRelocations == false)
        #expect(try elf("bin/nostack").dynamic?.needed.contains("libc.so.6") == true)
        #expect(try elf("bin/nostack").interpreter?.hasPrefix("/lib") == true)
    }

    @Test func truncatedFilesNeverCrash() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fx.path("lib/libtextrel.so"))))
        var failures = 0
        for length in stride(from: 0, to: bytes.count, by: 37) {
            do { _ = try ELFFile(MemoryBytes(Array(bytes.prefix(length)))) } catch { failures += 1 }
        }
        #expect(failures > 0)
    }

    @Test func randomMutationsNeverCrash() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fx.path("lib/libtextrel.so"))))
        var rng = SplitMix(seed: 0x5eed)
        for _ in 0..<3000 {
            var copy = bytes
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                // Bias edits toward the headers, where offsets and counts live.
                let limit = rng.next() % 4 == 0 ? copy.count : min(copy.count, 1024)
                copy[Int(rng.next() % UInt64(limit))] = UInt8(truncatingIfNeeded: rng.next())
            }
            _ = try? ELFFile(MemoryBytes(copy))
        }
    }

    @Test func hostileHeaders() {
        var header = [UInt8](repeating: 0, count: 64)
        header[0...3] = [0x7f, 0x45, 0x4c, 0x46]
        header[4] = 2; header[5] = 1
        header[32] = 0xff; header[39] = 0x7f     // e_phoff far past the end
        header[54] = 56; header[56] = 0xff; header[57] = 0xff   // 65535 entries
        #expect(throws: ELFError.self) { try ELFFile(MemoryBytes(header)) }
        #expect(throws: ELFError.self) { try ELFFile(MemoryBytes(Array("not an elf".utf8))) }
        #expect(throws: ELFError.self) { try ELFFile(MemoryBytes([0x7f, 0x45, 0x4c, 0x46, 9, 1])) }
    }
}
