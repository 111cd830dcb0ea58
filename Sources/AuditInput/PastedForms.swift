#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What pasting does to records: Markdown and HTML escaping, backticks, newlines lost between
/// records, stamps hidden or missing. Each helper undoes one of these.
enum PastedText {
    /// `unconfined\_t`, `&quot;`, `&lt;`, `&amp;`, `&#39;`: Markdown and HTML escaping left in a
    /// paste, undone so that names are read (and echoed in advice) as the log wrote them.
    static func unescape(_ text: String) -> String {
        // On bytes (a Character search costs more than the line): with neither byte there is
        // nothing to undo.
        guard text.utf8.contains(UInt8(ascii: "\\")) || text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var out = ""
        var rest = Substring(text)
        while let c = rest.first {
            if c == "\\", let next = rest.dropFirst().first, markdownEscaped.contains(next) {
                out.append(next)
                rest = rest.dropFirst(2)
                continue
            }
            if c == "&", let (entity, length) = entities.first(where: { rest.hasPrefix($0.0) }).map({ ($0.1, $0.0.count) }) {
                out.append(entity)
                rest = rest.dropFirst(length)
                continue
            }
            out.append(c)
            rest = rest.dropFirst()
        }
        return out
    }

    /// A kept line parsed as a record, unescaped first if it needs to be; in the common case
    /// it is parsed where it lies.
    static func parseUnescaped(_ line: UnsafeRawBufferPointer, source: SourceLocation) -> ParsedLine {
        guard let base = line.baseAddress, memchr(base, Int32(UInt8(ascii: "\\")), line.count) != nil || memchr(base, Int32(UInt8(ascii: "&")), line.count) != nil else {
            return RecordParser.parse(line, source: source)
        }
        return RecordParser.parse(Array(unescape(String(decoding: line, as: UTF8.self)).utf8), source: source)
    }

    static let markdownEscaped: Set<Character> = ["_", "*", "[", "]", "`", "#", "<", ">", "|", "~"]
    static let entities: [(String, Character)] = [
        ("&quot;", "\""), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("&#39;", "'"), ("&#x27;", "'"), ("&apos;", "'"), ("&nbsp;", " "),
    ]

    /// Backticks around a record (inline code in Markdown); a fence line (```) is left empty.
    static func stripBackticks(_ text: String) -> String {
        var t = Substring(text)
        while t.first == "`" { t.removeFirst() }
        while t.last == "`" { t.removeLast() }
        while t.last == " " { t.removeLast() }
        return String(t)
    }

    /// The line cut at each record start (`[node=N ]type=T msg=audit(` or `type=1400 audit(`),
    /// for a paste that lost the newlines between records. The text before the second start
    /// stays with the first record, wrapper and all. A start inside a user-space message
    /// (`msg='…'`) is not one: the text there is the message's.
    static func records(_ text: String) -> [Substring] {
        // Most lines in another form hold no record start at all: told on bytes.
        var bytes = text
        guard bytes.withUTF8({ ByteSearch.find(.type, in: UnsafeRawBufferPointer($0)) != nil }) else { return [text[...]] }
        var cuts: [String.Index] = []
        var search = text.isEmpty ? text.endIndex : text.index(after: text.startIndex)
        var quoted = false
        var scanned = text.startIndex
        while search < text.endIndex, let t = text[search...].firstRange(of: "type=") {
            for c in text[scanned..<t.lowerBound] where c == "'" { quoted.toggle() }
            scanned = t.lowerBound
            search = t.upperBound
            guard !quoted, text[text.index(before: t.lowerBound)] == " " else { continue }
            let name = text[t.upperBound...].prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
            let after = text[name.endIndex...]
            guard !name.isEmpty, after.hasPrefix(" msg=audit(") || after.hasPrefix(" audit(") else { continue }
            cuts.append(nodeStart(text, before: t.lowerBound) ?? t.lowerBound)
        }
        guard !cuts.isEmpty else { return [text[...]] }
        var pieces: [Substring] = []
        var start = text.startIndex
        for cut in cuts where cut > start {
            pieces.append(trimmed(text[start..<cut]))
            start = cut
        }
        pieces.append(text[start...])
        return pieces
    }

    /// `node=N ` just before a record start belongs to the record.
    private static func nodeStart(_ text: String, before typeStart: String.Index) -> String.Index? {
        let head = text[..<text.index(before: typeStart)]
        guard let space = head.lastIndex(of: " ").map({ text.index(after: $0) }) ?? Optional(head.startIndex) else { return nil }
        let word = text[space..<head.endIndex]
        return word.hasPrefix("node=") || word.hasPrefix("host=") ? space : nil
    }

    private static func trimmed(_ s: Substring) -> Substring {
        var t = s
        while t.last == " " { t.removeLast() }
        return t
    }
}

/// A time the line's wrapper gives when the record's own stamp has none: dmesg's
/// `[  812.345678]` (since boot), syslog's `Nov 27 09:14:03`, or logcat's `MM-DD HH:MM:SS.mmm`
/// (local time; both in this year).
enum WrapperTime {
    static func stamp(_ text: String) -> (seconds: UInt64, milliseconds: Int)? {
        let t = text.drop { $0 == " " }
        if t.hasPrefix("["), let close = t.firstIndex(of: "]") {
            let inner = t[t.index(after: t.startIndex)..<close].trimmingPrefix(while: { $0 == " " })
            let parts = inner.split(separator: ".")
            if parts.count == 2, let s = UInt64(parts[0]), parts[1].allSatisfy(\.isNumber), let frac = Int(parts[1].prefix(3).padding(3)) {
                return (s, frac)
            }
            return nil
        }
        if let seconds = SyslogTime.seconds(String(t)) { return (seconds, 0) }
        // logcat -v threadtime: `11-27 09:14:03.120  1234  1234 W tag : …`
        let words = t.split(separator: " ", maxSplits: 2)
        guard words.count >= 2 else { return nil }
        let md = words[0].split(separator: "-").compactMap { Int($0) }
        let hms = words[1].split(separator: ".")
        guard md.count == 2, words[0].count == 5, hms.count == 2, let ms = Int(hms[1].prefix(3).padding(3)) else { return nil }
        let clock = hms[0].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3,
              let s = CalendarTime.seconds(year: CalendarTime.currentYear(.local), month: md[0], day: md[1],
                                           hour: clock[0], minute: clock[1], second: clock[2], in: .local) else { return nil }
        return s > 0 ? (UInt64(s), ms) : nil
    }
}

private extension Substring {
    func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring { drop(while: predicate) }
    func padding(_ width: Int) -> String { count >= width ? String(self) : String(self) + String(repeating: "0", count: width - count) }
}
