import Foundation
import Testing
import TestSupport
@testable import ELFLoader

/// Hand-built ELF files for every architecture the audit log can name.
@Suite struct ArchTests {
    static let arches = ["x86_64", "i386", "aarch64", "arm", "ppc64le", "ppc64", "s390x"]

    @Test(arguments: arches)
    func parsesEveryClassAndByteOrder(_ arch: String) throws {
        var w = ELFWriter.named(arch)
        w.needed = ["libfoo.so.1"]
        w.runpath = "$ORIGIN/../lib"
        w.soname = "libbar.so"
        w.textrel = true
        w.stackFlags = 7
        let elf = try ELFFile(MemoryBytes(w.bytes()))
        #expect(Machine(of: elf).name == arch)
        #expect(elf.gnuStackFlags == 7)
        #expect(elf.dynamic?.needed == ["libfoo.so.1"])
        #expect(elf.dynamic?.runpath == ["$ORIGIN/../lib"])
        #expect(elf.dynamic?.soname == "libbar.so")
        #expect(elf.dynamic?.textRelocations == true)
    }

    @Test(arguments: [("x86_64", true), ("i386", true), ("s390x", true), ("arm", true), ("aarch64", false), ("ppc64le", false), ("ppc64", false)])
    func missingStackHeaderFollowsTheABIDefault(_ arch: String, _ executable: Bool) throws {
        var w = ELFWriter.named(arch)
        w.stackFlags = nil
        let elf = try ELFFile(MemoryBytes(w.bytes()))
        #expect(elf.gnuStackFlags == nil)
        #expect(Machine(of: elf).stackExecutableByDefault == executable)
    }

    @Test(arguments: arches)
    func closureThroughTheDefaultDirectories(_ arch: String) throws {
        let dir = try TemporaryDirectory("arch-\(arch)")
        let machine = Machine(of: try ELFFile(MemoryBytes(ELFWriter.named(arch).bytes())))
        // Each ABI's first default directory: multiarch on Debian, else lib64/lib.
        let libdir = machine.defaultDirectories[0]
        var exe = ELFWriter.named(arch)
        exe.type = 2
        exe.interpreter = "/lib/ld-linux.so"
        exe.needed = ["libfoo.so.1"]
        var lib = ELFWriter.named(arch)
        lib.soname = "libfoo.so.1"
        lib.needed = ["libbar.so.2"]
        var bar = ELFWriter.named(arch)
        bar.soname = "libbar.so.2"
        // A library of another machine earlier in the search must be passed over.
        var wrong = ELFWriter.named(arch == "x86_64" ? "aarch64" : "x86_64")
        wrong.soname = "libbar.so.2"
        try exe.write(to: dir.path + "/bin/prog")
        try lib.write(to: dir.path + libdir + "/libfoo.so.1")
        try wrong.write(to: dir.path + "/usr/local/lib/libbar.so.2")
        try bar.write(to: dir.path + "/usr/lib/libbar.so.2")
        let loader = LoaderSearch(root: FileSystemRoot(directory: dir.path), libraryPath: ["/usr/local/lib"])
        let closure = try loader.closure(executable: "/bin/prog")
        #expect(closure.objects.map(\.realPath) == ["/bin/prog", libdir + "/libfoo.so.1", "/usr/lib/libbar.so.2"])
        #expect(closure.problems.isEmpty)
    }

    @Test func ldCacheFlagsPerArchitecture() {
        #expect(LdCache.flags(machine: 62, elf64: true) == 0x303)
        #expect(LdCache.flags(machine: 183, elf64: true) == 0xa03)
        #expect(LdCache.flags(machine: 22, elf64: true) == 0x403)
        #expect(LdCache.flags(machine: 3, elf64: false) == nil)
    }
}
