import Foundation
import Testing
import TestSupport
import AuditInput
import AuditEvents
import ELFLoader
@testable import Diagnosis
@testable import Rendering

/// Random edits of real sample records, pushed through the whole pipeline in process:
/// nothing may crash, and everything must terminate.
@Suite struct MutationTests {
    static func sampleLines() throws -> [[UInt8]] {
        let dir = Package.root + "/SampleLogs"
        return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".log") }.sorted().flatMap { name in
            try String(contentsOfFile: dir + "/" + name, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
        }
    }

    @Test func mutatedRecordsNeverCrashThePipeline() throws {
        let lines = try Self.sampleLines()
        let empty = try TemporaryDirectory("mutation-root")
        let loader = LoaderSearch(root: FileSystemRoot(directory: empty.path))
        var rng = SystemRandomNumberGenerator()
        let seed = UInt64.random(in: 0...UInt64.max, using: &rng)
        var gen = SplitMix(seed: seed)
        let alphabet = Array(" =\"'{}():.0123456789abcdefABCDEF^]\u{1d}\u{0}\u{1b}\u{ff}\n".utf8)
        var text: [UInt8] = []
        for round in 0..<20_000 {
            var line = lines[Int(gen.next() % UInt64(lines.count))]
            for _ in 0..<(1 + Int(gen.next() % 6)) where !line.isEmpty {
                let at = Int(gen.next() % UInt64(line.count))
                switch gen.next() % 4 {
                case 0: line[at] = alphabet[Int(gen.next() % UInt64(alphabet.count))]
                case 1: line.remove(at: at)
                case 2: line.insert(alphabet[Int(gen.next() % UInt64(alphabet.count))], at: at)
                default: line = Array(line[..<at])
                }
            }
            text += line + [0x0a]
            if round % 1000 == 0 {
                // Now and then a block of random bytes.
                text += (0..<Int(gen.next() % 4096)).map { _ in UInt8(truncatingIfNeeded: gen.next()) }
            }
        }
        let file = try empty.file("mutated.log")
        try Data(text).write(to: URL(fileURLWithPath: file))
        var stream = try RecordStream(.file(file))
        defer { stream.close() }
        var assembler = Assembler()
        var diagnoser = Diagnoser(loader: loader)
        try stream.readEvents(into: &assembler, { diagnoser.add($0) }, loaderMessages: { diagnoser.add($0) })
        let report = Report(findings: diagnoser.results, events: diagnoser.eventsSeen, denials: diagnoser.denialCount, inputs: [stream.stats], sysroot: nil)
        let rendered = TextRenderer(color: false).render(report)
        let json = JSONRenderer.render(report).serialized()
        #expect(!rendered.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0 }, "seed \(seed)")
        #expect(throws: Never.self, "seed \(seed)") { try SchemaValidation.validate(json, against: .report) }
        #expect(stream.stats.lines > 20_000, "seed \(seed)")
    }

    @Test func everyPrefixOfAGzipStreamIsSafe() throws {
        let dir = try TemporaryDirectory("gzip-prefix")
        let plain = try String(contentsOfFile: Package.root + "/SampleLogs/seed-fluent-bit.log", encoding: .utf8)
        let log = try dir.write("seed.log", plain)
        try Shell.must("/bin/gzip", ["-k", log])
        let gz = try [UInt8](Data(contentsOf: URL(fileURLWithPath: log + ".gz")))
        for cut in stride(from: 0, to: gz.count, by: 7) {
            let path = try dir.file("cut.gz")
            try Data(gz[0..<cut]).write(to: URL(fileURLWithPath: path))
            var stream = try RecordStream(.file(path))
            defer { stream.close() }
            do { while try stream.next() != nil {} } catch is GzipError { continue }
        }
    }
}
