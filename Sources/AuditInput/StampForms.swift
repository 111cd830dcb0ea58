/// Records whose `audit(S.M:N)` stamp is missing (a journal message without its prefix, a
/// bare kernel or Android `avc:` line), hidden by the poster (`audit(XXX)`, `audit(..)`), or
/// zero (Android's `audit(0.0:N)`) get a stamp the rest of the tool can group by: the time the
/// line's wrapper gives (logcat, dmesg, syslog), else `0.000`, which `EventID.clock` reads as
/// "time unknown". Without a serial, records of one pid on adjacent lines form one event (as
/// journald's short output is read); the synthetic serial is the run's first line number.
struct StampForms {
    private var run: (pid: Substring?, line: Int, serial: Int)?

    /// Record types a journal message (`MESSAGE=AVC avc:  denied …`) may start with.
    static let messageTypes: Set<Substring> = [
        "AVC", "USER_AVC", "SYSCALL", "PROCTITLE", "MMAP", "AVC_PATH", "PATH", "CWD",
        "SELINUX_ERR", "USER_SELINUX_ERR", "MAC_STATUS", "MAC_CONFIG_CHANGE",
    ]

    /// A record with no stamp at all: `AVC avc:  denied …`, or a bare `avc:  denied  { … }`
    /// (kernel console, Android, inside backticks); nil if the line is neither.
    mutating func stampless(_ text: String, number: Int) -> String? {
        let body: Substring
        let type: Substring
        let words = text.split(separator: " ", maxSplits: 1)
        if words.count == 2, Self.messageTypes.contains(words[0]), words[1].contains("=") || words[1].hasPrefix("avc:") {
            (type, body) = (words[0], words[1])
        } else if let avc = Self.bareAVC(text) {
            (type, body) = ("AVC", avc)
        } else {
            return nil
        }
        return "type=\(type) msg=audit(\(stamp(WrapperTime.stamp(text), serial: nil, body: body, number: number))): \(body)"
    }

    /// `avc:  denied  { perm } …` anywhere in the line, with its permission braces.
    static func bareAVC(_ text: String) -> Substring? {
        guard let a = text.firstRange(of: "avc:") else { return nil }
        let rest = text[a.lowerBound...]
        let after = rest.dropFirst(4).drop { $0 == " " }
        guard after.hasPrefix("denied") || after.hasPrefix("granted"), rest.contains("{") else { return nil }
        return rest
    }

    /// The record with a usable stamp, and whether its own was hidden; the record unchanged
    /// when its stamp is a real one.
    mutating func fixed(_ record: String, wrapper: (seconds: UInt64, milliseconds: Int)?, number: Int) -> (record: String, redacted: Bool) {
        guard let open = record.firstRange(of: "msg=audit("), let close = record[open.upperBound...].firstIndex(of: ")") else {
            return (record, false)
        }
        let inner = record[open.upperBound..<close]
        let body = record[record.index(after: close)...].drop { $0 == ":" || $0 == " " }
        let head = record[..<open.upperBound]
        let tail = record[close...]
        if let id = Self.parse(inner) {
            guard id.seconds == 0, id.milliseconds == 0, let wrapper else { return (record, false) }
            return (head + stamp(wrapper, serial: id.serial, body: body, number: number) + tail, false)
        }
        let serial = inner.lastIndex(of: ":").flatMap { UInt64(inner[inner.index(after: $0)...]) }
        return (head + stamp(wrapper, serial: serial, body: body, number: number) + tail, true)
    }

    /// `S.M:N` as the record parser reads it.
    static func parse(_ stamp: Substring) -> EventID? {
        let bytes = Array(stamp.utf8)
        return bytes.withUnsafeBytes { b in
            guard let (id, end) = RecordParser.parseEventID(b, from: 0), end == b.count else { return nil }
            return id
        }
    }

    private mutating func stamp(_ time: (seconds: UInt64, milliseconds: Int)?, serial: UInt64?, body: Substring, number: Int) -> String {
        let seconds = time?.seconds ?? 0
        let ms = String(time?.milliseconds ?? 0)
        return "\(seconds).\(String(repeating: "0", count: max(0, 3 - ms.count)))\(ms):\(serial ?? syntheticSerial(body, number: number))"
    }

    /// A stamp-less record wrapped onto this line still ends on it: the next line is adjacent.
    mutating func continued(on number: Int) {
        if let r = run, r.line == number - 1 { run!.line = number }
    }

    /// Adjacent records of one pid (or without one) share a serial.
    private mutating func syntheticSerial(_ body: Substring, number: Int) -> UInt64 {
        let pid = Self.pid(body)
        if let r = run, r.line >= number - 1, pid == nil || r.pid == nil || pid == r.pid {
            run = (pid ?? r.pid, number, r.serial)
        } else {
            run = (pid, number, number)
        }
        return UInt64(run!.serial)
    }

    static func pid(_ body: Substring) -> Substring? {
        var search = body[...]
        while let r = search.firstRange(of: "pid=") {
            if r.lowerBound == body.startIndex || body[body.index(before: r.lowerBound)] == " " {
                let digits = body[r.upperBound...].prefix(while: \.isNumber)
                return digits.isEmpty ? nil : digits
            }
            search = body[r.upperBound...]
        }
        return nil
    }
}
