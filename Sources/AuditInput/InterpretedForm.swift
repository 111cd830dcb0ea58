#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CAudit

/// `ausearch -i` output, turned back into raw form: the stamp `audit(11/17/06 14:17:29.845:11390) : `
/// (a locale's date, local time), names instead of numbers (`arch=x86_64 syscall=mprotect
/// a2=PROT_READ|PROT_WRITE|PROT_EXEC exit=EACCES(Permission denied)`), unquoted strings.
/// The result carries `AVCEXPLAIN_FORM=interpreted` in its enrichment tail: ausearch drops
/// PROT_GROWSDOWN when it interprets a2, so that evidence is weaker.
public enum InterpretedForm {
    public static let marker = "AVCEXPLAIN_FORM=interpreted"

    /// The canonical record for a line as `ausearch -i` writes it (`type=` or `node=` first, plain
    /// ASCII, no paste damage), read without decoding it as text; nil for any other line, which
    /// `LineForms` reads the long way (reaching `record` too when the line holds such a record).
    static func asWritten(_ line: UnsafeRawBufferPointer, dates: inout LocalDates) -> [UInt8]? {
        guard let base = line.baseAddress, CanonicalHeader.starts(line, 0, "type=") || CanonicalHeader.starts(line, 0, "node="),
              line.last != UInt8(ascii: "`"), CanonicalHeader(line) == nil, isPlainASCII(line),
              ByteSearch.find("cannot", in: line) == nil else { return nil }
        // A second record start would make it a paste that lost its newlines.
        var from = 1
        while let t = find("type=", in: line, from: from) {
            if line[t - 1] == UInt8(ascii: " ") { return nil }
            from = t + 1
        }
        // The stamp's `msg=audit(` must be the first one, as the stamp repair looks there.
        guard let m = find(" msg=audit(", in: line, from: 0), memchr(base, Int32(UInt8(ascii: "(")), m) == nil else { return nil }
        var end = line.count
        while end > 0, line[end - 1] == UInt8(ascii: " ") { end -= 1 }
        return record(UnsafeRawBufferPointer(rebasing: line[..<end]), dates: &dates)
    }

    /// No byte a paste's escapes (`\`, `&`) or a multi-byte character could be part of.
    private static func isPlainASCII(_ line: UnsafeRawBufferPointer) -> Bool {
        for b in line where b >= 0x80 || b == UInt8(ascii: "\\") || b == UInt8(ascii: "&") { return false }
        return true
    }

