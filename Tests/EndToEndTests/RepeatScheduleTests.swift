import Testing
@testable import avc_explain

/// When live modes tell "repeated N times": a window after a finding was last printed or told,
/// in finding order within a poll, and everything pending at exit.
@Suite struct RepeatScheduleTests {
    @Test func dueAWindowAfterThePrintInFindingOrder() {
        var s = RepeatSchedule(window: 10)
        s.printed(0, at: 100)
        s.printed(1, at: 95)
        s.counted(0); s.counted(0); s.counted(1)
        #expect(s.take(at: 104, final: false).isEmpty)
        #expect(s.take(at: 105, final: false).map(\.index) == [1])
        let at110 = s.take(at: 110, final: false)
        #expect(at110.map(\.index) == [0] && at110.map(\.count) == [2])
        // Told at 110: the next repeat waits for 120.
        s.counted(0)
        #expect(s.take(at: 119, final: false).isEmpty)
        #expect(s.take(at: 120, final: false).map(\.count) == [1])
    }

    @Test func neverPrintedIsDueAtOnceAndExitTakesAll() {
        var s = RepeatSchedule(window: 60)
        s.printed(3, at: 1000)
        s.counted(3); s.counted(2)
        #expect(s.take(at: 1000, final: false).map(\.index) == [2])
        s.counted(2)
        let all = s.take(at: 1001, final: true)
        #expect(all.map(\.index) == [2, 3] && all.map(\.count) == [1, 1])
        #expect(s.take(at: 5000, final: true).isEmpty)
    }

    @Test func heapGivesTheLeastFirst() {
        var h = MinHeap<Int>()
        for v in [5, 3, 9, 1, 7, 3, 8] { h.insert(v) }
        var out: [Int] = []
        while let m = h.min { out.append(m); h.removeMin() }
        #expect(out == [1, 3, 3, 5, 7, 8, 9])
    }
}
