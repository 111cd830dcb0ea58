import Foundation
import Testing
import TestSupport
import ELFLoader
@testable import Diagnosis

/// What one program taught about a library serves every other program that loads it.
@Suite struct ObjectCachesTests {
    /// Two programs load a code generator recognised by its dynamic symbols. Between their
    /// denials the library is blanked, keeping its identity: the second program's finding still
    /// names it, so neither its headers nor its symbols were read a second time.
    @Test func aSharedLibraryIsReadOncePerRun() throws {
        var (dir, diagnoser) = try Self.jitLibraryTree("object-caches", programs: ["a", "b"], live: false)
        let d = dir.path
        let rwx = ["0", "1000", "7", "22"]   // mmap(NULL, 4096, RWX, MAP_PRIVATE|MAP_ANONYMOUS)
        try HostFactsTests.feed(HostFactsTests.event(1, perms: "execmem", syscall: 9, a: rwx, pid: 101, exe: "/opt/a/bin/a"), to: &diagnoser)
        try FileRewrite.blankKeepingIdentity(d + "/usr/lib/libgen.so")
        try HostFactsTests.feed(HostFactsTests.event(2, perms: "execmem", syscall: 9, a: rwx, pid: 102, exe: "/opt/b/bin/b"), to: &diagnoser)

        let second = try #require(diagnoser.results.first { $0.process.exe == "/opt/b/bin/b" })
        #expect(second.mechanism == .jitRWXMapping)
        #expect(second.culprits.map(\.path) == ["/usr/lib/libgen.so"])
        #expect(second.culprits.first?.jit?.name == "PCRE2 JIT")
    }

    /// The code generators in the part of a closure walked once for many programs are found
    /// once for all of them, and never given to a program whose part is another, even where
    /// both hold as many objects.
    @Test func eachSharedPartOfAClosureKeepsItsOwnCodeGenerators() throws {
        let dir = try TemporaryDirectory("shared-part-clues")
        func put(_ path: String, soname: String? = nil, needing needed: [String]) throws {
            var elf = ELFWriter.named("x86_64")
            elf.soname = soname
            elf.needed = needed
            try elf.write(to: dir.path + path)
        }
        try put("/usr/lib/libtop.so", needing: ["libpcre2-8.so.0"])
        try put("/usr/lib/libother.so", needing: ["libffi.so.8"])
        try put("/usr/lib/libpcre2-8.so.0", soname: "libpcre2-8.so.0", needing: [])
        try put("/usr/lib/libffi.so.8", soname: "libffi.so.8", needing: [])
        for (program, library) in [("a", "libtop.so"), ("b", "libtop.so"), ("c", "libother.so")] {
            try put("/opt/\(program)/bin/\(program)", needing: [library])
        }
        let loader = LoaderSearch(root: FileSystemRoot(directory: dir.path))
        var caches = ObjectCaches()
        for (program, generator) in [("a", "PCRE2 JIT"), ("c", "libffi closures"), ("b", "PCRE2 JIT")] {
            let facts = try ProgramFacts.analyse(executable: "/opt/\(program)/bin/\(program)", loader: loader, caches: &caches).get()
            #expect(facts.closure.shared != nil, "\(program)")
            #expect(facts.jitComponents.map(\.component.name) == [generator], "\(program)")
            #expect(facts.jitComponents.map(\.index) == [2], "\(program)")
        }
    }

    /// When the table of programs is full, the programs that could not be read make room
    /// first: one analysed before thousands of others not on the host is not read again (here,
    /// removed since, it would no longer be found).
    @Test func programsAnalysedOutlastProgramsNotFound() throws {
        var (dir, diagnoser) = try Self.jitLibraryTree("programs-kept", programs: ["a"], live: false)
        #expect((try? diagnoser.program("/opt/a/bin/a").get()) != nil)
        for i in 0..<Diagnoser.maxPrograms {
            #expect((try? diagnoser.program("/opt/missing\(i)/bin/x").get()) == nil)
        }
        try FileManager.default.removeItem(atPath: dir.path + "/opt/a/bin/a")
        #expect((try? diagnoser.program("/opt/a/bin/a").get())?.jitComponents.first?.component.name == "PCRE2 JIT")
        #expect(diagnoser.programs.count <= Diagnoser.maxPrograms)
    }

    /// Reading a log, a program not found stays not found (the run is one snapshot of the
    /// tree), however many programs came since: it is not looked for again. Live, it is.
    @Test func programsNotFoundAreRememberedApartFromAnalyses() throws {
        for live in [false, true] {
            var (dir, diagnoser) = try Self.jitLibraryTree("programs-unread", programs: ["a"], live: live)
            #expect((try? diagnoser.program("/opt/late/bin/late").get()) == nil)
            for i in 0..<Diagnoser.maxPrograms { _ = diagnoser.program("/opt/missing\(i)/bin/x") }
            try dir.directories(["opt/late/bin"])
            try FileManager.default.copyItem(atPath: dir.path + "/opt/a/bin/a", toPath: dir.path + "/opt/late/bin/late")
            let found = (try? diagnoser.program("/opt/late/bin/late").get()) != nil
            #expect(found == live, "live: \(live)")
        }
    }

