import Foundation
import Testing
import TestSupport
@testable import ELFLoader

/// One `ELFCache` serves every closure of a run: a file is parsed once while it stays the
/// same file, and read again once it is another (a package upgrade renames a new one in) and
/// the cache was told files may have changed.
@Suite struct SharedELFCacheTests {
    @Test func aLibraryIsReadAgainOnlyWhenItIsAnotherFile() throws {
        let dir = try TemporaryDirectory("shared-elf-cache")
        let d = dir.path
        _ = try Toolchain.source("lib.c", "int lib(void) { return 1; }\n", in: d)
        _ = try Toolchain.source("main.c", "int lib(void);\nint main(void) { return lib(); }\n", in: d)
        try dir.directories(["plain", "stack", "root/bin", "root/lib"])
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
        // Another file at the same path (a new inode): until the cache is told files may have
        // changed, the tree is one snapshot and its lookup stands; then the new PT_GNU_STACK.
        try FileManager.default.copyItem(atPath: d + "/stack/libx.so", toPath: d + "/root/lib/libx.so.new")
        guard rename(d + "/root/lib/libx.so.new", d + "/root/lib/libx.so") == 0 else { throw TestFailure("rename failed") }
        #expect(try libx().gnuStackFlags == 6)
        parsed.filesMayHaveChanged()
        #expect(try libx().gnuStackFlags == 7)
        // The same inode, size and time: the same file to the cache, so not parsed again.
        try FileRewrite.blankKeepingIdentity(d + "/root/lib/libx.so")
        parsed.filesMayHaveChanged()
        #expect(try libx().gnuStackFlags == 7)
    }

    /// Once files may have changed (a live session, before a new program), where a library name
    /// was found is searched again: a newer library installed in a directory searched earlier
    /// (`/lib64` before `/usr/lib`) is the one the next program loads; and a directory
    /// met before that became a symlink (an upgrade to a versioned directory) is followed.
    @Test func aLiveSessionSeesLibrariesAndDirectoriesThatChanged() throws {
        let dir = try TemporaryDirectory("live-search")
        let d = dir.path
        _ = try Toolchain.source("lib.c", "int lib(void) { return 1; }\n", in: d)
        _ = try Toolchain.source("main.c", "int lib(void);\nint main(void) { return lib(); }\n", in: d)
        try dir.directories(["plain", "stack", "root/opt/app-1/bin", "root/opt/app-2/bin", "root/usr/lib", "root/lib64"])
        try Toolchain.gcc(["-shared", "-fPIC", "-o", "plain/libx.so", "lib.c"], in: d)
        try Toolchain.gcc(["-shared", "-fPIC", "-Wl,-z,execstack", "-o", "stack/libx.so", "lib.c"], in: d)
        try Toolchain.gcc(["-o", "root/opt/app-1/bin/prog", "main.c", "-Lplain", "-lx"], in: d)
        try Toolchain.gcc(["-o", "root/opt/app-2/bin/prog", "main.c", "-Lplain", "-lx"], in: d)
        try FileManager.default.copyItem(atPath: d + "/plain/libx.so", toPath: d + "/root/usr/lib/libx.so")
        try FileManager.default.createSymbolicLink(atPath: d + "/root/opt/app", withDestinationPath: "app-1")
        try FileManager.default.createDirectory(atPath: d + "/root/opt/current", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: d + "/root/opt/app-1/bin", toPath: d + "/root/opt/current/bin")

        let loader = LoaderSearch(root: FileSystemRoot(directory: d + "/root"))
        var parsed = ELFCache()
        func libx(_ exe: String) throws -> LoadedObject {
            try #require(try loader.closure(executable: exe, parsed: &parsed).objects.first { $0.neededName == "libx.so" })
        }
        #expect(try libx("/opt/app/bin/prog").realPath == "/usr/lib/libx.so")
        #expect(try libx("/opt/current/bin/prog").realPath == "/usr/lib/libx.so")
        // A newer libx in /lib64, searched before /usr/lib; /opt/current now a symlink.
        try FileManager.default.copyItem(atPath: d + "/stack/libx.so", toPath: d + "/root/lib64/libx.so")
        try FileManager.default.removeItem(atPath: d + "/root/opt/current")
        try FileManager.default.createSymbolicLink(atPath: d + "/root/opt/current", withDestinationPath: "app-2")
        parsed.filesMayHaveChanged()
        let newer = try libx("/opt/app/bin/prog")
        #expect(newer.realPath == "/lib64/libx.so" && newer.elf.gnuStackFlags == 7)
        let moved = try loader.closure(executable: "/opt/current/bin/prog", parsed: &parsed)
        #expect(moved.objects[0].realPath == "/opt/app-2/bin/prog")
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

    /// Directories met while resolving are not looked up again, but nothing missing is
    /// remembered once files may have changed: a program installed after a first lookup failed
    /// (a live run) is found, in a directory met before and in one that did not exist then, and
    /// symlinked or `..` paths resolve as they do without the cache.
    @Test func knownDirectoriesNeverHideAFileThatAppearsLater() throws {
        let dir = try TemporaryDirectory("known-directories")
        let d = dir.path
        _ = try Toolchain.source("main.c", "int main(void) { return 0; }\n", in: d)
        try dir.directories(["root/opt/a/bin", "root/usr/lib"])
        try Toolchain.gcc(["-o", "prog", "main.c"], in: d)
        try FileManager.default.createSymbolicLink(atPath: d + "/root/opt/link", withDestinationPath: "/opt/a")
        let root = FileSystemRoot(directory: d + "/root")
        let loader = LoaderSearch(root: root)
        var parsed = ELFCache()
        #expect(throws: ELFError.self) { try loader.closure(executable: "/opt/a/bin/prog", parsed: &parsed) }
        #expect(throws: ELFError.self) { try loader.closure(executable: "/opt/b/bin/prog", parsed: &parsed) }
        try FileManager.default.copyItem(atPath: d + "/prog", toPath: d + "/root/opt/a/bin/prog")
        try FileManager.default.createDirectory(atPath: d + "/root/opt/b/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: d + "/prog", toPath: d + "/root/opt/b/bin/prog")
        parsed.filesMayHaveChanged()
        #expect(try loader.closure(executable: "/opt/a/bin/prog", parsed: &parsed).objects[0].realPath == "/opt/a/bin/prog")
        #expect(try loader.closure(executable: "/opt/b/bin/prog", parsed: &parsed).objects[0].realPath == "/opt/b/bin/prog")
        var directories = KnownDirectories()
        for path in ["/opt/link/bin/prog", "/opt/a/bin/../bin/prog", "/usr/../opt/./link/bin/prog", "/", "/opt/a/missing", "/opt/link/bin/prog/x"] {
            let plain = root.resolution(path)
            for _ in 0..<2 {
                let cached = root.resolution(path, directories: &directories)
                #expect(cached == plain, "\(path)")
            }
        }
    }
}
