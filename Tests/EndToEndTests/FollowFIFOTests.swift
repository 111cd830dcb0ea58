import Foundation
import Testing
import TestSupport

/// `--follow` on a path that is, or becomes, a FIFO: opening one for reading blocks until a
/// writer comes, and the live loop had SIGINT and SIGTERM masked by then.
@Suite struct FollowFIFOTests {
    /// The tool following `path`, its output collected; stopped with SIGTERM by `stop`.
    final class Follower {
        let process = Process()
        let out = Pipe(), err = Pipe()

        init(_ path: String) throws {
            process.executableURL = URL(fileURLWithPath: Package.tool)
            process.arguments = ["--follow", path, "--format", "json"]
            process.standardOutput = out
            process.standardError = err
            try process.run()
        }

        /// SIGTERM, then up to five seconds to exit; SIGKILL after that. Returns stdout and
        /// stderr, or nil if the tool had to be killed.
        func stop() -> (stdout: String, stderr: String, status: Int32)? {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            process.waitUntilExit()
            let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return (stdout, stderr, process.terminationReason == .exit ? process.terminationStatus : -1)
        }
    }

    private func sample(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: Package.root + "/SampleLogs/" + name))
    }

    @Test func fifoIsRefusedThenARegularFileThereIsFollowed() throws {
        let dir = try TemporaryDirectory("follow-fifo")
        let path = dir.path + "/audit.log"
        #expect(mkfifo(path, 0o600) == 0)
        let tool = try Follower(path)
        Thread.sleep(forTimeInterval: 0.8)
        try FileManager.default.removeItem(atPath: path)
        try sample("heap-exec.log").write(to: URL(fileURLWithPath: path))
        Thread.sleep(forTimeInterval: 3.0)                       // events without EOE age out
        let result = try #require(tool.stop(), "the tool did not exit on SIGTERM")
        #expect(result.status == 0)
        #expect(result.stderr.contains("\(path): not a regular file (a FIFO)"), "\(result.stderr)")
        let findings = try Tool.jsonLines(result.stdout).filter { $0["type"] as? String == "finding" }
        #expect(findings.count == 1, "the regular file that replaced the FIFO is followed")
    }

    @Test func pathThatBecomesAFIFOIsRefusedAndSIGTERMStillWorks() throws {
        let dir = try TemporaryDirectory("follow-fifo-later")
        let path = dir.path + "/audit.log"
        try Data().write(to: URL(fileURLWithPath: path))
        let tool = try Follower(path)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(mkfifo(dir.path + "/fifo", 0o600) == 0)
        #expect(rename(dir.path + "/fifo", path) == 0)           // "rotated" to a FIFO
        Thread.sleep(forTimeInterval: 0.8)
        let result = try #require(tool.stop(), "the tool did not exit on SIGTERM")
        #expect(result.status == 0)
        #expect(result.stderr.contains("\(path): not a regular file (a FIFO)"), "\(result.stderr)")
        #expect(try Tool.jsonLines(result.stdout).last?["type"] as? String == "summary")
    }
}
