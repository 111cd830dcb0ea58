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
/// An event completes on EOE; on a PROCTITLE that follows its SYSCALL (the kernel writes
/// PROCTITLE last); at once for single-record types (user-space messages, types below 1300
/// or from 2100 on); at an `ausearch` `----` boundary; or when it falls `window` seconds
/// behind the newest record seen. `maxInFlight` bounds memory against input whose events never complete.
public struct Assembler {
    public var window: UInt64
    public var maxInFlight: Int

    private var inFlight: [EventKey: Event] = [:]
    private var order: [EventKey] = []          // arrival order, for eviction
    private var orderStart = 0
    private var newestSecond: UInt64 = 0

    public init(window: UInt64 = 2, maxInFlight: Int = 4096) {
        self.window = window
        self.maxInFlight = maxInFlight
    }

    /// Adds a record; returns the events it completed (possibly including its own).
    public mutating func add(_ record: Record) -> [Event] {
        var done: [Event] = []
        if record.key.id.seconds > newestSecond {
            newestSecond = record.key.id.seconds
            if newestSecond > window { done += expire(olderThan: newestSecond - window) }
        }
        let key = record.key
        if RecordKind.isSingleRecordEvent(record.type), inFlight[key] == nil {
            done.append(Event(key: key, records: [record]))
            return done
        }
        if record.type == "EOE" {
            if let event = inFlight.removeValue(forKey: key) { done.append(event) }
            return done   // a lone EOE after PROCTITLE already ended the event carries nothing
        }
        if inFlight[key] == nil {
            inFlight[key] = Event(key: key, records: [])
            order.append(key)
        }
        inFlight[key]!.records.append(record)
        if record.type == "PROCTITLE", inFlight[key]!.records.contains(where: { $0.type == "SYSCALL" }) {
            done.append(inFlight.removeValue(forKey: key)!)
        }
        if inFlight.count > maxInFlight { done += evictOldest(inFlight.count - maxInFlight) }
        compactOrder()
        return done
    }

    /// Live input: events that have seen no record for `window` seconds of wall-clock time are
    /// complete (AVCs alone, on systems that audit no syscalls, never see an EOE).
    public mutating func age(now: UInt64) -> [Event] {
        now > window ? expire(olderThan: now - window) : []
    }

    /// `ausearch` printed `----`: everything read so far is complete.
    public mutating func boundary() -> [Event] { flush() }

    /// End of input: every event still open is complete.
    public mutating func flush() -> [Event] {
        let events = order[orderStart...].compactMap { inFlight.removeValue(forKey: $0) }
        order.removeAll()
        orderStart = 0
        return events
    }

    private mutating func expire(olderThan second: UInt64) -> [Event] {
        var done: [Event] = []
        while orderStart < order.count {
            let key = order[orderStart]
            guard let event = inFlight[key] else { orderStart += 1; continue }
            guard event.key.id.seconds < second else { break }
            done.append(inFlight.removeValue(forKey: key)!)
            orderStart += 1
        }
        return done
    }

    private mutating func evictOldest(_ count: Int) -> [Event] {
        var done: [Event] = []
        while done.count < count, orderStart < order.count {
            if let event = inFlight.removeValue(forKey: order[orderStart]) { done.append(event) }
            orderStart += 1
        }
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

/// Facts about record types that decide event boundaries.
enum RecordKind {
    /// Types that make up an event on their own (auditd's `audit_is_last_record` rules):
    /// user-space and daemon messages below 1300, user messages from 2100, NetLabel 1406–1419.
    static func isSingleRecordEvent(_ type: String) -> Bool {
        let number = type.withCString { audit_name_to_msg_type($0) }
        guard number > 0 else { return false }
        return number < 1300 || number >= 2100 || (1406...1419).contains(number)
    }
}
