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

    /// `<sec>.<msec>:<serial>`, the milliseconds in three digits. Written digit by digit into
    /// the string's storage: every finding's "seen" row names its first event, and the
    /// interpolation with its padding cost over 2,000 instructions.
    public var description: String {
        // 20 digits at most for each UInt64, 3 for the milliseconds (parsed as at most 999).
        String(unsafeUninitializedCapacity: 20 + 1 + 5 + 1 + 20) { out in
            let start = out.baseAddress!
            var end = DecimalDigits.write(seconds, to: start)
            start[end] = UInt8(ascii: "."); end += 1
            end += DecimalDigits.write(UInt64(milliseconds), minimum: 3, to: start + end)
            start[end] = UInt8(ascii: ":"); end += 1
            end += DecimalDigits.write(serial, to: start + end)
            return end
        }
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
///
/// The body and its tail stay bytes, as read: most kept records (the repeats of a denial) are
/// never decoded, only compared (`withBody`); `body`, `enrichment` and `fields` decode on demand.
public struct Record: Sendable {
    public var key: EventKey
    public var type: String
    /// The body, then the enrichment tail (its separator left out).
    private let text: [UInt8]
    /// Where the body ends in `text`, and where the tail starts (nil: no tail).
    private let bodyEnd: Int
    private let tailStart: Int?
    /// Where the record was read: input name and line number.
    public var source: SourceLocation

    init(key: EventKey, type: String, text: [UInt8], bodyEnd: Int, tailStart: Int?, source: SourceLocation) {
        self.key = key
        self.type = type
        self.text = text
        self.bodyEnd = bodyEnd
        self.tailStart = tailStart
        self.source = source
    }

    /// Bytes held: the body and its tail.
    public var byteCount: Int { text.count }

    /// Everything after `): `, without the ENRICHED tail.
    public var body: String { String(decoding: text[..<bodyEnd], as: UTF8.self) }

    /// auditd's ENRICHED interpretations (`AUID="root" ARCH=x86_64 …`), if present.
    public var enrichment: String? { tailStart.map { String(decoding: text[$0...], as: UTF8.self) } }

    /// The body's bytes, without decoding them.
    public func withBody<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try text.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[..<bodyEnd])) }
    }

    /// The body split into fields; computed on demand since most records are never looked at.
    /// The fields point into the record's bytes: nothing is copied or decoded until asked for.
    public var fields: Fields { Fields(bytes: text, range: 0..<bodyEnd) }

    /// Whether the enrichment tail holds `needle`, compared as bytes.
    public func enrichmentContains(_ needle: String) -> Bool {
        guard let tailStart else { return false }
        let n = Array(needle.utf8)
        guard let first = n.first, text.count - tailStart >= n.count else { return false }
        return text[tailStart...].withUnsafeBufferPointer { tail in
            (0...(tail.count - n.count)).contains { i in
                tail[i] == first && UnsafeBufferPointer(rebasing: tail[i..<(i + n.count)]).elementsEqual(n)
            }
        }
    }
}

public struct SourceLocation: Sendable, Hashable {
    public var input: String
    public var line: Int

    public init(input: String, line: Int) {
        self.input = input
        self.line = line
    }
}
