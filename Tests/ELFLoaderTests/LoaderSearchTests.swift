import Foundation
import Testing
import TestSupport
@testable import ELFLoader

/// A miniature root: programs whose dependencies are found through RPATH, RUNPATH and
/// default directories, built for each run.
final class MiniRoot: @unchecked Sendable {
    let dir: TemporaryDirectory
    var root: FileSystemRoot { FileSystemRoot(directory: dir.path) }

    init() throws {
        dir = try TemporaryDirectory("mini-root")
        let d = dir.path
        try dir.directories(["app/bin", "app/lib", "rp/lib", "usr/lib/x86_64-linux-gnu", "lib", "work"])
        let w = d + "/work"
        _ = try Toolchain.source("a.c", "long b_entry(long); void a_entry(void) { b_entry(1); }\n", in: w)
        _ = try Toolchain.source("m.c", "void a_entry(void); int main(void) { a_entry(); return 0; }\n", in: w)
        _ = try Toolchain.source("c.c", "int c_entry(void) { return 3; }\n", in: w)
        _ = try Toolchain.source("d.c", "int c_entry(void); int d_entry(void) { return c_entry(); }\n", in: w)
        _ = try Toolchain.source("md.c", "void a_entry(void); int d_entry(void); int main(void) { a_entry(); return d_entry(); }\n", in: w)
        // The chain exe -> libA -> libB through RUNPATH $ORIGIN.
        try Toolchain.gcc(["-shared", "-o", d + "/app/lib/libB.so", "-Wl,-soname,libB.so", Package.program("chain-b.s")], in: w)
        try Toolchain.gcc(["-shared", "-fPIC", "-o", d + "/app/lib/libA.so", "-Wl,-soname,libA.so", "a.c", "-L" + d + "/app/lib", "-lB",
                           "-Wl,--enable-new-dtags,-rpath,$ORIGIN"], in: w)
        try Toolchain.gcc(["-o", d + "/app/bin/app", "m.c", "-L" + d + "/app/lib", "-lA",
                           "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib,-rpath-link," + d + "/app/lib"], in: w)
        // RPATH is inherited by dependencies, RUNPATH is not: libC lives only in /rp/lib.
        try Toolchain.gcc(["-shared", "-fPIC", "-o", d + "/rp/lib/libC.so", "-Wl,-soname,libC.so", "c.c"], in: w)
        try Toolchain.gcc(["-shared", "-fPIC", "-o", d + "/app/lib/libD.so", "-Wl,-soname,libD.so", "d.c", "-L" + d + "/rp/lib", "-lC"], in: w)
        try Toolchain.gcc(["-o", d + "/app/bin/rpath-app", "md.c", "-L" + d + "/app/lib", "-lD", "-lA",
                           "-Wl,--disable-new-dtags,-rpath,/rp/lib:/app/lib,-rpath-link," + d + "/app/lib:" + d + "/rp/lib"], in: w)
        try Toolchain.gcc(["-o", d + "/app/bin/runpath-app", "md.c", "-L" + d + "/app/lib", "-lD", "-lA",
                           "-Wl,--enable-new-dtags,-rpath,/rp/lib:/app/lib,-rpath-link," + d + "/app/lib:" + d + "/rp/lib"], in: w)
        // libc for the default directory search.
        let libc = try Shell.run("/usr/bin/gcc", ["-print-file-name=libc.so.6"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.copyItem(atPath: libc, toPath: d + "/usr/lib/x86_64-linux-gnu/libc.so.6")
    }
}

@Suite struct LoaderSearchTests {
    let mini: MiniRoot
    init() throws { mini = try MiniRoot() }

    @Test func chainThroughRunpathOrigin() throws {
        let closure = try LoaderSearch(root: mini.root).closure(executable: "/app/bin/app")
        let names = closure.objects.map(\.realPath)
        #expect(names.contains("/app/lib/libA.so"))
        #expect(names.contains("/app/lib/libB.so"))
        let b = try #require(closure.objects.firstIndex { $0.realPath == "/app/lib/libB.so" })
        #expect(closure.chain(to: b).map(\.realPath) == ["/app/bin/app", "/app/lib/libA.so", "/app/lib/libB.so"])
        #expect(closure.objects[b].foundVia == "RUNPATH $ORIGIN")
        #expect(closure.objects.contains { $0.foundVia.hasPrefix("default directory") && $0.neededName == "libc.so.6" })
    }

    @Test func rpathIsInheritedButRunpathIsNot() throws {
        let loader = LoaderSearch(root: mini.root)
        let withRpath = try loader.closure(executable: "/app/bin/rpath-app")
        let c = try #require(withRpath.objects.first { $0.neededName == "libC.so" })
        #expect(c.foundVia == "RPATH /rp/lib of /app/bin/rpath-app")
        #expect(withRpath.problems.isEmpty)

        let withRunpath = try loader.closure(executable: "/app/bin/runpath-app")
        #expect(!withRunpath.objects.contains { $0.neededName == "libC.so" })
        #expect(withRunpath.problems.map(\.name) == ["libC.so"], "libD's own search has no RUNPATH, so libC is not found")
    }

    @Test func wrongMachineCandidatesArePassedOver() throws {
        let d = mini.dir.path
        // An aarch64-stamped libB earlier in the search path must be skipped, as ld.so does.
        try FileManager.default.createDirectory(atPath: d + "/first", withIntermediateDirectories: true)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: d + "/app/lib/libB.so")))
        bytes[18] = 183; bytes[19] = 0
        try Data(bytes).write(to: URL(fileURLWithPath: d + "/first/libB.so"))
        let closure = try LoaderSearch(root: mini.root, libraryPath: ["/first"]).closure(executable: "/app/bin/app")
        #expect(closure.objects.first { $0.neededName == "libB.so" }?.realPath == "/app/lib/libB.so")
    }

    @Test func missingExecutable() {
        #expect(throws: ELFError.self) { try LoaderSearch(root: mini.root).closure(executable: "/no/such/program") }
    }

    @Test func systemCacheFindsLibc() throws {
        guard let bytes = FileSystemRoot.system.contents("/etc/ld.so.cache") else { return }
        let cache = try LdCache(bytes)
        #expect(!cache.lookup("libc.so.6", flags: LdCache.flags(machine: 62, elf64: true)).isEmpty)
    }

    @Test func cacheParserRejectsGarbage() {
        #expect(throws: ELFError.self) { try LdCache(Array("glibc-ld.so.cache1.1".utf8)) }
        #expect(throws: ELFError.self) { try LdCache([UInt8](repeating: 0xff, count: 100)) }
    }
}

