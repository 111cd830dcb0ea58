import Diagnosis

/// A JSON value with object keys kept in the order they were written, so the output follows
/// the documented schema order rather than a hash order.
public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool { a.serialized() == b.serialized() }

    /// Compact, one line: the form for JSON Lines and for scripts.
    public func serialized() -> String {
        var out = ""
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// Indented by two spaces, for people; `level` is the depth it is written at.
    public func pretty(level: Int = 0) -> String {
        var out = ""
        write(to: &out, indent: "  ", level: level)
        return out
    }

    private func write(to out: inout String, indent: String?, level: Int) {
        let newline = indent == nil ? "" : "\n"
        let pad = { (n: Int) in indent.map { String(repeating: $0, count: n) } ?? "" }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): JSON.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[" + newline
            // Made once a container, not once an item: a report writes some hundred thousand.
            let inner = pad(level + 1), comma = "," + newline
            for (i, item) in items.enumerated() {
                out += inner
                item.write(to: &out, indent: indent, level: level + 1)
                out += i + 1 < items.count ? comma : newline
            }
            out += pad(level) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{" + newline
            let inner = pad(level + 1), comma = "," + newline, colon = indent == nil ? ":" : ": "
            for (i, (key, value)) in members.enumerated() {
                out += inner
                JSON.quote(key, into: &out)
                out += colon
                value.write(to: &out, indent: indent, level: level + 1)
                out += i + 1 < members.count ? comma : newline
            }
            out += pad(level) + "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        // Most strings are printable ASCII with no quote or backslash, which need no escape:
        // copied whole. Appending scalar by scalar was most of the JSON report's time.
        if s.allBytes({ $0 >= 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        // Other text is copied in runs between the scalars that need an escape.
        let scalars = s.unicodeScalars
        var run = scalars.startIndex
        var i = run
        while i < scalars.endIndex {
            let scalar = scalars[i]
            let escape: String?
            switch scalar {
            case "\"": escape = "\\\""
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            // Bidi and line-separator characters too: `jq -r` of a field must not reorder a terminal line.
            case _ where scalar.isControlOrBidi:
                let hex = String(scalar.value, radix: 16)
                escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escape = nil
            }
            let next = scalars.index(after: i)
            if let escape {
                out += Substring(scalars[run..<i])
                out += escape
                run = next
            }
            i = next
        }
        out += Substring(scalars[run...])
        out += "\""
    }
}

extension JSON {
    static func string(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
    static func strings(_ list: [String]) -> JSON { .array(list.map(JSON.string)) }
}