    /// A root whose programs (under opt/NAME/bin/NAME) link usr/lib/libgen.so, built with the
    /// PCRE2 JIT's entry point; `libgen.so.new`, without it, is ready to be renamed over it, as a
    /// package update does. A Diagnoser reads it, as a live session's (`live`) or a log's.
    private static func jitLibraryTree(_ name: String, programs: [String], live: Bool) throws -> (dir: TemporaryDirectory, diagnoser: Diagnoser) {
        let dir = try TemporaryDirectory(name)
        let d = dir.path
        _ = try Toolchain.source("jit.c", "int pcre2_jit_compile_8(void) { return 0; }\nint gen(void) { return 1; }\n", in: d)
        _ = try Toolchain.source("plain.c", "int gen(void) { return 1; }\n", in: d)
        _ = try Toolchain.source("main.c", "int gen(void);\nint main(void) { return gen(); }\n", in: d)
        try dir.directories(["usr/lib"] + programs.map { "opt/\($0)/bin" })
        try Toolchain.gcc(["-shared", "-fPIC", "-o", "usr/lib/libgen.so", "jit.c"], in: d)
        try Toolchain.gcc(["-shared", "-fPIC", "-o", "libgen.so.new", "plain.c"], in: d)
        for program in programs { try Toolchain.gcc(["-o", "opt/\(program)/bin/\(program)", "main.c", "-Lusr/lib", "-lgen"], in: d) }
        var diagnoser = Diagnoser(loader: LoaderSearch(root: FileSystemRoot(directory: d)))
        diagnoser.filesChangeWhileRunning = live
        return (dir, diagnoser)
    }

    private static func upgrade(_ dir: TemporaryDirectory) throws {
        guard rename(dir.path + "/libgen.so.new", dir.path + "/usr/lib/libgen.so") == 0 else { throw TestFailure("rename failed") }
    }

    /// A live session: between two programs' denials a package upgrade renames another
    /// libgen.so in, one without the code generator. The second program's finding is made from
    /// the new file, not from what the first program's lookup of the path found.
    @Test func aLibraryReplacedDuringALiveSessionIsReadAgain() throws {
        var (dir, diagnoser) = try Self.jitLibraryTree("object-caches-live", programs: ["a", "b"], live: true)
        let rwx = ["0", "1000", "7", "22"]
        try HostFactsTests.feed(HostFactsTests.event(1, perms: "execmem", syscall: 9, a: rwx, pid: 101, exe: "/opt/a/bin/a"), to: &diagnoser)
        try Self.upgrade(dir)
        try HostFactsTests.feed(HostFactsTests.event(2, perms: "execmem", syscall: 9, a: rwx, pid: 102, exe: "/opt/b/bin/b"), to: &diagnoser)

        let first = try #require(diagnoser.results.first { $0.process.exe == "/opt/a/bin/a" })
        let second = try #require(diagnoser.results.first { $0.process.exe == "/opt/b/bin/b" })
        #expect(first.culprits.first?.jit?.name == "PCRE2 JIT")
        #expect(second.culprits.allSatisfy { $0.jit == nil })
    }

    /// The same program denied again, after a package update replaced its library: the new
    /// denial is explained from the files as they are now, not from the program's first analysis.
    @Test func aProgramWhoseLibraryWasReplacedIsAnalysedAgain() throws {
        var (dir, diagnoser) = try Self.jitLibraryTree("object-caches-live-same", programs: ["a"], live: true)
        let rwx = ["0", "1000", "7", "22"]
        // Two denials of one program that are not repeats of each other (two domains).
        try HostFactsTests.feed(HostFactsTests.event(1, perms: "execmem", syscall: 9, a: rwx, pid: 101, exe: "/opt/a/bin/a"), to: &diagnoser)
        try Self.upgrade(dir)
        try HostFactsTests.feed(HostFactsTests.event(2, perms: "execmem", syscall: 9, a: rwx, pid: 102, exe: "/opt/a/bin/a", domain: "httpd_t"), to: &diagnoser)

        let findings = diagnoser.results.filter { $0.process.exe == "/opt/a/bin/a" }
        try #require(findings.count == 2)
        #expect(findings[0].culprits.first?.jit?.name == "PCRE2 JIT")
        #expect(findings[1].culprits.allSatisfy { $0.jit == nil })
        #expect(findings[0].mechanism == findings[1].mechanism)
    }
}
