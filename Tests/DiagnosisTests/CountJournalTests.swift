import Testing
@testable import AuditInput
import AuditEvents
import ELFLoader
import TestSupport
@testable import Diagnosis

/// Repeats journalled and added finding by finding end the same as repeats counted at once.
@Suite struct CountJournalTests {
    /// Enough programs for the journal to be used, and repeats enough to fill it several times
    /// over, arriving interleaved (each finding's in a scrambled pid and event order).
    static func run(defersCounts: Bool, readBeforeTheEnd: Bool = false) throws -> (facts: [Finding], limits: [LimitReached], early: Finding?) {
        let empty = try TemporaryDirectory("count-journal")
        var diagnoser = Diagnoser(loader: LoaderSearch(root: FileSystemRoot(directory: empty.path)))
        diagnoser.defersCounts = defersCounts
        let programs = CountJournal.findingsWorthIt + 45
        let events = CountJournal.capacity(findings: programs) * 3 + 17
        var early: Finding?
        for i in 0..<events {
            // One program in four events: its lists fill up; the others' do not.
            let program = i % 4 == 0 ? 0 : i % programs
            let pid = (i &* 104_729) % 50_000 + 1
            let node = i % 5 == 0 ? "node=n\(i % 3) " : ""
            // Seconds that go back now and then: first and last seen are not simply the ends.
            let seconds = 1_700_000_000 + (i % 11 == 0 ? -i : i)
            let line = "\(node)type=AVC msg=audit(\(seconds).\(i % 1000):\(i + 1)): avc:  denied  { execmem } for  pid=\(pid) comm=\"app\(program)\" scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=process permissive=\(i % 13 == 0 ? 1 : 0)"
            guard case .record(let r) = RecordParser.parse(Array(line.utf8), source: SourceLocation(input: "t", line: i + 1)) else { fatalError(line) }
            diagnoser.add(Event(key: r.key, records: [r]))
            // A reader while counts are pending sees them.
            if readBeforeTheEnd, i == events / 2 { early = diagnoser.fact(3) }
        }
        return (diagnoser.facts, diagnoser.limitsReached, early)
    }

    static func summary(_ f: Finding) -> String {
        "\(f.process.comm ?? "") \(f.count) \(f.denials) \(f.outcomes.blocked)/\(f.outcomes.allowed) \(f.firstSeen)-\(f.lastSeen) "
            + "events \(f.events.map(\.description)) pids \(Array(f.process.pids)) \(f.process.pidsComplete) nodes \(f.nodes.mostSeenFirst.map { "\($0.name):\($0.count)" })"
    }

    @Test func journalledCountsEndTheSameAsCountsAtOnce() throws {
        let atOnce = try Self.run(defersCounts: false), journalled = try Self.run(defersCounts: true)
        #expect(atOnce.facts.count == CountJournal.findingsWorthIt + 45)
        // Some findings hold their 64 event ids and a full pid list, some not: both paths taken.
        #expect(atOnce.facts.contains { !$0.process.pidsComplete } && atOnce.facts.contains { $0.events.count < Finding.maxEventIDs })
        #expect(journalled.facts.map(Self.summary) == atOnce.facts.map(Self.summary))
        #expect(journalled.limits == atOnce.limits)
    }

    @Test func aReaderSeesCountsStillPending() throws {
        let atOnce = try Self.run(defersCounts: false, readBeforeTheEnd: true)
        let journalled = try Self.run(defersCounts: true, readBeforeTheEnd: true)
        let early = try #require(journalled.early), expected = try #require(atOnce.early)
        #expect(Self.summary(early) == Self.summary(expected))
    }

    @Test func aPidListAnswersForEveryPidItHolds() {
        var list = PidList()
        let pids: [Int64] = (0..<64).map { Int64(($0 * 7_919) % 4_000_000) }
        for pid in pids { list.append(pid) }
        #expect(pids.allSatisfy(list.contains))
        #expect(!list.contains(4_000_001) && !list.contains(-1))
        #expect((0..<10_000).filter { list.contains(Int64($0) + 5_000_000) }.isEmpty)
    }
}
