import Foundation

/// A scratch directory removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "avc-explain-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/relative`, with its parent directories created.
    public func file(_ relative: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return full
    }

    /// Creates `path/relative` for each, with their parents (a root's skeleton).
    public func directories(_ relatives: [String]) throws {
        for relative in relatives {
            try FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
        }
    }

    public func write(_ relative: String, _ text: String) throws -> String {
        let full = try file(relative)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        return full
    }
}

/// What a finished child process left behind.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public enum Shell {
    /// Runs a program with arguments (no shell), feeding `input` on stdin.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                           environment: [String: String]? = nil, directory: String? = nil) throws -> ProcessResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = environment }
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        // Drain both pipes concurrently so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter(); DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter(); DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        // A child that exits without reading all its input must fail the test, not abort it (EPIPE).
        if let input { try? inp.fileHandleForWriting.write(contentsOf: input) }
        try? inp.fileHandleForWriting.close()
        group.wait()
        p.waitUntilExit()
        return ProcessResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs a build step and fails loudly, with its output, if it fails.
    public static func must(_ executable: String, _ arguments: [String], directory: String? = nil) throws {
        let r = try run(executable, arguments, directory: directory)
        guard r.status == 0 else {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) failed (\(r.status)):\n\(r.stdout)\(r.stderr)")
        }
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// The system C toolchain, used to build real ELF fixtures during the test run.
public enum Toolchain {
    public static let cc = ProcessInfo.processInfo.environment["CC"] == nil ? "/usr/bin/gcc" : "/usr/bin/env"
    static var ccPrefix: [String] { ProcessInfo.processInfo.environment["CC"].map { [$0] } ?? [] }

    /// Compiles and links: `gcc args…` in `directory`.
    public static func gcc(_ args: [String], in directory: String) throws {
        try Shell.must(cc, ccPrefix + args, directory: directory)
    }

    /// Writes `source` to `name` in `directory` and returns its path.
    public static func source(_ name: String, _ text: String, in directory: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// Paths of the package under test.
public enum Package {
    /// The package root, from this file's location (Tests/TestSupport/TestSupport.swift).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The avc-explain binary built beside the test bundle.
    public static let tool: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("avc-explain").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return root + "/.build/debug/avc-explain"
    }()

    public static let stripGNUStack = root + "/SampleLogs/programs/strip-gnu-stack.sh"

    /// The sample programs' sources, shared with the tests so each fixture is written once:
    /// `invokeNative_em64.s` and `chain-b.s` lack .note.GNU-stack, `textrel.s` makes a TEXTREL library.
    public static func program(_ name: String) -> String { root + "/SampleLogs/programs/" + name }
}

/// A small deterministic generator, so a failing mutation can be replayed.
public struct SplitMix {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

public enum FileRewrite {
    /// Overwrites a file in place with zeros, keeping its inode, size and modification time:
    /// to a cache keyed by identity it is still the file read before, so what a later reading
    /// reports shows whether it was read again.
    public static func blankKeepingIdentity(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else { throw TestFailure("cannot stat \(path)") }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(count: Int(st.st_size)))
        try handle.close()
        var times = [st.st_atim, st.st_mtim]
        guard utimensat(AT_FDCWD, path, &times, 0) == 0 else { throw TestFailure("cannot restore the times of \(path)") }
    }
}
