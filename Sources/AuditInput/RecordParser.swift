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
        line.withUnsafeBytes { parse($0, source: source) }
    }

    /// The same on bytes in place (a line of the region being read): only the body and its tail
    /// are copied, once, into the record.
    static func parse(_ line: UnsafeRawBufferPointer, source: SourceLocation) -> ParsedLine {
        var i = 0
        let n = line.count
        while i < n, line[i] == UInt8(ascii: " ") || line[i] == UInt8(ascii: "\t") { i += 1 }
        if i == n { return .separator(.blank) }
        if starts(line, at: i, "----") { return .separator(.eventBoundary) }
        if starts(line, at: i, "time->") { return .separator(.blank) }

        var node: String?
        if starts(line, at: i, "node=") || starts(line, at: i, "host=") {
            let valueStart = i + 5
            guard let space = index(of: UInt8(ascii: " "), in: line, from: valueStart), space > valueStart else { return .malformed }
            node = String(decoding: line[valueStart..<space], as: UTF8.self)
            i = space + 1
            while i < n, line[i] == UInt8(ascii: " ") { i += 1 }
        }

        guard starts(line, at: i, "type=") else { return .malformed }
        let typeStart = i + 5
        guard let typeEnd = index(of: UInt8(ascii: " "), in: line, from: typeStart), typeEnd > typeStart else { return .malformed }
        let type = typeName(UnsafeRawBufferPointer(rebasing: line[typeStart..<typeEnd]))
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

        let rest = UnsafeRawBufferPointer(rebasing: line[i...])
        var text = Array(rest)
        var bodyEnd = text.count
        var tailStart: Int?
        if let (sep, width) = enrichmentStart(rest, glued: mayBeEnriched(type)) {
            // The separator is dropped: the tail follows the body directly.
            text.removeSubrange(sep..<(sep + width))
            bodyEnd = sep
            tailStart = sep
        }
        let record = Record(key: EventKey(node: node, id: id), type: type, text: text, bodyEnd: bodyEnd,
                            tailStart: tailStart, source: source)
        return .record(record)
    }

    /// The common types as constants (no decoding); others decoded from the line.
    /// Built once: an array literal in `typeName` was allocated for every record.
    private static let knownTypes = ["SYSCALL", "AVC", "PROCTITLE", "EOE", "MMAP", "AVC_PATH", "PATH", "CWD"]

    private static func typeName(_ bytes: UnsafeRawBufferPointer) -> String {
        for known in knownTypes where known.utf8.count == bytes.count && equals(bytes, known) { return known }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func equals(_ bytes: UnsafeRawBufferPointer, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { $0.count == bytes.count && memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }

    private static func index(of byte: UInt8, in line: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard from < line.count, let found = memchr(line.baseAddress! + from, Int32(byte), line.count - from) else { return nil }
        return line.baseAddress!.distance(to: UnsafeRawPointer(found))
    }

    /// Where the ENRICHED tail starts in `body` and how wide its separator is: the 0x1d byte;
    /// `^]`, as a terminal shows it after copy and paste; or nothing at all, the tail glued to
    /// the last value (`key=(null)ARCH=x86_64`), found by the upper-case names auditd writes.
    static func enrichmentStart(_ b: UnsafeRawBufferPointer, glued: Bool) -> (Int, Int)? {
        // The 0x1d byte wins wherever it is; then `^]`; then the earliest name of the list
        // found glued to a closing quote or parenthesis.
        if let sep = index(of: enrichmentSeparator, in: b, from: 0) { return (sep, 1) }
        guard glued else { return nil }
        var from = 0
        while let caret = index(of: UInt8(ascii: "^"), in: b, from: from) {
            if caret + 1 < b.count, b[caret + 1] == UInt8(ascii: "]") { return (caret, 2) }
            from = caret + 1
        }
        // Every glued name ends in `=`: only the bytes before each `=` are looked at.
        var glue: (name: Int, at: Int)?
        from = 0
        while let eq = index(of: UInt8(ascii: "="), in: b, from: from) {
            from = eq + 1
            // Lower-case names (nearly all of them) are passed over at once.
            guard eq > 0, b[eq - 1] >= UInt8(ascii: "A"), b[eq - 1] <= UInt8(ascii: "Z") else { continue }
            for (n, name) in gluedNames.enumerated() where n < glue?.name ?? gluedNames.count {
                let at = eq + 1 - name.count
                guard at > 0, b[at - 1] == UInt8(ascii: ")") || b[at - 1] == UInt8(ascii: "\"") || b[at - 1] == UInt8(ascii: "'"),
                      name.indices.allSatisfy({ b[at + $0] == name[$0] }) else { continue }
                glue = (n, at)
                break
            }
        }
        return glue.map { ($0.at, 0) }
    }

    /// Whether `line` has `text` at `offset`.
    static func starts(_ line: UnsafeRawBufferPointer, at offset: Int, _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard offset >= 0, offset + count <= line.count else { return false }
        return memcmp(line.baseAddress! + offset, text.utf8Start, count) == 0
    }

    /// auditd enriches only records with uid, gid, syscall, arch or sockaddr fields: never a
    /// kernel AVC, so the search for a damaged separator is spared on those.
    static func mayBeEnriched(_ type: String) -> Bool {
        type != "AVC" && type != "PROCTITLE" && type != "EOE" && type != "MMAP" && type != "AVC_PATH"
    }

    /// The first field names of ENRICHED tails, as auditd writes them per record type.
    static let gluedNames: [[UInt8]] = ["ARCH=", "AUID=", "UID=", "OUID=", "SADDR="].map { Array($0.utf8) }

    /// `<sec>.<msec>:<serial>` starting at `from`; returns the id and the index after the serial.
    static func parseEventID(_ line: UnsafeRawBufferPointer, from: Int) -> (EventID, Int)? {
        var i = from
        guard let (sec, a) = number(line, &i), a > 0, a <= 20, i < line.count, line[i] == UInt8(ascii: ".") else { return nil }
        i += 1
        guard let (ms, b) = number(line, &i), b > 0, b <= 3, ms <= 999, i < line.count, line[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let (serial, c) = number(line, &i), c > 0, c <= 20 else { return nil }
        return (EventID(seconds: sec, milliseconds: UInt16(ms), serial: serial), i)
    }

    private static func number(_ line: UnsafeRawBufferPointer, _ i: inout Int) -> (UInt64, Int)? {
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
