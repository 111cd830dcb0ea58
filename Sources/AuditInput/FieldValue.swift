/// How the kernel writes untrusted strings: in double quotes when they are plain, otherwise as
/// uppercase hex of the raw bytes (any byte below 0x21 or above 0x7e, or a double quote).
/// Every check is on bytes: a value becomes a String only once it is known what it holds.
public enum FieldValue {
    /// Fields the kernel writes with `audit_log_untrustedstring` and friends.
    static let encodedNames: Set<String> = [
        "comm", "exe", "path", "name", "proctitle", "cwd", "key", "cmd", "acct", "data",
        "ocomm", "root_dir", "watch", "vm", "new", "old", "grp", "new_group", "saddr",
    ]

    /// What a raw value is, by the rules `decode` follows.
    enum Shape { case absent, quoted, hex, bare }

    static func shape(_ raw: UnsafeBufferPointer<UInt8>, name: String) -> Shape {
        if isAbsent(raw) { return .absent }
        if raw.count >= 2, let first = raw.first, first == UInt8(ascii: "\"") || first == UInt8(ascii: "'"), raw.last == first {
            return .quoted
        }
        // The hex test first: it is a few byte compares, the name lookup a hash.
        if isHex(raw), encodedNames.contains(name) { return .hex }
        return .bare
    }

    /// `(null)`, `?` and `(none)`: what the kernel writes for a value it does not have.
    private static func isAbsent(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        switch raw.count {
        case 1: return raw[0] == UInt8(ascii: "?")
        case 6: return raw.elementsEqual("(null)".utf8) || raw.elementsEqual("(none)".utf8)
        default: return false
        }
    }

    public static func decode(_ raw: String, name: String) -> String? {
        var raw = raw
        return raw.withUTF8 { decode($0, name: name) }
    }

    static func decode(_ raw: UnsafeBufferPointer<UInt8>, name: String) -> String? {
        switch shape(raw, name: name) {
        case .absent: return nil
        case .quoted: return String(decoding: UnsafeBufferPointer(rebasing: raw.dropFirst().dropLast()), as: UTF8.self)
        case .hex: return text(from: decodedHex(raw), nulAsSpace: name == "proctitle")
        case .bare: return String(decoding: raw, as: UTF8.self)
        }
    }

    /// The bytes of an even-length hex string, or nil if it is not one.
    public static func hexBytes(_ s: String) -> [UInt8]? {
        var s = s
        return s.withUTF8(hexBytes)
    }

    static func hexBytes(_ u: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        isHex(u) ? decodedHex(u) : nil
    }

    /// The bytes of a value `isHex` accepted (`shape` tested it already for `decode`).
    private static func decodedHex(_ u: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: u.count / 2) { out, count in
            for i in 0..<(u.count / 2) { out[i] = nibble(u[2 * i])! << 4 | nibble(u[2 * i + 1])! }
            count = u.count / 2
        }
    }

    private static func isHex(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        !u.isEmpty && u.count % 2 == 0 && u.allSatisfy { nibble($0) != nil }
    }

    /// proctitle separates argv with NUL bytes; shown as spaces, as `ps` would.
    static func text(from bytes: consuming [UInt8], nulAsSpace: Bool) -> String {
        while bytes.last == 0 { bytes.removeLast() }
        if nulAsSpace {
            // In place, in the array handed over (every new finding's command line comes here).
            for i in bytes.indices where bytes[i] == 0 { bytes[i] = UInt8(ascii: " ") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// A decimal number (pid, syscall, exit). The usual form, digits with an optional minus, is
    /// read from the bytes; anything else is left to the standard library's parser, whose
    /// answer is the rule.
    static func int(_ raw: UnsafeBufferPointer<UInt8>) -> Int64? {
        let negative = raw.first == UInt8(ascii: "-")
        let digits = UnsafeBufferPointer(rebasing: raw.dropFirst(negative ? 1 : 0))
        // 18 digits cannot overflow.
        guard (1...18).contains(digits.count), digits.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else {
            return Int64(String(decoding: raw, as: UTF8.self))
        }
        let value = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 &- UInt8(ascii: "0")) }
        return negative ? -value : value
    }

    /// A number written in hex, with or without `0x` (a0…a3, arch, flags); like `int`, the
    /// unusual forms go to the standard library's parser.
    static func hex(_ raw: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let prefixed = raw.count >= 2 && raw[0] == UInt8(ascii: "0") && raw[1] == UInt8(ascii: "x")
        let digits = UnsafeBufferPointer(rebasing: raw.dropFirst(prefixed ? 2 : 0))
        guard (1...16).contains(digits.count), digits.allSatisfy({ nibble($0) != nil }) else {
            return UInt64(String(decoding: digits, as: UTF8.self), radix: 16)
        }
        return digits.reduce(UInt64(0)) { $0 << 4 | UInt64(nibble($1)!) }
    }
}
