/// One line of `journalctl -o json`: a flat object whose `MESSAGE` is the record without its
/// stamp; `_AUDIT_ID` is the serial and `_SOURCE_REALTIME_TIMESTAMP` the time in microseconds.
enum JournalJSON {
    static func record(_ text: String) -> String? {
        guard let fields = flatObject(text), let message = fields["MESSAGE"], let serial = fields["_AUDIT_ID"] else { return nil }
        let micros = UInt64(fields["_SOURCE_REALTIME_TIMESTAMP"] ?? fields["__REALTIME_TIMESTAMP"] ?? "") ?? 0
        var type = fields["_AUDIT_TYPE_NAME"] ?? fields["_AUDIT_TYPE"].flatMap { Int($0) }.map(AuditNames.recordType) ?? ""
        var body = Substring(message)
        if let space = body.firstIndex(of: " ") {
            let first = body[..<space]
            if type.isEmpty || first == type { type = String(first); body = body[body.index(after: space)...] }
        }
        guard !type.isEmpty else { return nil }
        let ms = String((micros / 1000) % 1000)
        let node = fields["_HOSTNAME"].map { "node=\($0) " } ?? ""
        return "\(node)type=\(type) msg=audit(\(micros / 1_000_000).\(String(repeating: "0", count: 3 - ms.count))\(ms):\(serial)): \(body)"
    }

    /// String values of a flat JSON object (numbers as their text; a byte array, as journald
    /// writes non-UTF-8 messages, decoded). Nil if the text is not such an object.
    static func flatObject(_ text: String) -> [String: String]? {
        let b = Array(text.utf8)
        var i = 0
        func skipSpace() { while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 } }
        func string() -> String? {
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var out: [UInt8] = []
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if c == UInt8(ascii: "\\"), i + 1 < b.count {
                    i += 1
                    switch b[i] {
                    case UInt8(ascii: "n"): out.append(0x0a)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0d)
                    case UInt8(ascii: "u"):
                        guard i + 4 < b.count, let v = UInt32(String(decoding: b[(i + 1)...(i + 4)], as: UTF8.self), radix: 16) else { return nil }
                        out += Array(String(Unicode.Scalar(v) ?? "?").utf8)
                        i += 4
                    default: out.append(b[i])
                    }
                    i += 1
                    continue
                }
                out.append(c)
                i += 1
            }
            return nil
        }
        skipSpace()
        guard i < b.count, b[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var fields: [String: String] = [:]
        while true {
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "}") { return fields }
            guard let key = string() else { return nil }
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: "\"") {
                guard let v = string() else { return nil }
                fields[key] = v
            } else if b[i] == UInt8(ascii: "[") {
                var bytes: [UInt8] = []
                i += 1
                var number = ""
                while i < b.count, b[i] != UInt8(ascii: "]") {
                    if b[i] >= 0x30 && b[i] <= 0x39 { number.append(Character(Unicode.Scalar(b[i]))) }
                    else if let v = UInt8(number) { bytes.append(v); number = "" }
                    i += 1
                }
                if let v = UInt8(number) { bytes.append(v) }
                guard i < b.count else { return nil }
                i += 1
                fields[key] = String(decoding: bytes, as: UTF8.self)
            } else {
                let start = i
                while i < b.count, b[i] != UInt8(ascii: ","), b[i] != UInt8(ascii: "}") { i += 1 }
                fields[key] = String(decoding: b[start..<i], as: UTF8.self).trimmingSpaces()
            }
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: ",") { i += 1; continue }
            if i < b.count, b[i] == UInt8(ascii: "}") { return fields }
            return nil
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
