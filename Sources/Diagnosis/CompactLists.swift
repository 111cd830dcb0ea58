import AuditInput

/// The ids of a finding's first occurrences (at most `Finding.maxEventIDs`), in the order they
/// came. Ten thousand findings of 64 events each were 26 MB as `[EventKey]` (40 bytes an id);
/// kept here as the difference from the id before, in variable-length integers: a few bytes
/// an id, since a finding's events are close in time and serial. Node names are kept once
/// per list, each id naming its node by number.
public struct EventList: Sendable, Sequence {
    /// Per id: node number (0: none, else `nodes[n - 1]`), then seconds, milliseconds and
    /// serial as differences from the id before (zigzagged: logs are not always in order).
    private var bytes: [UInt8] = []
    private var nodes: [String] = []
    private var last = EventID(seconds: 0, milliseconds: 0, serial: 0)
    public private(set) var count = 0

    public init(_ keys: [EventKey] = []) {
        for key in keys { append(key) }
    }

    public var isEmpty: Bool { count == 0 }
    /// Bytes the ids take (nodes apart).
    var storedBytes: Int { bytes.count }
    public var first: EventKey? {
        var events = makeIterator()
        return events.next()
    }

    public mutating func append(_ key: EventKey) {
        var node = 0
        if let name = key.node {
            if let i = nodes.firstIndex(of: name) { node = i + 1 } else { nodes.append(name); node = nodes.count }
        }
        VarInt.append(UInt64(node), to: &bytes)
        VarInt.append(VarInt.zigzag(key.id.seconds &- last.seconds), to: &bytes)
        VarInt.append(VarInt.zigzag(UInt64(key.id.milliseconds) &- UInt64(last.milliseconds)), to: &bytes)
        VarInt.append(VarInt.zigzag(key.id.serial &- last.serial), to: &bytes)
        last = key.id
        count += 1
    }

    public struct Iterator: IteratorProtocol {
        fileprivate let list: EventList
        fileprivate var offset = 0
        fileprivate var previous = EventID(seconds: 0, milliseconds: 0, serial: 0)

        public mutating func next() -> EventKey? {
            guard offset < list.bytes.count else { return nil }
            let node = Int(VarInt.read(list.bytes, at: &offset))
            previous.seconds &+= VarInt.unzigzag(VarInt.read(list.bytes, at: &offset))
            previous.milliseconds = UInt16(truncatingIfNeeded: UInt64(previous.milliseconds) &+ VarInt.unzigzag(VarInt.read(list.bytes, at: &offset)))
            previous.serial &+= VarInt.unzigzag(VarInt.read(list.bytes, at: &offset))
            return EventKey(node: node == 0 ? nil : list.nodes[node - 1], id: previous)
        }
    }

    public func makeIterator() -> Iterator { Iterator(list: self) }
    public var underestimatedCount: Int { count }
}

/// Unsigned integers in as few bytes as they need (LEB128: seven bits a byte, low bits
/// first, the high bit set on every byte but the last).
enum VarInt {
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    static func read(_ bytes: [UInt8], at offset: inout Int) -> UInt64 {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// A wrapped difference as a small number whether it went up or down: 0, -1, 1, -2, …
    /// become 0, 1, 2, 3, …
    static func zigzag(_ difference: UInt64) -> UInt64 {
        let signed = Int64(bitPattern: difference)
        return UInt64(bitPattern: (signed << 1) ^ (signed >> 63))
    }

    static func unzigzag(_ value: UInt64) -> UInt64 {
        (value >> 1) ^ (0 &- (value & 1))
    }
}

/// A finding's pids (at most `Finding.maxEventIDs`), in the order first seen, kept as the
/// difference from the pid before, in variable-length integers: one program's pids are
/// often close, so one to three bytes a pid instead of eight.
public struct PidList: Sendable, Equatable, Sequence, ExpressibleByArrayLiteral {
    private var bytes: [UInt8] = []
    private var last: Int64 = 0
    public private(set) var count = 0
    /// One bit per pid (of 128, by a hash of it): a pid whose bit is clear is not in the list,
    /// and is known so without decoding the list (most pids a repeat brings are new).
    private var maybe: (low: UInt64, high: UInt64) = (0, 0)

    public init(_ pids: [Int64]) {
        for pid in pids { append(pid) }
    }

    public init(arrayLiteral pids: Int64...) { self.init(pids) }

    public var isEmpty: Bool { count == 0 }

    public mutating func append(_ pid: Int64) {
        VarInt.append(VarInt.zigzag(UInt64(bitPattern: pid &- last)), to: &bytes)
        last = pid
        count += 1
        let bit = Self.bit(pid)
        if bit < 64 { maybe.low |= 1 << bit } else { maybe.high |= 1 << (bit - 64) }
    }

    public func contains(_ pid: Int64) -> Bool {
        let bit = Self.bit(pid)
        guard (bit < 64 ? maybe.low >> bit : maybe.high >> (bit - 64)) & 1 == 1 else { return false }
        return contains { $0 == pid }
    }

    private static func bit(_ pid: Int64) -> UInt64 {
        (UInt64(bitPattern: pid) &* 0x9E37_79B9_7F4A_7C15) >> 57
    }

    public static func == (a: PidList, b: PidList) -> Bool {
        a.count == b.count && a.bytes == b.bytes
    }

    public struct Iterator: IteratorProtocol {
        fileprivate let list: PidList
        fileprivate var offset = 0
        fileprivate var previous: Int64 = 0

        public mutating func next() -> Int64? {
            guard offset < list.bytes.count else { return nil }
            previous &+= Int64(bitPattern: VarInt.unzigzag(VarInt.read(list.bytes, at: &offset)))
            return previous
        }
    }

    public func makeIterator() -> Iterator { Iterator(list: self) }
    public var underestimatedCount: Int { count }
}
