/// The `key=value` fields of a record body, in order, plus the shape of an SELinux AVC
/// (`avc:  denied  { perm … } for  …`), which is not key=value.
public struct Fields: Sendable {
    public private(set) var pairs: [(name: String, raw: String)] = []
    /// `denied` or `granted` for an AVC body; nil otherwise.
    public private(set) var avcResult: String?
    /// The permissions between the braces of an AVC body, in the kernel's order.
    public private(set) var avcPermissions: [String] = []

    public init(parsing body: String) {
        self.init(bytes: Array(body.utf8), nested: true)
    }

    init(bytes: ArraySlice<UInt8>) {
        self.init(bytes: Array(bytes), nested: true)
    }

    /// User-space records carry their own fields inside `msg='…'`; like auparse, they are read
    /// as fields of the record too, after its own (so the record's own `pid` wins).
    private init(bytes: [UInt8], nested: Bool) {
        var i = 0
        var words: [String] = []
        var inner: [[UInt8]] = []
        var inPerms = false
        while i < bytes.count {
            while i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
            guard i < bytes.count else { break }
            let start = i
            var eq: Int?
            while i < bytes.count, bytes[i] != UInt8(ascii: " ") {
                if bytes[i] == UInt8(ascii: "="), eq == nil {
                    eq = i
                    i += 1
                    if i < bytes.count, let close = Self.closer(bytes[i]) {
                        // A quoted or braced value runs to its closing mark, spaces and all.
                        if let end = bytes[(i + 1)...].firstIndex(of: close) { i = end + 1 } else { i = bytes.count }
                        break
                    }
                    continue
                }
                i += 1
            }
            if let eq, eq > start, !inPerms {
                let name = String(decoding: bytes[start..<eq], as: UTF8.self)
                let raw = String(decoding: bytes[(eq + 1)..<i], as: UTF8.self)
                pairs.append((name, raw))
                if nested, name == "msg", i - eq > 2, bytes[eq + 1] == UInt8(ascii: "'") {
                    inner.append(Array(bytes[(eq + 2)..<(bytes[i - 1] == UInt8(ascii: "'") ? i - 1 : i)]))
                }
                continue
            }
            let word = String(decoding: bytes[start..<i], as: UTF8.self)
            if word == "{" { inPerms = true; continue }
            if word == "}" { inPerms = false; continue }
            if inPerms { avcPermissions.append(word); continue }
            words.append(word)
            if words.count == 2, words[0] == "avc:" { avcResult = word }
        }
        appendNested(inner)
    }

    private mutating func appendNested(_ inner: [[UInt8]]) {
        for text in inner { pairs += Fields(bytes: text, nested: false).pairs }
    }

    private static func closer(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "\""): return UInt8(ascii: "\"")
        case UInt8(ascii: "'"): return UInt8(ascii: "'")
        case UInt8(ascii: "{"): return UInt8(ascii: "}")
        default: return nil
        }
    }

    /// The raw text of the first field with this name (quotes kept).
    public func raw(_ name: String) -> String? {
        pairs.first { $0.name == name }?.raw
    }

    /// The first field with this name, decoded: quotes removed, hex-encoded strings decoded,
    /// `(null)` and `?` read as absent.
    public subscript(_ name: String) -> String? {
        raw(name).flatMap { FieldValue.decode($0, name: name) }
    }

    /// A numeric field written in hex without `0x` (a0…a3, arch, flags).
    public func hex(_ name: String) -> UInt64? {
        guard var text = raw(name) else { return nil }
        if text.hasPrefix("0x") { text.removeFirst(2) }
        return UInt64(text, radix: 16)
    }

    /// A numeric field written in decimal (pid, syscall, exit).
    public func int(_ name: String) -> Int64? {
        raw(name).flatMap { Int64($0) }
    }
}

/// How the kernel writes untrusted strings: in double quotes when they are plain, otherwise as
/// uppercase hex of the raw bytes (any byte below 0x21 or above 0x7e, or a double quote).
public enum FieldValue {
    /// Fields the kernel writes with `audit_log_untrustedstring` and friends.
    static let encodedNames: Set<String> = [
        "comm", "exe", "path", "name", "proctitle", "cwd", "key", "cmd", "acct", "data",
        "ocomm", "root_dir", "watch", "vm", "new", "old", "grp", "new_group", "saddr",
    ]

    public static func decode(_ raw: String, name: String) -> String? {
        if raw == "(null)" || raw == "?" || raw == "(none)" { return nil }
        if raw.count >= 2, let first = raw.first, let last = raw.last,
           (first == "\"" && last == "\"") || (first == "'" && last == "'") {
            return String(raw.dropFirst().dropLast())
        }
        if encodedNames.contains(name), let bytes = hexBytes(raw) {
            return text(from: bytes, nulAsSpace: name == "proctitle")
        }
        return raw
    }

    /// The bytes of an even-length hex string, or nil if it is not one.
    public static func hexBytes(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard !u.isEmpty, u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// proctitle separates argv with NUL bytes; shown as spaces, as `ps` would.
    static func text(from bytes: [UInt8], nulAsSpace: Bool) -> String {
        var b = bytes
        while b.last == 0 { b.removeLast() }
        if nulAsSpace { b = b.map { $0 == 0 ? UInt8(ascii: " ") : $0 } }
        return String(decoding: b, as: UTF8.self)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
