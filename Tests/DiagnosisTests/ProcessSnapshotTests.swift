#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Diagnosis

/// What a live session reads of a running process: its map and executable, straight from /proc.
@Suite struct ProcessSnapshotTests {
    @Test func aRunningProcessShowsItsMapAndExecutable() throws {
        let snapshot = try #require(ProcessSnapshot.read(pid: Int64(getpid())))
        let exe = try #require(snapshot.exe)
        #expect(snapshot.mappings.contains { $0.name == exe })
        #expect(snapshot.mappings.contains { $0.name == "[stack]" })
        #expect(!snapshot.libraries.isEmpty)
    }

    @Test func aGoneProcessHasNoSnapshot() {
        // Above the kernel's pid_max (at most 2^22): never a running process.
        #expect(ProcessSnapshot.read(pid: 1 << 23) == nil)
        #expect(ProcessSnapshot.read(pid: 0) == nil)
        #expect(ProcessSnapshot.read(pid: -1) == nil)
    }
}
