import AuditInput
import CAudit

/// All records of one audit event, in the order they were read.
public struct Event: Sendable {
    public var key: EventKey
    public var records: [Record]

    public init(key: EventKey, records: [Record]) {
        self.key = key
        self.records = records
    }
}

/// Groups records into events keyed by (node, time, serial), as auparse does.
///
/// An event completes on an EOE read after its other records (not on one that `ausearch`'s
/// newest-first forms print at the event's top); on a PROCTITLE that follows its SYSCALL (the kernel writes
/// PROCTITLE last); at once for single-record types (user-space messages, types below 1300
/// or from 2100 on); at an `ausearch` `----` boundary; or when it falls `window` seconds
/// behind the newest record seen from its node. Time is always the records' own, never the
/// wall clock, so a stream that lags or replays an old log is grouped as the file would be;
/// each node has its own clock, so skew between aggregated hosts does not cut events short.
/// `maxInFlight` and `maxInFlightBytes` bound memory against input whose events never
/// complete: past either, the oldest open events are handed on as they are.
public struct Assembler {
    public var window: UInt64
    public var maxInFlight: Int
    /// The bytes of records open events may hold. Far above what real events hold (a few KB
    /// each, done within seconds), it is reached by records from a forged or damaged log
    /// (megabyte lines, events that never end): without it 4,096 open events could hold gigabytes.
    public var maxInFlightBytes: Int
    /// Bytes of the records in open events.
    public private(set) var inFlightBytes = 0
    /// Events handed on before they completed because open events held `maxInFlightBytes`: a
    /// record of theirs read later opens an event of its own. (Reaching `maxInFlight` hands events
    /// on too, unsaid: a storm of single-record events, `ausearch -m AVC` output, reaches it
    /// with nothing lost.)
    public private(set) var handedOnForBytes = 0

    private var inFlight: [EventKey: Event] = [:]
    private var order: [EventKey] = []          // arrival order, for eviction
    private var orderStart = 0
    /// The newest second seen from each node (nil: records without `node=`).
    private var newest: [String?: UInt64] = [:]
    private var lastNode: (node: String?, seconds: UInt64)?

    public init(window: UInt64 = 2, maxInFlight: Int = 4096, maxInFlightBytes: Int = 8 << 20) {
        self.window = window
        self.maxInFlight = maxInFlight
        self.maxInFlightBytes = maxInFlightBytes
    }

    /// Adds a record; returns the events it completed (possibly including its own).
    /// The event is looked up once: most records join an event already open.
    /// The record is consumed: it moves into its event without a copy (and its retains).
    public mutating func add(_ record: consuming Record) -> [Event] {
        var done: [Event] = []
        let key = record.key
        let type = record.type
        if key.id.seconds > newestOfLastNode(key.node) {
            newest[key.node] = key.id.seconds
            lastNode = (key.node, key.id.seconds)
            done += expire()
        }
        let open = inFlight.index(forKey: key)
        if open == nil, RecordKind.isSingleRecordEvent(type) {
            done.append(Event(key: key, records: [record]))
            return done
        }
        if type == "EOE" {
            // EOE carries nothing; it ends its event when read after the event's other records,
            // as the kernel writes it last (`ausearch --raw` keeps that order). `ausearch -i` and
            // plain `ausearch` print each event newest first, EOE at the top, and the scanner
            // hands it over after the event's first SELinux record: there the `----` before the
            // next event (or the window) ends it, once all its records are in.
            if let open, !inFlight.values[open].records.readAfter(record) { done.append(close(at: open)) }
            return done   // a lone EOE after PROCTITLE already ended the event carries nothing
        }
        inFlightBytes += record.byteCount
        guard let open else {
            inFlight[key] = Event(key: key, records: [record])
            order.append(key)
            if !within(.events) { done += evictOldest(until: .events) }
            if !within(.bytes) { done += evictOldestForBytes() }
            compactOrder()
            return done
        }
        inFlight.values[open].records.insertInInputOrder(record)
        if type == "PROCTITLE", inFlight.values[open].records.contains(where: { $0.type == "SYSCALL" }) {
            done.append(close(at: open))
        } else if !within(.bytes) {
            done += evictOldestForBytes()
        }
        compactOrder()
        return done
    }

    /// The open event at `index`, no longer open.
    private mutating func close(at index: Dictionary<EventKey, Event>.Index) -> Event {
        let event = inFlight.remove(at: index).value
        inFlightBytes -= event.byteCount
        return event
    }