    /// The record for `ausearch -i` text, nil if it is not one.
    static func record(_ text: UnsafeRawBufferPointer, dates: inout LocalDates) -> [UInt8]? {
        guard let m = find(" msg=audit(", in: text, from: 0),
              let close = stampEnd(text, from: m + 11),
              let t = find("type=", in: UnsafeRawBufferPointer(rebasing: text[..<m]), from: 0),
              let id = parseStamp(UnsafeRawBufferPointer(rebasing: text[(m + 11)..<close]), dates: &dates) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 64)
        if CanonicalHeader.starts(text, 0, "node=") {
            out += text[..<(text[..<t].firstIndex(of: UInt8(ascii: " ")) ?? t)]
            out.append(UInt8(ascii: " "))
        }
        let type = UnsafeRawBufferPointer(rebasing: text[(t + 5)..<m])
        out += "type=".utf8
        out += type
        out += " msg=audit(".utf8
        out += id
        out += "): ".utf8
        let start = min(close + 4, text.count)
        var end = text.count
        while end > start, text[end - 1] == UInt8(ascii: " ") { end -= 1 }
        let body = UnsafeRawBufferPointer(rebasing: text[start..<end])
        if RecordRelevance.equals(type, "PROCTITLE") { proctitle(body, into: &out) } else { convert(body, syscall: RecordRelevance.equals(type, "SYSCALL"), into: &out) }
        out.append(0x1d)
        out += marker.utf8
        return out
    }

    /// Where `) : ` closes the stamp. A record with no fields (EOE) ends there: ausearch writes
    /// `type=EOE msg=audit(…) : `, and the trailing blank is gone once the line is trimmed.
    private static func stampEnd(_ text: UnsafeRawBufferPointer, from: Int) -> Int? {
        if let close = find(") : ", in: text, from: from) { return close }
        let bare = text.count - 3
        guard bare >= from, CanonicalHeader.starts(text, bare, ") :") else { return nil }
        return bare
    }

    /// `<date> <time>.<ms>:<serial>` in the analysing host's locale and zone. The serial and
    /// milliseconds are exact; the date is read in the common forms, else left at 0.
    static func parseStamp(_ stamp: UnsafeRawBufferPointer, dates: inout LocalDates) -> [UInt8]? {
        guard let colon = stamp.lastIndex(of: UInt8(ascii: ":")), let serial = integer(stamp[(colon + 1)...], as: UInt64.self) else { return nil }
        let dateTime = stamp[..<colon]
        guard let dot = dateTime.lastIndex(of: UInt8(ascii: ".")), let ms = integer(dateTime[(dot + 1)...], as: Int.self), (0..<1000).contains(ms) else { return nil }
        let seconds = dates.seconds(UnsafeRawBufferPointer(rebasing: dateTime[..<dot]))
        let msText = String(ms)
        return Array("\(seconds).\(String(repeating: "0", count: 3 - msText.count))\(msText):\(serial)".utf8)
    }

    /// A local date and time (`11/17/06 14:17:29`, `2006-11-17 …`, `17.11.2006 …`) as seconds
    /// since the epoch, 0 when it is in no form read here.
    static func seconds(_ dateTime: Substring) -> Int {
        let parts = dateTime.split(separator: " ")
        guard parts.count == 2 else { return 0 }
        let hms = parts[1].split(separator: ":").compactMap { Int($0) }
        let date = parts[0]
        var ymd: (Int, Int, Int)?
        let slash = date.split(separator: "/").compactMap { Int($0) }
        let dash = date.split(separator: "-").compactMap { Int($0) }
        let dots = date.split(separator: ".").compactMap { Int($0) }
        if slash.count == 3 { ymd = (slash[2] < 100 ? slash[2] + (slash[2] < 70 ? 2000 : 1900) : slash[2], slash[0], slash[1]) }
        else if dash.count == 3 { ymd = (dash[0], dash[1], dash[2]) }
        else if dots.count == 3 { ymd = (dots[2], dots[1], dots[0]) }
        guard let (y, mo, d) = ymd, hms.count == 3 else { return 0 }
        return localSeconds(y, mo, d, hms[0], hms[1], hms[2]) ?? 0
    }

    /// A local date and time as seconds since the epoch; nil for values no calendar has (the
    /// date is untrusted text, and tm's fields are 32-bit).
    static func localSeconds(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Int? {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        var t = tm()
        t.tm_year = Int32(year - 1900); t.tm_mon = Int32(month - 1); t.tm_mday = Int32(day)
        t.tm_hour = Int32(hour); t.tm_min = Int32(minute); t.tm_sec = Int32(second); t.tm_isdst = -1
        return max(Int(mktime(&t)), 0)
    }

    /// PROCTITLE's value is the rest of the line, spaces and all: hex-encode it as the kernel would.
    static func proctitle(_ body: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let value = CanonicalHeader.starts(body, 0, "proctitle=") ? body[10...] : body[...]
        let digits = Array("0123456789ABCDEF".utf8)
        out += "proctitle=".utf8
        for b in value { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    }

    /// Interpreted values back to raw ones, for the fields the diagnosis reads; the words are
    /// those between single spaces, as ausearch writes them.
    static func convert(_ body: UnsafeRawBufferPointer, syscall isSyscall: Bool, into out: inout [UInt8]) {
        var machine: Int32 = -1
        var start = 0
        while start <= body.count {
            let end = body[start...].firstIndex(of: UInt8(ascii: " ")) ?? body.count
            if start > 0 { out.append(UInt8(ascii: " ")) }
            let token = UnsafeRawBufferPointer(rebasing: body[start..<end])
            start = end + 1
            guard let eq = token.firstIndex(of: UInt8(ascii: "=")) else { out += token; continue }
            let key = UnsafeRawBufferPointer(rebasing: token[..<eq])
            let value = UnsafeRawBufferPointer(rebasing: token[(eq + 1)...])
            func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }
            switch text(key) {
            case "arch" where isSyscall:
                machine = audit_name_to_machine(text(value))
                if machine >= 0 { out += ("arch=" + String(audit_machine_to_elf(machine), radix: 16)).utf8; continue }
            case "syscall" where isSyscall:
                if machine >= 0, integer(value[...], as: Int.self) == nil {
                    let n = audit_name_to_syscall(text(value), machine)
                    if n >= 0 { out += "syscall=\(n)".utf8; continue }
                }
            case "a0", "a1", "a2", "a3":
                if let v = argument(value) { out += key; out.append(UInt8(ascii: "=")); out += v.utf8; continue }
            case "exit":
                if let open = value.firstIndex(of: UInt8(ascii: "(")) {
                    let errno = audit_name_to_errno(text(UnsafeRawBufferPointer(rebasing: value[..<open])))
                    if errno != 0 { out += "exit=\(errno < 0 ? errno : -errno)".utf8; continue }
                }
            case "per":
                if let open = value.firstIndex(of: UInt8(ascii: "(")), let close = value.lastIndex(of: UInt8(ascii: ")")), close > open {
                    var hex = value[(open + 1)..<close]
                    if hex.starts(with: "0x".utf8) { hex = hex.dropFirst(2) }
                    out += "per=".utf8
                    out += hex
                    continue
                }
            case "comm", "exe", "cwd", "path", "name":
                if value.first != UInt8(ascii: "\"") {
                    out += key
                    out += "=\"".utf8
                    out += value
                    out.append(UInt8(ascii: "\""))
                    continue
                }
            default:
                break
            }
            out += token
        }
    }

    /// `0x7ffd…` → hex; `PROT_READ|PROT_EXEC` and `MAP_PRIVATE|MAP_ANONYMOUS` → their bits.
    static func argument(_ value: UnsafeRawBufferPointer) -> String? {
        if CanonicalHeader.starts(value, 0, "0x") { return String(decoding: value[2...], as: UTF8.self) }
        var bits: UInt64 = 0
        for name in value.split(separator: UInt8(ascii: "|")) {
            guard let bit = flagBits[String(decoding: name, as: UTF8.self)] else { return nil }
            bits |= bit
        }
        return String(bits, radix: 16)
    }

    /// A number as Swift reads it from text (`Int("…")`), from bytes.
    private static func integer<T: FixedWidthInteger>(_ bytes: Slice<UnsafeRawBufferPointer>, as: T.Type) -> T? {
        T(String(decoding: bytes, as: UTF8.self))
    }

    private static func find(_ needle: StaticString, in bytes: UnsafeRawBufferPointer, from: Int) -> Int? { ByteSearch.find(needle, in: bytes, from: from) }

    static let flagBits: [String: UInt64] = [
        "PROT_NONE": 0, "PROT_READ": 1, "PROT_WRITE": 2, "PROT_EXEC": 4, "PROT_SEM": 8,
        "PROT_GROWSDOWN": 0x0100_0000, "PROT_GROWSUP": 0x0200_0000,
        "MAP_SHARED": 1, "MAP_PRIVATE": 2, "MAP_SHARED_VALIDATE": 3, "MAP_FIXED": 0x10, "MAP_ANONYMOUS": 0x20,
        "MAP_32BIT": 0x40, "MAP_GROWSDOWN": 0x100, "MAP_DENYWRITE": 0x800, "MAP_EXECUTABLE": 0x1000,
        "MAP_LOCKED": 0x2000, "MAP_NORESERVE": 0x4000, "MAP_POPULATE": 0x8000, "MAP_NONBLOCK": 0x10000,
        "MAP_STACK": 0x20000, "MAP_HUGETLB": 0x40000, "MAP_SYNC": 0x80000, "MAP_FIXED_NOREPLACE": 0x100000,
    ]
}

/// `ausearch -i` dates already converted: a log's records share a few seconds each, and the
/// conversion (mktime) reads the zone file on every call.
struct LocalDates {
    private var last: (text: [UInt8], seconds: Int)?

    mutating func seconds(_ dateTime: UnsafeRawBufferPointer) -> Int {
        if let last, last.text.elementsEqual(dateTime) { return last.seconds }
        let seconds = InterpretedForm.seconds(Substring(String(decoding: dateTime, as: UTF8.self)))
        last = (Array(dateTime), seconds)
        return seconds
    }
}

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
