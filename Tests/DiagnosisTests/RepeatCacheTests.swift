import Testing
@testable import AuditInput
import AuditEvents
import ELFLoader
import TestSupport
@testable import Diagnosis

/// The repeat cache finds a signature by its hash but answers only for the same bytes.
@Suite struct RepeatCacheTests {
    func value(_ cache: RepeatCache<Int>, _ bytes: [UInt8], hash: UInt64? = nil) -> Int? {
        bytes.withUnsafeBufferPointer { cache.value(for: $0, hash: hash ?? RepeatCache<Int>.hash($0)) }
    }

    func insert(_ cache: inout RepeatCache<Int>, _ value: Int, _ bytes: [UInt8], hash: UInt64? = nil) {
        bytes.withUnsafeBufferPointer { cache.insert(value, for: $0, hash: hash ?? RepeatCache<Int>.hash($0)) }
    }

    @Test func aSharedHashIsACollisionNotARepeat() {
        var cache = RepeatCache<Int>(maxEntries: 10, maxBytes: 100)
        insert(&cache, 1, [1, 2, 3], hash: 7)
        #expect(value(cache, [1, 2, 3], hash: 7) == 1)
        // Same hash, other bytes (of the same length, and of another): not the first one's answer.
        #expect(value(cache, [1, 2, 4], hash: 7) == nil)
        #expect(value(cache, [1, 2], hash: 7) == nil)
        insert(&cache, 2, [1, 2, 4], hash: 7)
        #expect(cache.collisions == 1)
        #expect(value(cache, [1, 2, 3], hash: 7) == 1)
        #expect(value(cache, [1, 2, 4], hash: 7) == nil)
    }

    @Test func fullInSignaturesOrBytesItEmptiesAndCounts() {
        var cache = RepeatCache<Int>(maxEntries: 2, maxBytes: 8)
        insert(&cache, 1, [1, 1, 1])
        insert(&cache, 2, [2, 2, 2])
        #expect(cache.resets == 0 && cache.count == 2)
        insert(&cache, 3, [3])
        #expect(cache.resets == 1 && cache.count == 1)
        #expect(value(cache, [1, 1, 1]) == nil && value(cache, [3]) == 3)
        insert(&cache, 4, [4, 4, 4, 4, 4, 4, 4, 4])
        #expect(cache.resets == 2 && value(cache, [4, 4, 4, 4, 4, 4, 4, 4]) == 4)
        #expect(cache.stored == 4)
        // Larger than the whole cache: never stored, nothing emptied for it.
        insert(&cache, 5, Array(repeating: 5, count: 9))
        #expect(cache.resets == 2 && cache.stored == 4)
    }

    @Test func theHashTakesEveryByteAndTheLength() {
        let base = [UInt8](repeating: 0x61, count: 37)
        var hashes: Set<UInt64> = [base.withUnsafeBufferPointer(RepeatCache<Int>.hash)]
        for i in base.indices {
            var changed = base
            changed[i] = 0x62
            hashes.insert(changed.withUnsafeBufferPointer(RepeatCache<Int>.hash))
        }
        for n in 0..<base.count { hashes.insert(Array(base.prefix(n)).withUnsafeBufferPointer(RepeatCache<Int>.hash)) }
        #expect(hashes.count == 1 + 2 * base.count)
    }

    /// A cache too small for the stream: emptied, reported as a limit, and the findings are
    /// those of a cache that holds everything.
    @Test func aFullCacheIsReportedAndFindsTheSame() throws {
        let empty = try TemporaryDirectory()
        func run(_ bound: Diagnoser.RepeatBound) -> Diagnoser {
            var diagnoser = Diagnoser(loader: LoaderSearch(root: FileSystemRoot(directory: empty.path)), repeatBound: bound)
            for i in 0..<30 {
                let line = "type=AVC msg=audit(1.000:\(i + 1)): avc:  denied  { execmem } for  pid=\(i) comm=\"app\(i % 3)\" scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=process permissive=0"
                guard case .record(let r) = RecordParser.parse(Array(line.utf8), source: SourceLocation(input: "t", line: i + 1)) else { fatalError(line) }
                diagnoser.add(Event(key: r.key, records: [r]))
            }
            return diagnoser
        }
        let small = run(Diagnoser.RepeatBound(signatures: 2, bytes: 1 << 20)), large = run(.standard)
        #expect(large.limitsReached.isEmpty)
        let limit = try #require(small.limitsReached.first)
        #expect(limit.kind == .repeatSignatures && limit.bound == 2 && limit.seen > 3)
        #expect(small.facts.map { [$0.count, $0.process.pids.count] } == large.facts.map { [$0.count, $0.process.pids.count] })
        #expect(small.facts.map(\.process.comm) == ["app0", "app1", "app2"])
    }
}