    /// The open event of `key`, if there is one, no longer open.
    private mutating func close(_ key: EventKey) -> Event? {
        guard let index = inFlight.index(forKey: key) else { return nil }
        return close(at: index)
    }

    /// The newest second seen from `node`; the node of the previous record is remembered, since
    /// a log rarely changes node from one record to the next.
    private func newestOfLastNode(_ node: String?) -> UInt64 {
        if let lastNode, lastNode.node == node { return lastNode.seconds }
        return newest[node] ?? 0
    }

    /// Whether some event is still waiting for records.
    public var hasOpenEvents: Bool { !inFlight.isEmpty }

    /// `ausearch` printed `----`: everything read so far is complete.
    public mutating func boundary() -> [Event] { flush() }

    /// End of input: every event still open is complete.
    public mutating func flush() -> [Event] {
        let events = order[orderStart...].compactMap { close($0) }
        order.removeAll()
        orderStart = 0
        return events
    }

    /// Events, oldest first, that fell `window` seconds behind their node's newest record.
    private mutating func expire() -> [Event] {
        var done: [Event] = []
        while orderStart < order.count {
            let key = order[orderStart]
            guard let index = inFlight.index(forKey: key) else { orderStart += 1; continue }
            guard key.id.seconds + window < newest[key.node] ?? 0 else { break }
            done.append(close(at: index))
            orderStart += 1
        }
        return done
    }

    private enum Bound { case events, bytes }

    private func within(_ bound: Bound) -> Bool {
        switch bound {
        case .events: return inFlight.count <= maxInFlight
        case .bytes: return inFlightBytes <= maxInFlightBytes
        }
    }

    /// The oldest open events, handed on until those left are within `bound`.
    private mutating func evictOldest(until bound: Bound) -> [Event] {
        var done: [Event] = []
        while !within(bound), orderStart < order.count {
            if let event = close(order[orderStart]) { done.append(event) }
            orderStart += 1
        }
        return done
    }

    /// The oldest open events, handed on until those left hold at most `maxInFlightBytes`
    /// (the newest, if it alone holds more).
    private mutating func evictOldestForBytes() -> [Event] {
        let done = evictOldest(until: .bytes)
        handedOnForBytes += done.count
        return done
    }

    /// Keys of events that completed on EOE stay in `order` until passed over; drop them
    /// before they outnumber the open events, so memory follows what is open, not what was read.
    private mutating func compactOrder() {
        let passedOver = orderStart > 1024 && orderStart * 2 > order.count
        let mostlyDone = order.count - orderStart > 2 * inFlight.count + 1024
        guard passedOver || mostlyDone else { return }
        order = order[orderStart...].filter { inFlight[$0] != nil }
        orderStart = 0
    }
}

extension Event {
    /// The bytes of its records' lines (what the assembler's and the hand-over's bounds count).
    public var byteCount: Int { records.reduce(0) { $0 + $1.byteCount } }
}

extension Array where Element == Record {
    /// Whether the input has these records (kept in input order) after `record`: it came first.
    func readAfter(_ record: Record) -> Bool {
        guard let last else { return false }
        return last.source.input == record.source.input && last.source.line > record.source.line
    }

    /// Appends, unless the record was read before the event's last one: a companion found
    /// before its AVC (SYSCALL-first kernels, newest-first `ausearch`) may reach the assembler
    /// after it, and an event's records stay in the order the input has them.
    mutating func insertInInputOrder(_ record: consuming Record) {
        var at = endIndex
        while at > startIndex, self[at - 1].source.input == record.source.input, self[at - 1].source.line > record.source.line { at -= 1 }
        insert(record, at: at)
    }
}

/// Facts about record types that decide event boundaries.
enum RecordKind {
    /// Types that make up an event on their own (auditd's `audit_is_last_record` rules):
    /// user-space and daemon messages below 1300, user messages from 2100, NetLabel 1406–1419.
    static func isSingleRecordEvent(_ type: String) -> Bool {
        switch type {
        case "SYSCALL", "AVC", "PROCTITLE", "EOE", "MMAP", "AVC_PATH", "PATH", "CWD", "EXECVE": return false   // the kernel's, 1300–1402
        case "USER_AVC": return true
        default: break
        }
        let number = type.withCString { audit_name_to_msg_type($0) }
        guard number > 0 else { return false }
        return number < 1300 || number >= 2100 || (1406...1419).contains(number)
    }
}
