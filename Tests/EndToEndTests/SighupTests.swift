import Foundation
import Testing
import TestSupport

/// auditd sends its plugins SIGHUP when it reloads, and logrotate sends it after moving a log:
/// the session goes on, and the files it appends to are opened again at their path.
@Suite struct SighupTests {
    @Test func sighupReopensTheOutputFileAndTheSessionGoesOn() throws {
        let dir = try TemporaryDirectory("sighup")
        let output = dir.path + "/findings.jsonl"
        let seed = try String(contentsOfFile: Package.root + "/SampleLogs/seed-fluent-bit.log", encoding: .utf8)
        let heap = try String(contentsOfFile: Package.root + "/SampleLogs/heap-exec.log", encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Package.tool)
        p.arguments = ["--plugin", "--output", output, "--format", "json"]
        let input = Pipe(), out = Pipe()
        p.standardInput = input
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        try input.fileHandleForWriting.write(contentsOf: Data(seed.utf8))
        // Until the seed's finding is in the file, then rotate it away as logrotate would.
        var waited = 0
        while !((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("\"finding\""), waited < 200 {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 1
        }
        try FileManager.default.moveItem(atPath: output, toPath: output + ".1")
        kill(p.processIdentifier, SIGHUP)
        // The session must still be there, and write what comes next to a new file.
        waited = 0
        while !FileManager.default.fileExists(atPath: output), waited < 200 {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 1
        }
        try input.fileHandleForWriting.write(contentsOf: Data(heap.utf8))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        _ = out.fileHandleForReading.readDataToEndOfFile()
        #expect(p.terminationReason == .exit && p.terminationStatus == 0, "the session did not survive SIGHUP")
        let before = try String(contentsOfFile: output + ".1", encoding: .utf8)
        let after = try String(contentsOfFile: output, encoding: .utf8)
        #expect(before.contains("loader-exec-stack") && !before.contains("heap-exec"), "\(before)")
        #expect(after.contains("heap-exec"), "\(after)")
        #expect(after.contains("\"type\":\"summary\""))
    }
}