@Suite struct FileSystemRootTests {
    @Test func symlinksAndDotDotStayInsideTheRoot() throws {
        let dir = try TemporaryDirectory("root-escape")
        let d = dir.path
        let fm = FileManager.default
        try fm.createDirectory(atPath: d + "/etc", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: d + "/lib", withIntermediateDirectories: true)
        _ = try dir.write("etc/passwd", "inside\n")
        try fm.createSymbolicLink(atPath: d + "/lib/abs", withDestinationPath: "/etc/passwd")
        try fm.createSymbolicLink(atPath: d + "/lib/rel", withDestinationPath: "../../../../../../etc/passwd")
        try fm.createSymbolicLink(atPath: d + "/lib/loop", withDestinationPath: "loop")
        try fm.createSymbolicLink(atPath: d + "/lib/dir", withDestinationPath: "/")
        let root = FileSystemRoot(directory: d)
        #expect(root.resolve("/lib/abs") == "/etc/passwd")
        #expect(root.resolve("/lib/rel") == "/etc/passwd")
        #expect(root.resolve("/../../../etc/passwd") == "/etc/passwd")
        #expect(root.resolve("/lib/dir/../lib/dir/etc/passwd") == "/etc/passwd")
        #expect(root.resolve("/lib/loop") == nil)
        #expect(root.resolve("/lib/abs\u{0}x") == nil)
        let text = root.contents("/lib/abs").map { String(decoding: $0, as: UTF8.self) }
        #expect(text == "inside\n", "the root's /etc/passwd, never the host's")
    }

    /// A path resolved inside the root is opened beneath it: a directory on the way that became a
    /// symlink since (a live or writable root changing during the run) is refused, not followed
    /// out of the root to the host's file of the same name.
    @Test func aDirectoryTurnedSymlinkAfterResolvingIsNotFollowedOut() throws {
        let dir = try TemporaryDirectory("root-race")
        let d = dir.path
        let fm = FileManager.default
        _ = try dir.write("root/lib/libx.so", "inside\n")
        _ = try dir.write("host/libx.so", "outside\n")
        let root = FileSystemRoot(directory: d + "/root")
        let real = try #require(root.resolve("/lib/libx.so"))
        #expect(try root.open(resolved: real).contents(limit: 100).map { String(decoding: $0, as: UTF8.self) } == "inside\n")
        try fm.removeItem(atPath: d + "/root/lib")
        try fm.createSymbolicLink(atPath: d + "/root/lib", withDestinationPath: d + "/host")
        #expect(throws: (any Error).self) { try root.open(resolved: real) }
        // Relative to the root too (`..` up and out).
        try fm.removeItem(atPath: d + "/root/lib")
        try fm.createSymbolicLink(atPath: d + "/root/lib", withDestinationPath: "../host")
        #expect(throws: (any Error).self) { try root.open(resolved: real) }
    }

    /// Components are split by Character: a "/" followed by a combining mark separates nothing
    /// (so /lnk/\u{301}f is one lookup, the symlink left to the kernel), while symlink targets,
    /// `.`, `..` and empty components resolve alike in ASCII and other paths.
    @Test func componentsAreCharactersInAnyScript() throws {
        let dir = try TemporaryDirectory("root-components")
        let d = dir.path
        let fm = FileManager.default
        try fm.createDirectory(atPath: d + "/réel/sous", withIntermediateDirectories: true)
        _ = try dir.write("réel/sous/\u{301}f", "x\n")
        _ = try dir.write("réel/sous/plain", "x\n")
        try fm.createSymbolicLink(atPath: d + "/lnk", withDestinationPath: "réel/sous")
        try fm.createSymbolicLink(atPath: d + "/réel/up", withDestinationPath: "../réel//./sous/")
        let root = FileSystemRoot(directory: d)
        let expected = [
            "/lnk/\u{301}f": "/lnk/\u{301}f", "/réel/up/\u{301}f": "/réel/up/\u{301}f",
            "/lnk/plain": "/réel/sous/plain", "//réel/./up/../up/plain": "/réel/sous/plain", "/réel/up//plain/": "/réel/sous/plain",
        ]
        for (path, real) in expected { #expect(root.resolve(path) == real, "\(path)") }
    }

    /// A base name (the interpreter's, which libc's DT_NEEDED is matched against) is the last
    /// component splitting by Character gives, in every script and with any slashes.
    @Test func lastComponentIsTheSplitsLast() {
        for path in ["/lib64/ld-linux-x86-64.so.2", "ld.so", "/lib/", "//a//b//", "/", "", "/lib/é/\u{301}x", "/a/\u{301}", "/a\r\n/b"] {
            #expect(path.lastNonEmptyPathComponent.map(String.init) == path.split(separator: "/").last.map(String.init), "\(path)")
        }
    }
}
