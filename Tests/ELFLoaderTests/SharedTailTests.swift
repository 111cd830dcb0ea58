import Foundation
import Testing
import TestSupport
@testable import ELFLoader

/// A closure walked through the cache a run shares (whose part after the executable, or below
/// its own dependencies where $ORIGIN places them, is reused across programs) is the closure a
/// fresh walk gives, in whatever order the programs come: also where the executable's DT_RPATH,
/// its path, its soname or its file take part in the walk below it.
@Suite struct SharedTailTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory("shared-tail") }

    private func put(_ w: ELFWriter, _ path: String) throws { try w.write(to: dir.path + path) }

    private func library(_ path: String, soname: String? = nil, needing needed: [String] = []) throws {
        var lib = ELFWriter.named("x86_64")
        lib.soname = soname
        lib.needed = needed
        try put(lib, path)
    }

    private func program(_ path: String, soname: String? = nil, needing needed: [String], rpath: String? = nil,
                         runpath: String? = nil) throws {
        var exe = ELFWriter.named("x86_64")
        exe.type = 3
        exe.interpreter = "/lib64/ld-linux-x86-64.so.2"
        exe.soname = soname
        exe.needed = needed
        exe.rpath = rpath
        exe.runpath = runpath
        try put(exe, path)
    }

    /// Everything a closure says, as text to compare.
    private func described(_ closure: LoadClosure) -> [String] {
        closure.objects.map { "\($0.path) -> \($0.realPath) as \($0.neededName) from \($0.parent.map(String.init) ?? "-") via \($0.foundVia)" }
            + closure.problems.map { "missing \($0.name) for \($0.requester): \($0.reason)" }
            + [closure.cut.map { "cut at \($0.objects), \($0.unsearchedEntries) unsearched" } ?? "complete"]
    }

    @Test func aSharedWalkGivesWhatAFreshOneGives() throws {
        // libtop needs libmid, which needs libbot; libbot names two programs by path and one by
        // soname, and libalias is another name for a fourth program's file.
        try library("/usr/lib/libtop.so", soname: "libtop.so", needing: ["libmid.so"])
        try library("/usr/lib/libmid.so", soname: "libmid.so", needing: ["libbot.so", "libalias.so"])
        try library("/usr/lib/libbot.so", soname: "libbot.so", needing: ["/opt/named/bin/prog", "libself.so", "libgone.so"])
        try library("/rpath/lib/libmid.so", soname: "libmid.so")
        try library("/opt/origin/lib/libtop.so", soname: "libtop.so", needing: ["libmid.so"])
        let programs = ["/opt/a/bin/prog", "/opt/b/bin/prog", "/opt/rpath/bin/prog", "/opt/named/bin/prog",
                        "/opt/soname/bin/prog", "/opt/aliased/bin/prog", "/opt/itself/bin/prog", "/opt/origin/bin/prog",
                        "/opt/origin2/bin/prog"]
        for path in programs.prefix(6) where path != "/opt/rpath/bin/prog" && path != "/opt/soname/bin/prog" {
            try program(path, needing: ["libtop.so"])
        }
        // Its DT_RPATH finds another libmid for libtop, below the executable.
        try program("/opt/rpath/bin/prog", needing: ["libtop.so"], rpath: "/rpath/lib")
        try program("/opt/soname/bin/prog", soname: "libself.so", needing: ["libtop.so"])
        // Its own DT_NEEDED entry names it (its soname): the same names as the plain programs' ask.
        try program("/opt/itself/bin/prog", soname: "libtop.so", needing: ["libtop.so"])
        // Their $ORIGIN finds libtop where each lies (another file, or none), and the same libmid below it.
        try program("/opt/origin/bin/prog", needing: ["libtop.so"], runpath: "$ORIGIN/../lib")
        try program("/opt/origin2/bin/prog", needing: ["libtop.so"], runpath: "$ORIGIN/../lib")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/usr/lib/libalias.so", withDestinationPath: "/opt/aliased/bin/prog")

        let loader = LoaderSearch(root: FileSystemRoot(directory: dir.path))
        let fresh = try Dictionary(uniqueKeysWithValues: programs.map { ($0, described(try loader.closure(executable: $0))) })
        // Each program after each other one, through one cache: whichever walked the shared part first.
        for first in programs {
            var parsed = ELFCache()
            for path in [first] + programs {
                #expect(described(try loader.closure(executable: path, parsed: &parsed)) == fresh[path], "\(path) after \(first)")
            }
        }
        let below = fresh.mapValues { Array($0.dropFirst()) }
        // Below the executable, only the two plain programs and the one whose $ORIGIN finds no
        // libtop have the same closure: reusing one program's walk for any other would show.
        #expect(Set(below.values).count == programs.count - 2)
        #expect(below["/opt/a/bin/prog"] == below["/opt/b/bin/prog"])
        #expect(below["/opt/a/bin/prog"] == below["/opt/origin2/bin/prog"])
    }

    /// Where a name was found is shared between requesters with the same plain DT_RUNPATH,
    /// never between different ones, nor with a RUNPATH whose $ORIGIN is each requester's own.
    @Test func aSearchIsSharedOnlyUnderTheSameRunpath() throws {
        for d in ["/one", "/two", "/opt/c/lib", "/opt/d/lib", "/usr/lib"] { try library(d + "/libx.so") }
        let programs: [(path: String, runpath: String?, finds: String)] = [
            ("/opt/a/bin/prog", "/one", "/one/libx.so"), ("/opt/b/bin/prog", "/two", "/two/libx.so"),
            ("/opt/e/bin/prog", "/one", "/one/libx.so"), ("/opt/f/bin/prog", nil, "/usr/lib/libx.so"),
            ("/opt/c/bin/prog", "$ORIGIN/../lib", "/opt/c/lib/libx.so"), ("/opt/d/bin/prog", "$ORIGIN/../lib", "/opt/d/lib/libx.so"),
        ]
        for p in programs {
            var exe = ELFWriter.named("x86_64")
            exe.type = 3
            exe.needed = ["libx.so"]
            exe.runpath = p.runpath
            try put(exe, p.path)
        }
        let loader = LoaderSearch(root: FileSystemRoot(directory: dir.path))
        var parsed = ELFCache()
        for p in programs {
            #expect(try loader.closure(executable: p.path, parsed: &parsed).objects.last?.realPath == p.finds, "\(p.path)")
        }
    }

    /// A run is one snapshot, but a live session says files may have changed before each new
    /// program: a library below the executable's own dependencies replaced since (a package
    /// upgrade renames the new file in) is read again then, with what it needs.
    @Test func aLiveSessionWalksAgainOnceFilesMayHaveChanged() throws {
        try library("/usr/lib/libtop.so", needing: ["libmid.so"])
        try library("/usr/lib/libmid.so")
        try library("/usr/lib/libextra.so")
        try program("/opt/a/bin/prog", needing: ["libtop.so"])
        try program("/opt/b/bin/prog", needing: ["libtop.so"])
        let loader = LoaderSearch(root: FileSystemRoot(directory: dir.path))
        var parsed = ELFCache()
        func loaded(_ program: String) throws -> [String] {
            try loader.closure(executable: program, parsed: &parsed).objects.map(\.neededName)
        }
        #expect(try loaded("/opt/a/bin/prog") == ["/opt/a/bin/prog", "libtop.so", "libmid.so"])
        try library("/usr/lib/libmid.so.new", needing: ["libextra.so"])
        guard rename(dir.path + "/usr/lib/libmid.so.new", dir.path + "/usr/lib/libmid.so") == 0 else { throw TestFailure("rename failed") }
        parsed.filesMayHaveChanged()
        #expect(try loaded("/opt/b/bin/prog") == ["/opt/b/bin/prog", "libtop.so", "libmid.so", "libextra.so"])
    }
}
