/// When each finding's "repeated N times" is due: a window after the finding was last printed
/// or told repeated. Findings counted again wait in a heap by due time, so a poll looks at the
/// due ones only, not at every finding that recurs (under a storm of distinct denials a poll
/// used to sort them all).
struct RepeatSchedule {
    let window: UInt64
    /// Second each finding was last printed or told repeated, by finding number (findings are
    /// numbered densely from 0; arrays, not dictionaries: `counted` runs for every repeat);
    /// nil: never printed, due at once.
    private var printedAt: [UInt64?] = []
    /// Occurrences of each finding since then; not 0 only while it waits in `due`.
    private var pending: [Int] = []
    private var due = MinHeap<Entry>()

    struct Entry: Comparable {
        var at: UInt64
        var index: Int
        static func < (a: Entry, b: Entry) -> Bool { (a.at, a.index) < (b.at, b.index) }
    }

    init(window: UInt64) { self.window = window }

    mutating func printed(_ index: Int, at now: UInt64) {
        grow(to: index)
        printedAt[index] = now
    }

    /// One more occurrence of a finding already printed.
    mutating func counted(_ index: Int) {
        grow(to: index)
        if pending[index] == 0 { due.insert(Entry(at: (printedAt[index] ?? 0) + window, index: index)) }
        pending[index] += 1
    }

    private mutating func grow(to index: Int) {
        guard index >= pending.count else { return }
        printedAt += Array(repeating: nil, count: index + 1 - pending.count)
        pending += Array(repeating: 0, count: index + 1 - pending.count)
    }

    /// The findings due at `now` (all of them when `final`), by number, with their occurrences
    /// since last told; each is taken as told at `now`.
    mutating func take(at now: UInt64, final: Bool) -> [(index: Int, count: Int)] {
        var out: [(index: Int, count: Int)] = []
        while let next = due.min, final || next.at <= now {
            due.removeMin()
            if pending[next.index] > 0 { out.append((next.index, pending[next.index])) }
            pending[next.index] = 0
        }
        out.sort { $0.index < $1.index }
        for entry in out { printedAt[entry.index] = now }
        return out
    }
}

/// A binary heap: the least element first.
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []

    var min: Element? { items.first }
    var isEmpty: Bool { items.isEmpty }

    mutating func insert(_ item: Element) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeMin() {
        guard !items.isEmpty else { return }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var least = parent
            if left < items.count, items[left] < items[least] { least = left }
            if right < items.count, items[right] < items[least] { least = right }
            guard least != parent else { return }
            items.swapAt(parent, least)
            parent = least
        }
    }
}
