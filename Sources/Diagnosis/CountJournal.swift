import AuditInput

/// Repeats counted but not yet added to their findings. A repeat adds to its finding's counts,
/// event ids and pids: with thousands of findings kept, doing that at once costs a cache miss
/// or three a repeat (the finding, its id list, its pid list), about 7 % of the time of a log
/// that names a thousand programs. Appended here in order instead, and added finding by
/// finding, each finding's memory is visited once per batch. Every finding's repeats are added in the order
/// they came, so the findings end the same as if each had been counted at once.
struct CountJournal {
    struct Entry {
        var counted: Diagnoser.Counted
        var event: EventKey?
        var pid: Int64?
    }

    /// Below this many findings they stay in the caches, and counting at once costs less.
    static let findingsWorthIt = 256

    /// Entries held before they are added (about 80 bytes each): enough for several per
    /// finding, so that each finding's memory is visited for many repeats at once, and at
    /// most 2.5 MB.
    static func capacity(findings: Int) -> Int {
        min(8 * findings, 1 << 15)
    }

    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }
    func isFull(findings: Int) -> Bool { entries.count >= Self.capacity(findings: findings) }

    mutating func append(_ entry: Entry) {
        entries.append(entry)
    }

    /// Adds every entry to `findings`, grouped by finding (a counting sort: stable, so each
    /// finding's entries keep their order), and empties the journal.
    mutating func add(to findings: inout [Finding]) {
        guard !entries.isEmpty else { return }
        entries.withUnsafeBufferPointer { entries in
            var start = [Int32](repeating: 0, count: findings.count + 1)
            for i in entries.indices { start[entries[i].counted.index + 1] += 1 }
            for i in findings.indices { start[i + 1] += start[i] }
            var order = [Int32](repeating: 0, count: entries.count)
            for i in entries.indices {
                let finding = entries[i].counted.index
                order[Int(start[finding])] = Int32(i)
                start[finding] += 1
            }
            for i in order {
                let entry = entries[Int(i)]
                findings[entry.counted.index].count(entry.counted, event: entry.event, pid: entry.pid)
            }
        }
        entries.removeAll(keepingCapacity: true)
    }
}

extension Diagnoser {
    /// The findings one event counted, in order. Almost every event counts one, held inline: a
    /// repeat then copies its effect without retaining a buffer, whose reference count would
    /// be a cache miss per repeat once thousands of findings are kept.
    struct CountedList: Sequence {
        private var first: Counted?
        private var rest: [Counted] = []

        mutating func append(_ counted: Counted) {
            if first == nil { first = counted } else { rest.append(counted) }
        }

        func makeIterator() -> Iterator { Iterator(list: self) }

        struct Iterator: IteratorProtocol {
            fileprivate let list: CountedList
            fileprivate var position = 0

            mutating func next() -> Counted? {
                defer { position += 1 }
                if position == 0 { return list.first }
                return position <= list.rest.count ? list.rest[position - 1] : nil
            }
        }
    }
}

extension Finding {
    /// One more occurrence: the sighting's own event and pid, or a repeat's.
    mutating func count(_ c: Diagnoser.Counted, event: EventKey?, pid: Int64?) {
        count += 1
        denials += c.denials
        nodes.count(event?.node, denials: c.denials)
        if c.blocked { outcomes.blocked += 1 } else { outcomes.allowed += 1 }
        if let event {
            firstSeen = min(firstSeen, event.id)
            lastSeen = max(lastSeen, event.id)
            if events.count < Finding.maxEventIDs { events.append(event) }
        }
        // Once a pid was left out the list is full for good: another one changes nothing.
        if let pid, process.pidsComplete, !process.pids.contains(pid) {
            if process.pids.count < Finding.maxEventIDs { process.pids.append(pid) } else { process.pidsComplete = false }
        }
    }
}
