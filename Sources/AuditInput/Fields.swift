#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `key=value` fields of a record body, in order, plus the shape of an SELinux AVC
/// (`avc:  denied  { perm … } for  …`), which is not key=value.
///
/// Fields are byte offsets into the body, which is shared with the record, not copied: a name is
/// found by comparing bytes and only the values asked for become Strings (a SYSCALL record has
/// some 25 fields and the diagnosis reads about a dozen).
public struct Fields: Sendable {
    /// The bytes the offsets point into: the record's text, of which the body is a prefix.
    private let bytes: [UInt8]
    /// One `name=value`: the name runs from `start` to `equals`, the raw value from after it to `end`.
    private struct Span: Sendable {
        var start: Int
        var equals: Int
        var end: Int
    }
    private var spans: [Span] = []
    private var result: Range<Int>?
    private var permissionWords: [Range<Int>] = []

    public init(parsing body: String) {
        let bytes = Array(body.utf8)
        self.init(bytes: bytes, range: 0..<bytes.count)
    }

    /// The fields of `bytes[range]`, whose offsets stay those of `bytes`.
    init(bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        spans.reserveCapacity(32)
        bytes.withUnsafeBufferPointer { scan($0, range, nested: true) }
    }

    /// User-space records carry their own fields inside `msg='…'`; like auparse, they are read
    /// as fields of the record too, after its own (so the record's own `pid` wins).
    private mutating func scan(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, nested: Bool) {
        let space = UInt8(ascii: " ")
        var i = range.lowerBound
        let end = range.upperBound
        var inner: [Range<Int>] = []
        var words = 0
        var firstWordIsAVC = false
        var inPerms = false
        while i < end {
            while i < end, p[i] == space { i += 1 }
            guard i < end else { break }
            let start = i
            var eq: Int?
            while i < end, p[i] != space, p[i] != UInt8(ascii: "=") { i += 1 }
            if i < end, p[i] == UInt8(ascii: "=") {
                eq = i
                i += 1
                // A quoted or braced value runs to its closing mark, spaces and all; another
                // to the next space (an `=` in it is its own). Values are most of a record's
                // bytes: memchr crosses them.
                if i < end, let close = Self.closer(p[i]) {
                    i = ByteSearch.index(of: close, in: p, from: i + 1, to: end).map { $0 + 1 } ?? end
                } else {
                    i = ByteSearch.index(of: space, in: p, from: i, to: end) ?? end
                }
            }
            if let eq, eq > start, !inPerms {
                spans.append(Span(start: start, equals: eq, end: i))
                if nested, i - eq > 2, p[eq + 1] == UInt8(ascii: "'"), Self.equal(p, start..<eq, "msg") {
                    inner.append((eq + 2)..<(p[i - 1] == UInt8(ascii: "'") ? i - 1 : i))
                }
                continue
            }
            if i - start == 1, p[start] == UInt8(ascii: "{") { inPerms = true; continue }
            if i - start == 1, p[start] == UInt8(ascii: "}") { inPerms = false; continue }
            if inPerms { permissionWords.append(start..<i); continue }
            words += 1
            if words == 1 { firstWordIsAVC = Self.equal(p, start..<i, "avc:") }
            if words == 2, firstWordIsAVC { result = start..<i }
        }
        for range in inner {
            var nestedFields = Fields(bytes: bytes, spans: [])
            nestedFields.scan(p, range, nested: false)
            spans += nestedFields.spans
        }
    }

    private init(bytes: [UInt8], spans: [Span]) {
        self.bytes = bytes
        self.spans = spans
    }

    private static func closer(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "\""): return UInt8(ascii: "\"")
        case UInt8(ascii: "'"): return UInt8(ascii: "'")
        case UInt8(ascii: "{"): return UInt8(ascii: "}")
        default: return nil
        }
    }

    private static func equal(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ name: StaticString) -> Bool {
        range.count == name.utf8CodeUnitCount
            && UnsafeBufferPointer(rebasing: p[range]).elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    /// Where the raw value of the first field with this name lies in `bytes`.
    private func valueRange(_ name: String) -> Range<Int>? {
        var name = name
        return name.withUTF8 { n in
            guard let first = n.first, let nameBase = n.baseAddress else { return nil }
            return bytes.withUnsafeBufferPointer { p in
                guard let base = p.baseAddress else { return nil }
                // A new finding looks up some 35 fields: a plain loop testing the length and the
                // first byte before comparing the rest costs a third of `first(where:)` with
                // `elementsEqual`.
                for s in spans where s.equals - s.start == n.count && p[s.start] == first
                    && memcmp(base + s.start, nameBase, n.count) == 0 {
                    return (s.equals + 1)..<s.end
                }
                return nil
            }
        }
    }

    /// The raw value of the first field with this name (quotes kept), handed to `body` as bytes.
    private func withRaw<T>(_ name: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
        guard let range = valueRange(name) else { return nil }
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// The fields in order, as (name, raw value) Strings: for tests and tools, not the hot path.
    public var pairs: [(name: String, raw: String)] {
        spans.map { (text($0.start..<$0.equals), text(($0.equals + 1)..<$0.end)) }
    }

    /// `denied` or `granted` for an AVC body; nil otherwise.
    public var avcResult: String? { result.map(text) }

    /// Whether an AVC body's result is this word (`denied`); nil when it is no AVC body.
    public func avcResult(is word: StaticString) -> Bool? {
        result.map { r in bytes.withUnsafeBufferPointer { Self.equal($0, r, word) } }
    }

    /// The permissions between the braces of an AVC body, in the kernel's order.
    public var avcPermissions: [String] {
        var names: [String] = []
        forEachAVCPermission { names.append(String(decoding: $0, as: UTF8.self)) }
        return names
    }

    /// Hands each of those to `body` as bytes: an event read in full reads them, and most are
    /// names a typed value knows without a String being made. (Not generic: across modules a
    /// generic one is not specialised, and cost a hundred times the comparisons.)
    public func forEachAVCPermission(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { p in
            for word in permissionWords { body(UnsafeBufferPointer(rebasing: p[word])) }
        }
    }

    /// The raw text of the first field with this name (quotes kept).
    public func raw(_ name: String) -> String? {
        withRaw(name) { String(decoding: $0, as: UTF8.self) }
    }

    /// The first field with this name, decoded: quotes removed, hex-encoded strings decoded,
    /// `(null)` and `?` read as absent.
    public subscript(_ name: String) -> String? {
        withRaw(name) { FieldValue.decode($0, name: name) } ?? nil
    }

    /// The fields of the first field with this name, read as a body of its own (a USER_AVC's
    /// `msg='avc: …'`): the value as `self[name]` gives it, without copying it.
    public func nested(_ name: String) -> Fields? {
        guard let range = valueRange(name) else { return nil }
        switch bytes.withUnsafeBufferPointer({ FieldValue.shape(UnsafeBufferPointer(rebasing: $0[range]), name: name) }) {
        case .absent: return nil
        case .quoted: return Fields(bytes: bytes, range: (range.lowerBound + 1)..<(range.upperBound - 1))
        case .bare: return Fields(bytes: bytes, range: range)
        case .hex: return self[name].map(Fields.init(parsing:))   // decoded into bytes of its own
        }
    }

    /// A numeric field written in hex without `0x` (a0…a3, arch, flags).
    public func hex(_ name: String) -> UInt64? {
        withRaw(name, FieldValue.hex) ?? nil
    }

    /// A numeric field written in decimal (pid, syscall, exit).
    public func int(_ name: String) -> Int64? {
        withRaw(name, FieldValue.int) ?? nil
    }
}
