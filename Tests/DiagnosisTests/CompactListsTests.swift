import Testing
import AuditInput
@testable import Diagnosis

/// A finding's event ids and pids, kept as differences, read back as they were given: in any
/// order, at the extremes of each field, event ids with and without nodes.
@Suite struct CompactListsTests {
    func key(_ node: String?, _ seconds: UInt64, _ milliseconds: UInt16, _ serial: UInt64) -> EventKey {
        EventKey(node: node, id: EventID(seconds: seconds, milliseconds: milliseconds, serial: serial))
    }

    @Test func idsComeBackAsGiven() {
        let keys = [
            key(nil, 1_795_700_000, 123, 4_000),
            key("web01", 1_795_700_000, 124, 4_001),
            key("web02", 1_795_699_990, 999, 17),          // earlier than the id before
            key("web01", 0, 0, 0),                          // no usable stamp
            key(nil, .max, .max, .max),
            key("web02", 1, 1, 1),
            key("", 1_795_700_001, 0, 3_999),
        ]
        let list = EventList(keys)
        #expect(Array(list) == keys)
        #expect(list.count == keys.count)
        #expect(list.first == keys[0])
        #expect(EventList().isEmpty && EventList().first == nil)
    }

    @Test func appendingKeepsTheOrder() {
        var list = EventList()
        var keys: [EventKey] = []
        for i in 0..<Finding.maxEventIDs {
            let k = key(i % 3 == 0 ? "node\(i % 5)" : nil, 1_795_700_000 + UInt64(i / 7), UInt16(i * 37 % 1000), UInt64(10_000 * i + 1))
            list.append(k)
            keys.append(k)
        }
        #expect(Array(list) == keys)
    }

    /// What the list is for: ids a finding's occurrences have (close in time and serial) take
    /// a few bytes each, not the 40 of an `EventKey`.
    @Test func closeIdsTakeAFewBytesEach() {
        var list = EventList()
        for i in 0..<Finding.maxEventIDs {
            list.append(key(nil, 1_795_700_000 + UInt64(i * 10), UInt16(i * 7 % 1000), 4_000_000 + UInt64(i * 10_000)))
        }
        #expect(list.storedBytes <= 8 * Finding.maxEventIDs)
    }

    @Test func pidsComeBackAsGiven() {
        let pids: [Int64] = [4242, 4243, 17, 0, -1, .max, .min, 1, 4242]
        let list = PidList(pids)
        #expect(Array(list) == pids)
        #expect(list.count == pids.count)
        #expect(list.contains(.min) && !list.contains(2))
        #expect(PidList().isEmpty && Array(PidList()) == [])
    }
}
