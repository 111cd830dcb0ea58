import Foundation
import Testing
import TestSupport
@testable import ELFLoader

/// ld.so's search order on hand-built x86_64 files: which copy of a library wins.
@Suite struct SearchOrderTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory("search-order") }

    private func put(_ w: ELFWriter, _ path: String) throws { try w.write(to: dir.path + path) }

    private func program(needing name: String, rpath: String? = nil, runpath: String? = nil) throws {
        var exe = ELFWriter.named("x86_64")
        exe.type = 2
        exe.interpreter = "/lib64/ld-linux-x86-64.so.2"
        exe.needed = [name]
        exe.rpath = rpath
        exe.runpath = runpath
        try put(exe, "/bin/prog")
    }

    private func found(_ name: String, libraryPath: [String] = []) throws -> LoadedObject? {
        try LoaderSearch(root: FileSystemRoot(directory: dir.path), libraryPath: libraryPath)
            .closure(executable: "/bin/prog").objects.first { $0.neededName == name }
    }

    @Test func rpathBeatsLibraryPathWhichBeatsRunpath() throws {
        let lib = ELFWriter.named("x86_64")
        for d in ["/rpath", "/env", "/runpath", "/usr/lib"] { try put(lib, d + "/libx.so") }
        try program(needing: "libx.so", rpath: "/rpath")
        #expect(try found("libx.so", libraryPath: ["/env"])?.realPath == "/rpath/libx.so")
        try program(needing: "libx.so", runpath: "/runpath")
        #expect(try found("libx.so", libraryPath: ["/env"])?.realPath == "/env/libx.so")
        #expect(try found("libx.so")?.realPath == "/runpath/libx.so")
        try program(needing: "libx.so")
        #expect(try found("libx.so")?.realPath == "/usr/lib/libx.so")
    }

    /// A DT_NEEDED path holding `$ORIGIN` is expanded as ld.so does (elf/dl-load.c expands
    /// dynamic string tokens in a needed path, from the requester's directory), and the object it
    /// names is each program's own: two programs in two directories sharing one cache (and the
    /// closures' shared tails) each load the library beside them.
    @Test func aNeededPathWithOriginIsTheRequestersOwn() throws {
        var exe = ELFWriter.named("x86_64")
        exe.type = 2
        exe.interpreter = "/lib64/ld-linux-x86-64.so.2"
        exe.needed = ["$ORIGIN/../lib/libx.so"]
        let lib = ELFWriter.named("x86_64")
        for app in ["/opt/a", "/opt/b"] {
            try put(exe, app + "/bin/prog")
            try put(lib, app + "/lib/libx.so")
        }
        let loader = LoaderSearch(root: FileSystemRoot(directory: dir.path))
        var parsed = ELFCache()
        for app in ["/opt/a", "/opt/b", "/opt/a"] {
            let closure = try loader.closure(executable: app + "/bin/prog", parsed: &parsed)
            let x = try #require(closure.objects.first { $0.neededName == "$ORIGIN/../lib/libx.so" }, "\(app): \(closure.problems)")
            #expect(x.realPath == app + "/lib/libx.so")
            #expect(x.foundVia == "path in DT_NEEDED $ORIGIN/../lib/libx.so")
        }
    }

    /// glibc drops an object's DT_RPATH when it also has a DT_RUNPATH (elf/get-dynamic-info.h),
    /// so neither the executable's nor a library's RPATH then finds anything for the objects
    /// below it.
    @Test func rpathIsIgnoredBesideRunpath() throws {
        var top = ELFWriter.named("x86_64")
        top.needed = ["libmid.so"]
        top.rpath = "/rpath"
        top.runpath = "/runpath"
        try put(top, "/usr/lib/libtop.so")
        var mid = ELFWriter.named("x86_64")
        mid.needed = ["libleaf.so"]
        let leaf = ELFWriter.named("x86_64")
        for d in ["/rpath", "/usr/lib"] {
            try put(mid, d + "/libmid.so")
            try put(leaf, d + "/libleaf.so")
        }
        try program(needing: "libtop.so", rpath: "/rpath", runpath: "/runpath")
        #expect(try found("libtop.so")?.realPath == "/usr/lib/libtop.so")
        #expect(try found("libmid.so")?.realPath == "/usr/lib/libmid.so")
        #expect(try found("libleaf.so")?.realPath == "/usr/lib/libleaf.so")
    }

    @Test func hwcapsSubdirectoryIsTriedFirst() throws {
        let lib = ELFWriter.named("x86_64")
        try put(lib, "/usr/lib64/libh.so")
        try put(lib, "/usr/lib64/glibc-hwcaps/x86-64-v3/libh.so")
        try program(needing: "libh.so")
        let hit = try #require(try found("libh.so"))
        #expect(hit.realPath == "/usr/lib64/glibc-hwcaps/x86-64-v3/libh.so")
        #expect(hit.foundVia.contains("if the CPU has it"))
    }

    @Test func ldSoConfIncludesWhenThereIsNoCache() throws {
        let lib = ELFWriter.named("x86_64")
        try put(lib, "/opt/vendor/lib/libv.so")
        try FileManager.default.createDirectory(atPath: dir.path + "/etc/ld.so.conf.d", withIntermediateDirectories: true)
        try "include /etc/ld.so.conf.d/*.conf\n".write(toFile: dir.path + "/etc/ld.so.conf", atomically: true, encoding: .utf8)
        try "# vendor\n/opt/vendor/lib\n".write(toFile: dir.path + "/etc/ld.so.conf.d/vendor.conf", atomically: true, encoding: .utf8)
        try "/not/here\n".write(toFile: dir.path + "/etc/ld.so.conf.d/other.txt", atomically: true, encoding: .utf8)
        try program(needing: "libv.so")
        #expect(try found("libv.so")?.foundVia == "ld.so.conf directory /opt/vendor/lib")
    }

    @Test func oldFormatCacheAlone() throws {
        // "ld.so-1.7.0", pad, nlibs, then {flags, key, value} with strings after the table.
        var bytes = Array("ld.so-1.7.0".utf8) + [0] + [1, 0, 0, 0]
        let strings = Array("libold.so\0/srv/lib/libold.so\0".utf8)
        bytes += [3, 3, 0, 0] + [0, 0, 0, 0] + [10, 0, 0, 0]
        bytes += strings
        let cache = try LdCache(bytes)
        #expect(cache.lookup("libold.so", flags: nil) == ["/srv/lib/libold.so"])
    }

    @Test func nodeflibSkipsDefaultDirectories() throws {
        var lib = ELFWriter.named("x86_64")
        lib.soname = "libd.so"
        try put(lib, "/usr/lib/libd.so")
        var exe = ELFWriter.named("x86_64")
        exe.type = 2
        exe.interpreter = "/lib64/ld-linux-x86-64.so.2"
        exe.needed = ["libd.so"]
        var bytes = exe.bytes()
        // Append DT_FLAGS_1 = DF_1_NODEFLIB by rewriting the DT_NULL terminator and adding a new one.
        let dynEnd = bytes.count - 16
        bytes.replaceSubrange(dynEnd..<bytes.count, with: le(0x6fff_fffb) + le(0x800) + le(0) + le(0))
        // Grow the PT_LOAD and PT_DYNAMIC sizes by one entry.
        try FileManager.default.createDirectory(atPath: dir.path + "/bin", withIntermediateDirectories: true)
        bytes = patchSizes(bytes, grow: 16)
        try Data(bytes).write(to: URL(fileURLWithPath: dir.path + "/bin/prog"))
        let closure = try LoaderSearch(root: FileSystemRoot(directory: dir.path)).closure(executable: "/bin/prog")
        #expect(closure.objects.count == 1)
        #expect(closure.problems.map(\.name) == ["libd.so"])
    }

    private func le(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// Adds `grow` bytes to p_filesz/p_memsz of PT_LOAD and PT_DYNAMIC in a 64-bit LE file.
    private func patchSizes(_ b: [UInt8], grow: Int) -> [UInt8] {
        var out = b
        let phnum = Int(b[56]) | Int(b[57]) << 8
        for i in 0..<phnum {
            let o = 64 + i * 56
            let type = Int(b[o]) | Int(b[o + 1]) << 8
            guard type == 1 || type == 2 else { continue }
            for field in [o + 32, o + 40] {
                var v = 0
                for k in 0..<8 { v |= Int(b[field + k]) << (8 * k) }
                v += grow
                for k in 0..<8 { out[field + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
            }
        }
        return out
    }
}
