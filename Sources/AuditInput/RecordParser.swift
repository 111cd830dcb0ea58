#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What one line of input turned out to be.
public enum ParsedLine: Sendable {
    case record(Record)
    /// A line that carries no record but is expected in the input.
    case separator(Separator)
    /// A line that is not an audit record; the caller counts and reports it.
    case malformed
}

public enum Separator: Sendable {
    /// Blank lines and `ausearch`'s `time->…` lines.
    case blank
    /// `ausearch`'s `----`: the records before it form complete events.
    case eventBoundary
}

/// The canonical record grammar, as auditd writes it to audit.log and `ausearch --raw` or
/// `ausearch` (default output) prints it. Works on bytes: the header is located without
/// decoding the line, and only the body is turned into a String.
public enum RecordParser {
    static let enrichmentSeparator: UInt8 = 0x1d

    public static func parse(_ line: [UInt8], source: SourceLocation) -> ParsedLine {
        var i = 0
        let n = line.count
        while i < n, line[i] == UInt8(ascii: " ") || line[i] == UInt8(ascii: "\t") { i += 1 }
        if i == n { return .separator(.blank) }
        if starts(line, at: i, "----") { return .separator(.eventBoundary) }
        if starts(line, at: i, "time->") { return .separator(.blank) }

        var node: String?
        if starts(line, at: i, "node=") || starts(line, at: i, "host=") {
            let valueStart = i + 5
            guard let space = line[valueStart...].firstIndex(of: UInt8(ascii: " ")), space > valueStart else { return .malformed }
            node = String(decoding: line[valueStart..<space], as: UTF8.self)
            i = space + 1
            while i < n, line[i] == UInt8(ascii: " ") { i += 1 }
        }

        guard starts(line, at: i, "type=") else { return .malformed }
        let typeStart = i + 5
        guard let typeEnd = line[typeStart...].firstIndex(of: UInt8(ascii: " ")), typeEnd > typeStart else { return .malformed }
        let type = String(decoding: line[typeStart..<typeEnd], as: UTF8.self)
        i = typeEnd + 1
        guard starts(line, at: i, "msg=audit(") else { return .malformed }
        i += 10
        guard let (id, afterID) = parseEventID(line, from: i) else { return .malformed }
        // "): " — auditd writes one space; the body may be empty (EOE).
        i = afterID
        guard i < n, line[i] == UInt8(ascii: ")") else { return .malformed }
        i += 1
        if i < n, line[i] == UInt8(ascii: ":") { i += 1 }
        while i < n, line[i] == UInt8(ascii: " ") { i += 1 }

        var bodyEnd = n
        var enrichment: String?
        if let (sep, width) = enrichmentStart(line, from: i, glued: mayBeEnriched(type)) {
            bodyEnd = sep
            enrichment = String(decoding: line[(sep + width)...], as: UTF8.self)
        }
        let body = String(decoding: line[i..<bodyEnd], as: UTF8.self)
        let record = Record(key: EventKey(node: node, id: id), type: type, body: body,
                            enrichment: enrichment, source: source)
        return .record(record)
    }

    /// Where the ENRICHED tail starts and how wide its separator is: the 0x1d byte; `^]`, as a
    /// terminal shows it after copy and paste; or nothing at all, the tail glued to the last
    /// value (`key=(null)ARCH=x86_64`), found by the upper-case names auditd writes.
    static func enrichmentStart(_ line: [UInt8], from: Int, glued: Bool) -> (Int, Int)? {
        line.withUnsafeBufferPointer { b in
            // One pass: the 0x1d byte wins wherever it is; then `^]`; then the earliest name of
            // the list found glued to a closing quote or parenthesis.
            var caret: Int?
            var glue: (name: Int, at: Int)?
            var i = from
            while i < b.count {
                let c = b[i]
                if c == enrichmentSeparator { return (i, 1) }
                if glued {
                    if caret == nil, c == UInt8(ascii: "^"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "]") { caret = i }
                    if i > from, c == UInt8(ascii: "A") || c == UInt8(ascii: "U") || c == UInt8(ascii: "O") || c == UInt8(ascii: "S"),
                       b[i - 1] == UInt8(ascii: ")") || b[i - 1] == UInt8(ascii: "\"") || b[i - 1] == UInt8(ascii: "'") {
                        for (n, name) in gluedNames.enumerated() where n < glue?.name ?? gluedNames.count {
                            if b.count - i >= name.count, name.indices.allSatisfy({ b[i + $0] == name[$0] }) { glue = (n, i); break }
                        }
                    }
                }
                i += 1
            }
            if let caret { return (caret, 2) }
            return glue.map { ($0.at, 0) }
        }
    }

    /// Whether `line` has `text` at `offset`.
    static func starts(_ line: [UInt8], at offset: Int, _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard offset >= 0, offset + count <= line.count else { return false }
        return line.withUnsafeBytes { memcmp($0.baseAddress! + offset, text.utf8Start, count) == 0 }
    }

    /// auditd enriches only records with uid, gid, syscall, arch or sockaddr fields: never a
    /// kernel AVC, so the search for a damaged separator is spared on those.
    static func mayBeEnriched(_ type: String) -> Bool {
        type != "AVC" && type != "PROCTITLE" && type != "EOE" && type != "MMAP" && type != "AVC_PATH"
    }

    /// The first field names of ENRICHED tails, as auditd writes them per record type.
    static let gluedNames: [[UInt8]] = ["ARCH=", "AUID=", "UID=", "OUID=", "SADDR="].map { Array($0.utf8) }

    /// `<sec>.<msec>:<serial>` starting at `from`; returns the id and the index after the serial.
    static func parseEventID(_ line: [UInt8], from: Int) -> (EventID, Int)? {
        var i = from
        guard let (sec, a) = number(line, &i), a > 0, a <= 20, i < line.count, line[i] == UInt8(ascii: ".") else { return nil }
        i += 1
        guard let (ms, b) = number(line, &i), b > 0, b <= 3, ms <= 999, i < line.count, line[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let (serial, c) = number(line, &i), c > 0, c <= 20 else { return nil }
        return (EventID(seconds: sec, milliseconds: UInt16(ms), serial: serial), i)
    }

    private static func number(_ line: [UInt8], _ i: inout Int) -> (UInt64, Int)? {
        var value: UInt64 = 0
        var digits = 0
        while i < line.count, line[i] >= UInt8(ascii: "0"), line[i] <= UInt8(ascii: "9") {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(line[i] - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = s
            digits += 1
            i += 1
        }
        return (value, digits)
    }
}
