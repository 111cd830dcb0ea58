import Foundation
import Testing
import TestSupport

/// `check` must never answer "nothing needs exec*" for files it could not read: each such
/// path is named, with its reason, and the exit status is 2 even when something was flagged.
@Suite struct CheckUnreadableTests {
    static func unreadable(_ report: [String: Any]) -> [String: String] {
        let list = (report["summary"] as? [String: Any])?["unreadable"] as? [[String: Any]] ?? []
        return Dictionary(list.map { ($0["path"] as? String ?? "", $0["reason"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    /// A library that asks for an executable stack, so exit status 1 is what the rest would give.
    static func execStackLibrary(_ path: String) throws {
        var lib = ELFWriter.named("x86_64")
        lib.stackFlags = 7
        try lib.write(to: path)
    }

    @Test func brokenLinksAndMissingPathsExitTwoAndAreListed() throws {
        let dir = try TemporaryDirectory("check-unreadable")
        let fm = FileManager.default
        try Self.execStackLibrary(dir.path + "/tree/libexec.so")
        try fm.createSymbolicLink(atPath: dir.path + "/tree/dangling.so", withDestinationPath: "no-such-library.so")
        try fm.createSymbolicLink(atPath: dir.path + "/tree/loop-a", withDestinationPath: "loop-b")
        try fm.createSymbolicLink(atPath: dir.path + "/tree/loop-b", withDestinationPath: "loop-a")
        #expect(mkfifo(dir.path + "/tree/pipe", 0o600) == 0)   // not an error, and must not block
        let tree = dir.path + "/tree", missing = dir.path + "/not-there"

        let (result, report) = try Tool.json(["check", tree, missing])
        #expect(result.status == 2, "an unread path outranks the flagged library (1)")
        let unread = Self.unreadable(report)
        #expect(Set(unread.keys) == [tree + "/dangling.so", tree + "/loop-a", tree + "/loop-b", missing], "\(unread)")
        #expect(unread[tree + "/loop-a"]?.contains("too many levels of symbolic links") == true)
        #expect(unread[tree + "/dangling.so"]?.contains("No such file or directory") == true)
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["elf_files"] as? Int == 1 && summary["flagged"] as? Int == 1)
        for path in unread.keys { #expect(result.stderr.contains(path)) }

        let text = try Tool.run(["check", tree, missing])
        #expect(text.status == 2)
        #expect(text.stdout.contains("1 ELF, 4 unreadable; 1 needs exec* permissions"), "\(text.stdout)")
        #expect(text.stdout.contains("  - \(tree)/dangling.so: broken symbolic link"))
        #expect(!text.stdout.contains("pipe") && !text.stderr.contains("pipe"))
    }

    /// Root reads mode-000 files; without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH it cannot,
    /// which is the real case of a packager's unreadable file or directory.
    @Test func modeZeroFilesAndDirectoriesAreNotCountedAsELF() throws {
        let dir = try TemporaryDirectory("check-mode-000")
        try Self.execStackLibrary(dir.path + "/secret.so")
        try Self.execStackLibrary(dir.path + "/locked/inside.so")
        defer { chmod(dir.path + "/locked", 0o755) }   // so the directory can be removed
        #expect(chmod(dir.path + "/secret.so", 0) == 0 && chmod(dir.path + "/locked", 0) == 0)
        let r = try Shell.run("/usr/bin/setpriv", ["--bounding-set=-dac_override,-dac_read_search", Package.tool,
                                                   "check", "--format", "json", dir.path])
        #expect(r.status == 2, "\(r.stderr)")
        let report = try Tool.parsed(r.stdout, schema: .check)
        let unread = Self.unreadable(report)
        #expect(unread[dir.path + "/secret.so"]?.contains("Permission denied") == true, "\(unread)")
        #expect(unread[dir.path + "/locked"]?.contains("Permission denied") == true, "\(unread)")
        #expect((report["summary"] as? [String: Any])?["elf_files"] as? Int == 0)
    }
}
