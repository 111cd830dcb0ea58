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

    static func record(_ text: String) -> String? {
        guard let m = text.firstRange(of: " msg=audit("), let close = text[m.upperBound...].firstRange(of: ") : ") else { return nil }
        let head = text[..<m.lowerBound]
        guard let t = head.firstRange(of: "type=") else { return nil }
        let prefix = head[..<t.lowerBound]
        let node = prefix.hasPrefix("node=") ? String(prefix.split(separator: " ").first ?? "") + " " : ""
        let type = String(head[t.upperBound...])
        let stamp = text[m.upperBound..<close.lowerBound]
        guard let id = parseStamp(stamp) else { return nil }
        var body = String(text[close.upperBound...])
        while body.hasSuffix(" ") { body.removeLast() }
        let raw = type == "PROCTITLE" ? proctitle(body) : convert(body, type: type)
        return "\(node)type=\(type) msg=audit(\(id)): \(raw)\u{1d}\(marker)"
    }

    /// `<date> <time>.<ms>:<serial>` in the analysing host's locale and zone. The serial and
    /// milliseconds are exact; the date is read in the common forms, else left at 0.
    static func parseStamp(_ stamp: Substring) -> String? {
        guard let colon = stamp.lastIndex(of: ":"), let serial = UInt64(stamp[stamp.index(after: colon)...]) else { return nil }
        let dateTime = stamp[..<colon]
        guard let dot = dateTime.lastIndex(of: "."), let ms = Int(dateTime[dateTime.index(after: dot)...]), (0..<1000).contains(ms) else { return nil }
        let parts = dateTime[..<dot].split(separator: " ")
        var seconds: Int = 0
        if parts.count == 2 {
            let hms = parts[1].split(separator: ":").compactMap { Int($0) }
            let date = parts[0]
            var ymd: (Int, Int, Int)?
            let slash = date.split(separator: "/").compactMap { Int($0) }
            let dash = date.split(separator: "-").compactMap { Int($0) }
            let dots = date.split(separator: ".").compactMap { Int($0) }
            if slash.count == 3 { ymd = (slash[2] < 100 ? slash[2] + (slash[2] < 70 ? 2000 : 1900) : slash[2], slash[0], slash[1]) }
            else if dash.count == 3 { ymd = (dash[0], dash[1], dash[2]) }
            else if dots.count == 3 { ymd = (dots[2], dots[1], dots[0]) }
            if let (y, mo, d) = ymd, hms.count == 3 { seconds = localSeconds(y, mo, d, hms[0], hms[1], hms[2]) ?? 0 }
        }
        let msText = String(ms)
        return "\(seconds).\(String(repeating: "0", count: 3 - msText.count))\(msText):\(serial)"
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
    static func proctitle(_ body: String) -> String {
        let value = body.hasPrefix("proctitle=") ? String(body.dropFirst(10)) : body
        return "proctitle=" + value.utf8.map { b in
            let h = String(b, radix: 16, uppercase: true)
            return h.count == 1 ? "0" + h : h
        }.joined()
    }

    /// Interpreted values back to raw ones, for the fields the diagnosis reads.
    static func convert(_ body: String, type: String) -> String {
        var machine: Int32 = -1
        var syscallName = ""
        var out: [String] = []
        for token in body.split(separator: " ", omittingEmptySubsequences: false) {
            guard let eq = token.firstIndex(of: "=") else { out.append(String(token)); continue }
            let key = String(token[..<eq])
            let value = String(token[token.index(after: eq)...])
            switch key {
            case "arch" where type == "SYSCALL":
                machine = audit_name_to_machine(value)
                if machine >= 0 { out.append("arch=" + String(audit_machine_to_elf(machine), radix: 16)); continue }
            case "syscall" where type == "SYSCALL":
                syscallName = value
                if machine >= 0, Int(value) == nil {
                    let n = audit_name_to_syscall(value, machine)
                    if n >= 0 { out.append("syscall=\(n)"); continue }
                }
            case "a0", "a1", "a2", "a3":
                if let v = argument(value, key: key, syscall: syscallName) { out.append("\(key)=\(v)"); continue }
            case "exit":
                if let open = value.firstIndex(of: "(") {
                    let name = String(value[..<open])
                    let errno = audit_name_to_errno(name)
                    if errno != 0 { out.append("exit=\(errno < 0 ? errno : -errno)"); continue }
                }
            case "per":
                if let open = value.firstIndex(of: "("), let close = value.lastIndex(of: ")") {
                    var hex = value[value.index(after: open)..<close]
                    if hex.hasPrefix("0x") { hex = hex.dropFirst(2) }
                    out.append("per=\(hex)")
                    continue
                }
            case "comm", "exe", "cwd", "path", "name":
                if !value.hasPrefix("\"") {
                    out.append("\(key)=\"\(value)\"")
                    continue
                }
            default:
                break
            }
            out.append(String(token))
        }
        return out.joined(separator: " ")
    }

    /// `0x7ffd…` → hex; `PROT_READ|PROT_EXEC` and `MAP_PRIVATE|MAP_ANONYMOUS` → their bits.
    static func argument(_ value: String, key: String, syscall: String) -> String? {
        if value.hasPrefix("0x") { return String(value.dropFirst(2)) }
        let names = value.split(separator: "|").map(String.init)
        var bits: UInt64 = 0
        for name in names {
            guard let bit = flagBits[name] else { return nil }
            bits |= bit
        }
        return String(bits, radix: 16)
    }

    static let flagBits: [String: UInt64] = [
        "PROT_NONE": 0, "PROT_READ": 1, "PROT_WRITE": 2, "PROT_EXEC": 4, "PROT_SEM": 8,
        "PROT_GROWSDOWN": 0x0100_0000, "PROT_GROWSUP": 0x0200_0000,
        "MAP_SHARED": 1, "MAP_PRIVATE": 2, "MAP_SHARED_VALIDATE": 3, "MAP_FIXED": 0x10, "MAP_ANONYMOUS": 0x20,
        "MAP_32BIT": 0x40, "MAP_GROWSDOWN": 0x100, "MAP_DENYWRITE": 0x800, "MAP_EXECUTABLE": 0x1000,
        "MAP_LOCKED": 0x2000, "MAP_NORESERVE": 0x4000, "MAP_POPULATE": 0x8000, "MAP_NONBLOCK": 0x10000,
        "MAP_STACK": 0x20000, "MAP_HUGETLB": 0x40000, "MAP_SYNC": 0x80000, "MAP_FIXED_NOREPLACE": 0x100000,
    ]
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
