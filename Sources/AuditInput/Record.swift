/// The kernel's event identity: `audit(<sec>.<msec>:<serial>)`.
public struct EventID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var seconds: UInt64
    public var milliseconds: UInt16
    public var serial: UInt64

    public init(seconds: UInt64, milliseconds: UInt16, serial: UInt64) {
        self.seconds = seconds
        self.milliseconds = milliseconds
        self.serial = serial
    }

    public var description: String {
        let ms = String(milliseconds)
        return "\(seconds).\(String(repeating: "0", count: 3 - ms.count))\(ms):\(serial)"
    }

    /// What the seconds count from. Audit did not exist before 2004, so a stamp before 2001
    /// (1e9 s) is a clock that was never set: seconds since boot (Android, early boot, dmesg).
    /// `0.000` is what Android's logd writes and what the tool gives a record that carried no
    /// usable stamp (missing or hidden by the poster): the time is unknown.
    public enum Clock: Sendable { case wall, sinceBoot, unknown }

    public var clock: Clock {
        if seconds == 0 && milliseconds == 0 { return .unknown }
        return seconds < 1_000_000_000 ? .sinceBoot : .wall
    }

    /// The next id in order: `before: id.successor` takes `id` itself and nothing after it.
    public var successor: EventID { EventID(seconds: seconds, milliseconds: milliseconds, serial: serial &+ 1) }

    public static func < (a: EventID, b: EventID) -> Bool {
        (a.seconds, a.milliseconds, a.serial) < (b.seconds, b.milliseconds, b.serial)
    }
}

/// Records of one event share node, time and serial: serials are per-host counters,
/// so logs gathered from several hosts collide on (time, serial) alone.
public struct EventKey: Hashable, Sendable, CustomStringConvertible {
    public var node: String?
    public var id: EventID

    public init(node: String?, id: EventID) {
        self.node = node
        self.id = id
    }

    public var description: String { node.map { "\($0):\(id)" } ?? id.description }
}

/// One audit record: `[node=N ]type=T msg=audit(S.M:N): body[<0x1d>enrichment]`.
public struct Record: Sendable {
    public var key: EventKey
    public var type: String
    /// Everything after `): `, without the ENRICHED tail.
    public var body: String
    /// auditd's ENRICHED interpretations (`AUID="root" ARCH=x86_64 …`), if present.
    public var enrichment: String?
    /// Where the record was read: input name and line number.
    public var source: SourceLocation

    public init(key: EventKey, type: String, body: String, enrichment: String? = nil, source: SourceLocation) {
        self.key = key
        self.type = type
        self.body = body
        self.enrichment = enrichment
        self.source = source
    }

    /// The body split into fields; computed on demand since most records are never looked at.
    public var fields: Fields { Fields(parsing: body) }
}

public struct SourceLocation: Sendable, Hashable {
    public var input: String
    public var line: Int

    public init(input: String, line: Int) {
        self.input = input
        self.line = line
    }
}
