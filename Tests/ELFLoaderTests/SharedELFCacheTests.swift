import Foundation
import Testing
import TestSupport
@testable import ELFLoader

/// One `ELFCache` serves every closure of a run: a file is parsed once while it stays the
/// same file, and read again once it is another (a package upgrade renames a new one in).
@Suite struct SharedELFCacheTests {
    @Test func aLibraryIsReadAgainOnlyWhenItIsAnotherFile() throws {
        let dir = try TemporaryDirectory("shared-elf-cache")
        let d = dir.path
        _ = try Toolchain.source("lib.c", "int lib(void) { return 1; }\n", in: d)
        _ = try Toolchain.source("main.c", "int lib(void);\nint main(void) { return lib(); }\n", in: d)
        for sub in ["plain", "stack", "root/bin", "root/lib"] {
            try FileManager.default.createDirectory(atPath: d + "/" + sub, withIntermediateDirectories: true)
        }
        try Toolchain.gcc(["-shared", "-fPIC", "-o", "plain/libx.so", "lib.c"], in: d)
        try Toolchain.gcc(["-shared", "-fPIC", "-Wl,-z,execstack", "-o", "stack/libx.so", "lib.c"], in: d)
        try Toolchain.gcc(["-o", "root/bin/prog", "main.c", "-Lplain", "-lx"], in: d)
        try FileManager.default.copyItem(atPath: d + "/plain/libx.so", toPath: d + "/root/lib/libx.so")

        let loader = LoaderSearch(root: FileSystemRoot(directory: d + "/root"))
        var parsed = ELFCache()
        func libx() throws -> ELFFile {
            try #require(try loader.closure(executable: "/bin/prog", parsed: &parsed).objects.first { $0.neededName == "libx.so" }).elf
        }
        #expect(try libx().gnuStackFlags == 6)
        // Another file at the same path (a new inode): its PT_GNU_STACK, not the cached one's.
        try FileManager.default.copyItem(atPath: d + "/stack/libx.so", toPath: d + "/root/lib/libx.so.new")
        guard rename(d + "/root/lib/libx.so.new", d + "/root/lib/libx.so") == 0 else { throw TestFailure("rename failed") }
        #expect(try libx().gnuStackFlags == 7)
        // The same inode, size and time: the same file to the cache, so not parsed again.
        try FileRewrite.blankKeepingIdentity(d + "/root/lib/libx.so")
        #expect(try libx().gnuStackFlags == 7)
    }

    /// A thousand one-off entries through a cache of four: it never holds more than four, and
    /// the entry read between them (libc, for every program) is never dropped.
    @Test func aBoundedCacheKeepsWhatIsReadAgain() {
        var cache = BoundedCache<Int, Int>(capacity: 4)
        cache[0] = 0
        for i in 1...1000 {
            cache[i] = i
            #expect(cache[0] == 0)
            #expect(cache.count <= 4)
        }
        #expect(cache[1] == nil)
        #expect(cache[1000] == 1000)
    }
}
