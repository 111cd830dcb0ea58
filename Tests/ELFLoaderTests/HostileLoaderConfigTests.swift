import Foundation
import Testing
import TestSupport
@testable import ELFLoader

/// ld.so.conf and ld.so.cache files written to hurt: include graphs that fan out, caches whose
/// counts and offsets point anywhere.
@Suite struct HostileLoaderConfigTests {
    @Test func mutuallyIncludingFilesAreEachReadOnce() throws {
        let dir = try TemporaryDirectory("ldconf-fanout")
        let confDir = dir.path + "/etc/ld.so.conf.d"
        try FileManager.default.createDirectory(atPath: confDir, withIntermediateDirectories: true)
        try "include /etc/ld.so.conf.d/*.conf\n".write(toFile: dir.path + "/etc/ld.so.conf", atomically: true, encoding: .utf8)
        for i in 0..<10 {
            // Each file includes all ten (itself too): without a visited set, 10^depth reads.
            try "/lib/\(i)\ninclude *.conf\n".write(toFile: confDir + "/\(i).conf", atomically: true, encoding: .utf8)
        }
        let conf = LdConf.read(root: FileSystemRoot(directory: dir.path))
        #expect(conf.directories == (0..<10).map { "/lib/\($0)" })
        #expect(conf.filesRead.count == 11)
        #expect(Set(conf.filesRead).count == 11)
        #expect(conf.limitsReached.isEmpty)
    }

    @Test func includeFileBudgetIsReportedWhenReached() throws {
        let dir = try TemporaryDirectory("ldconf-budget")
        let confDir = dir.path + "/etc/ld.so.conf.d"
        try FileManager.default.createDirectory(atPath: confDir, withIntermediateDirectories: true)
        try "include /etc/ld.so.conf.d/*.conf\n".write(toFile: dir.path + "/etc/ld.so.conf", atomically: true, encoding: .utf8)
        for i in 0..<(LdConf.maxFiles + 5) {
            try "/lib/\(i)\n".write(toFile: confDir + String(format: "/%04d.conf", i), atomically: true, encoding: .utf8)
        }
        let loader = LoaderSearch(root: FileSystemRoot(directory: dir.path))
        let conf = LdConf.read(root: loader.root)
        #expect(conf.filesRead.count == LdConf.maxFiles)
        #expect(conf.directories.count == LdConf.maxFiles - 1)
        #expect(conf.limitsReached.count == 1)
        #expect(loader.configurationWarnings == conf.limitsReached)
        #expect(loader.configurationWarnings.first?.contains("/etc/ld.so.conf.d/0255.conf") == true)
    }

    /// ld.so.cache headers whose counts and string offsets point past the file, or near 2^32.
    @Test func hostileCachesAreErrorsOrSkippedEntries() throws {
        func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
        let newMagic = Array("glibc-ld.so.cache1.1".utf8)
        func newHeader(count: UInt32) -> [UInt8] { newMagic + u32(count) + u32(0) + [0, 0, 0, 0] + [UInt8](repeating: 0, count: 16) }
        let entry = u32(3) + u32(0xffff_ffff) + u32(0xffff_fff0) + u32(0) + [UInt8](repeating: 0, count: 8)
        // Entries whose strings lie past the file are skipped.
        #expect(try LdCache(newHeader(count: 1) + entry).entries.isEmpty)
        // A count the file cannot hold is an error.
        #expect(throws: ELFError.self) { try LdCache(newHeader(count: 0xffff_ffff) + entry) }
        #expect(throws: ELFError.self) { try LdCache(newHeader(count: 0x000f_ffff) + entry) }
        // The old format, with a count past the file and with string offsets near 2^32.
        let old = Array("ld.so-1.7.0".utf8) + [0]
        #expect(throws: ELFError.self) { try LdCache(old + u32(0xffff_ffff)) }
        #expect(try LdCache(old + u32(1) + u32(1) + u32(0xffff_ffff) + u32(0xffff_fffe)).entries.isEmpty)
    }
}
