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
        let alphabet = Array(" =\"'{}():.0123456789abcdefABCDEF\u{1d}\u{0}\u{1b}\u{ff}".utf8)
        var assembler = Assembler()
        var diagnoser = Diagnoser(loader: loader)
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
            if case .record(let r) = RecordParser.parse(line, source: SourceLocation(input: "fuzz seed \(seed)", line: round)) {
                for e in assembler.add(r) { diagnoser.add(e) }
            }
        }
        for e in assembler.flush() { diagnoser.add(e) }
        let report = Report(findings: diagnoser.results, events: diagnoser.eventsSeen, denials: diagnoser.denialCount, inputs: [], sysroot: nil)
        let text = TextRenderer(color: false).render(report)
        let json = JSONRenderer.render(report).serialized()
        #expect(!text.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0 }, "seed \(seed)")
        #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any], "seed \(seed)")
    }
}
