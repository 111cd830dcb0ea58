#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Every shape an audit record takes outside audit.log, turned back into the canonical
/// `type=T msg=audit(S.M:N): body` line. Called only for lines that are not canonical already.
struct LineForms {
    enum Classified {
        case separator
        case boundary
        case record(ConvertedRecord)
        /// A paste that lost its newlines: several records on one line, in order.
        case records([ConvertedRecord])
        case continuation([UInt8])
        case loaderMessage
        case refused(String)
        case unused(SkipReason)
    }

    /// The line number of the last record line, and whether it looked cut short (a paste
    /// wrapped mid-record), so the next unrecognised line can be joined to it. Whether it was
    /// cut is worked out only when such a line follows: most logs never need it.
    var lastRecordLine = -1
    var lastRecordIncomplete: Bool?
    /// journald's short output has no serial: consecutive `audit[PID]:` lines of one PID and
    /// second are taken as one event, numbered by the first line of the run.
    private var journalRun: (pid: Substring, stamp: UInt64, serial: Int)?

    /// The last byte of the last record or continuation line.
    private var lastTail: UInt8?
    private var stamps = StampForms()
    private var setroubleshoot = SetroubleshootForm()
    /// The last denial read from a line in another form, so that setroubleshoot's summary of
    /// the same denial, logged just after it, is not read as a second one. (It holds on to the
    /// buffer of its prescan's records: one such buffer at most.)
    private var lastDenial: (line: Int, record: ConvertedRecord, avc: Int)?
    /// Whether every record is kept (then every `ausearch -i` record is converted in full).
    var keepEverything = false
    /// `ausearch -i` dates and names already looked up.
    private var lookups = InterpretedLookups()
    /// Records whose stamp the poster hid (`audit(XXX)`), read with the time unknown.
    private(set) var redacted = LineSample()

    mutating func sawRecord(number: Int) {
        lastRecordLine = number
        lastRecordIncomplete = nil
        lastTail = nil
    }

    /// The rest of a record wrapped in a paste, as it joins the line before; nil if the line is
    /// not such a rest. Mail clients wrap at spaces and drop them, so `key=value` words join
    /// after a space; a run of hex continues a hex value (PROCTITLE) with none; and a record
    /// that stopped before its usual last field takes the next line as is.
    private func continuation(_ text: String) -> String? {
        let words = text.split(separator: " ")
        if !words.isEmpty, words.allSatisfy({ $0.contains("=") || $0 == "}" || $0 == "for" || $0.hasPrefix("{") }) { return " " + text }
        let hexTail = lastTail.map { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) } ?? false
        if hexTail, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) }) { return text }
        if lastRecordIncomplete == true { return text }
        return nil
    }

    /// `previous` is the line before this one, when that was a canonical record.
    mutating func classify(_ raw: UnsafeRawBufferPointer, number: Int, previous: UnsafeRawBufferPointer?) -> Classified {
        follow(previous, number: number)
        // The common lines, told in a few byte comparisons: blank, `----`, plain text (most of a
        // syslog dump), and `ausearch -i` records as ausearch writes them.
        if raw.isEmpty { return .separator }
        if CanonicalHeader.starts(raw, 0, "----") { return .boundary }
        if lastRecordLine != number - 1, PlainLine.isPlain(raw) { return .unused(.notAuditRecord) }
        var interpreted = ByteWriter()
        if let facts = InterpretedForm.asWritten(raw, bodies: keepEverything ? .always : .whenRead, lookups: &lookups, into: &interpreted) {
            let count = interpreted.count
            return took(ConvertedRecord(ConvertedBytes(interpreted), 0..<count, facts), number: number)
        }
        let text = PastedText.unescape(PastedText.stripBackticks(Self.stripQuoting(String(decoding: raw, as: UTF8.self))))
        if text.isEmpty { return .separator }
        if text.hasPrefix("----") { return .boundary }
        var pieces = PastedText.records(text)
        // ausearch's `time->…` header, alone or joined with the first record by a lost newline.
        if text.hasPrefix("time->") { pieces.removeFirst() }
        if pieces.isEmpty { return .separator }
        if let refused = Self.refusedForm(text) { return .refused(refused) }
        if LoaderMessage.isLoaderMessage(text) { return .loaderMessage }
        let wrapper = WrapperTime.stamp(text)
        let records = pieces.compactMap { canonical(String($0), number: number) }.map { record in
            let fixed = stamps.fixed(record, wrapper: wrapper, number: number)
            if fixed.redacted { redacted.add(number) }
            return fixed.record
        }
        if !records.isEmpty { return took(records.map { Array($0.utf8) }, number: number) }
        if lastRecordLine == number - 1, let joined = continuation(text) {
            lastRecordLine = number
            lastTail = text.utf8.last
            stamps.continued(on: number)
            // The rest that holds the record's usual last field completes it: a record in its
            // own right may follow.
            if lastRecordIncomplete == true, Self.lastFields.contains(where: { joined.contains($0) }) { lastRecordIncomplete = false }
            return .continuation(Array(joined.utf8))
        }
        if let record = stamps.stampless(text, number: number) { return took(ConvertedRecord(Array(record.utf8)), number: number) }
        switch setroubleshoot.classify(text, number: number, stamps: &stamps) {
        case .record(let record):
            let permissions = Fields(parsing: String(record.split(separator: ": ", maxSplits: 1).last ?? "")).avcPermissions
            if let last = lastDenial, last.line >= number - 10 {
                let read = Fields(parsing: last.record.withUnsafeBytes { String(decoding: $0[last.avc...], as: UTF8.self) }).avcPermissions
                if permissions.contains(where: { read.contains($0) }) { return .unused(.summaryOfRecordRead) }
            }
            return took(ConvertedRecord(Array(record.utf8)), number: number)
        case .consumed: return .separator
        case .notSetroubleshoot: break
        }
        return .unused(text.contains("avc:") ? .noPermission : .notAuditRecord)
    }

    /// What `classify` does with a line `InterpretedForm.asWritten` read as `record` (the
    /// prescan converts such lines on its threads), the record being the result: the same
    /// effect on what is remembered of the lines before. (The checks `classify` makes before that conversion find
    /// nothing in such a line: it starts with `type=` or `node=`, so it is neither blank, nor a
    /// boundary, nor plain.)
    mutating func took(interpreted record: ConvertedRecord, number: Int, previous: UnsafeRawBufferPointer?) {
        follow(previous, number: number)
        note(record, number: number)
    }

    /// The line before, a canonical record: whether it looked cut short, worked out only now
    /// that a line in another form follows it.
    private mutating func follow(_ previous: UnsafeRawBufferPointer?, number: Int) {
        if lastRecordIncomplete == nil, lastRecordLine == number - 1, let previous, let header = CanonicalHeader(previous) {
            lastRecordIncomplete = Self.looksCut(previous, header: header)
            lastTail = previous.last
        }
    }

    /// Records read from one line: the last may be continued on the next line.
    private mutating func took(_ lines: [[UInt8]], number: Int) -> Classified {
        let records = lines.map(ConvertedRecord.init)
        for record in records.dropLast() { noteDenial(record, number: number) }
        _ = took(records.last!, number: number)
        return records.count == 1 ? .record(records[0]) : .records(records)
    }

    /// One record read from a line (the common case: no array of them is made).
    private mutating func took(_ record: ConvertedRecord, number: Int) -> Classified {
        note(record, number: number)
        return .record(record)
    }

    /// A record read from a line: a setroubleshoot summary or the rest of a wrapped paste may follow.
    private mutating func note(_ record: ConvertedRecord, number: Int) {
        noteDenial(record, number: number)
        if record.header != nil {
            lastRecordLine = number
            lastRecordIncomplete = record.looksCut
            lastTail = record.last
        }
    }

    private mutating func noteDenial(_ record: ConvertedRecord, number: Int) {
        if let avc = record.avc { lastDenial = (number, record, avc) }
    }

    /// A sealert report heading still held at the end of the input: its report had no raw records.
    mutating func finishInput() -> (record: ConvertedRecord, line: Int)? { setroubleshoot.finish().map { (ConvertedRecord(Array($0.record.utf8)), $0.line) } }

    /// What `looksCut` looks for: a record holding one of these is complete.
    static let lastFields = ["tclass=", " key=", "'"]

    /// The canonical line for any recognised form, nil if the line is none of them.
    private mutating func canonical(_ text: String, number: Int) -> String? {
        // A piece of a line that held several records may be canonical already (with its
        // `node=`, which the wrapped forms below drop); a numeric type is named below.
        if let header = Array(text.utf8).withUnsafeBytes({ CanonicalHeader($0) }),
           !text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: header.type.lowerBound)].isDigit { return text }
        if text.hasPrefix("{"), let json = JournalJSON.record(text) { return json }
        if let interpreted = Array(text.utf8).withUnsafeBytes({ InterpretedForm.record($0, lookups: &lookups) }) { return String(decoding: interpreted, as: UTF8.self) }
        if let embedded = Self.embeddedRecord(text) { return embedded }
        if let short = journalShort(text, number: number) { return short }
        return nil
    }

    /// `> ` and `//` quoting from mail and tickets, and leading blanks.
    static func stripQuoting(_ s: String) -> String {
        var t = Substring(s)
        while true {
            let before = t.startIndex   // (not `count`, a walk over the whole line)
            while let c = t.first, c == " " || c == "\t" { t.removeFirst() }
            if t.hasPrefix(">") { t.removeFirst() }
            else if t.hasPrefix("//") { t.removeFirst(2) }
            if t.startIndex == before { break }
        }
        return String(t)
    }

    /// `ausearch --format csv|text` keep neither the permission nor the syscall.
    static func refusedForm(_ text: String) -> String? {
        if text.hasPrefix("NODE,EVENT,DATE,TIME,SERIAL_NUM") {
            return "this is `ausearch --format csv` output, which drops the permissions, the class and the syscall; run ausearch again with --raw"
        }
        if text.hasPrefix("At "), text.contains(" successfully ") || text.contains(" failed-to ") || text.contains(" unsuccessfully ") {
            return "this is `ausearch --format text` output, which drops the permissions, the class and the syscall; run ausearch again with --raw"
        }
        return nil
    }

    /// A record inside a wrapper: printk and dmesg (`audit: type=1400 audit(…): …`), syslog
    /// (`… audisp-syslog: type=AVC msg=audit(…)`), logcat (`type=1400 msg=audit(…)`), or the
    /// pre-2.6 kernel form with no type (`audit(…): avc: …`).
    static func embeddedRecord(_ text: String) -> String? {
        var search = text[...]
        while let t = search.firstRange(of: "type=") {
            let rest = text[t.lowerBound...]
            if let record = normalizeTypeAndStamp(rest) { return record }
            search = text[t.upperBound...]
        }
        if let a = text.firstRange(of: "audit("), text[a.upperBound...].contains("): avc:") {
            return "type=AVC msg=" + text[a.lowerBound...]
        }
        return nil
    }

    /// `type=1400 audit(…): body` and `type=AVC msg=audit(…): body` → canonical, naming numeric types.
    static func normalizeTypeAndStamp(_ s: Substring) -> String? {
        let afterType = s.dropFirst(5)
        guard let space = afterType.firstIndex(of: " ") else { return nil }
        var type = String(afterType[..<space])
        var rest = afterType[afterType.index(after: space)...]
        if rest.hasPrefix("msg=audit(") { rest = rest.dropFirst(4) }
        guard rest.hasPrefix("audit("), !type.isEmpty else { return nil }
        if let n = Int(type) { type = AuditNames.recordType(n) }
        guard type.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" || $0 == "[" || $0 == "]" }) else { return nil }
        return "type=\(type) msg=" + rest
    }

    /// journald's short output: `May 17 23:15:15 host audit[711160]: AVC avc:  denied …`. The
    /// journal keeps no serial, so records of one PID in one second are grouped.
    private mutating func journalShort(_ text: String, number: Int) -> String? {
        guard let a = text.firstRange(of: " audit[") else { return nil }
        let afterPid = text[a.upperBound...]
        guard let close = afterPid.firstRange(of: "]: ") else { return nil }
        let pid = afterPid[..<close.lowerBound]
        guard !pid.isEmpty, pid.allSatisfy(\.isNumber) else { return nil }
        let payload = afterPid[close.upperBound...]
        guard let space = payload.firstIndex(of: " ") else { return nil }
        let type = payload[..<space]
        guard type.allSatisfy({ $0.isUppercase || $0 == "_" }) else { return nil }
        let body = payload[payload.index(after: space)...]
        let stamp = SyslogTime.seconds(text) ?? 0
        if journalRun == nil || journalRun!.pid != pid || journalRun!.stamp != stamp {
            journalRun = (pid, stamp, number)
        }
        let host = SyslogTime.host(text).map { "node=\($0) " } ?? ""
        return "\(host)type=\(type) msg=audit(\(stamp).000:\(journalRun!.serial)): \(body)"
    }

    /// A canonical line that stops before its usual last fields (a wrapped paste).
    static func looksCut(_ line: UnsafeRawBufferPointer, header: CanonicalHeader) -> Bool {
        let type = UnsafeRawBufferPointer(rebasing: line[header.type])
        func has(_ needle: ByteSearch.Needle) -> Bool { ByteSearch.endsNear(needle, in: line) }
        if RecordRelevance.equals(type, "AVC") { return !has(.tclass) }
        if RecordRelevance.equals(type, "SYSCALL") { return !has(.key) }
        if RecordRelevance.equals(type, "USER_AVC") { return line.last != UInt8(ascii: "'") && ByteSearch.find("'\u{1d}", in: line) == nil }
        return false
    }
}

private extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}

/// The `Mon DD HH:MM:SS host` prefix of syslog and journald lines.
enum SyslogTime {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Seconds since the epoch (UTC), in the current year: the format has none.
    static func seconds(_ text: String) -> UInt64? {
        let parts = text.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
        guard parts.count >= 3, let month = months.firstIndex(of: String(parts[0])), let day = Int(parts[1]) else { return nil }
        let hms = parts[2].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3,
              let s = CalendarTime.seconds(year: CalendarTime.currentYear(.utc), month: month + 1, day: day,
                                           hour: hms[0], minute: hms[1], second: hms[2], in: .utc) else { return nil }
        return s >= 0 ? UInt64(s) : nil
    }

    static func host(_ text: String) -> String? {
        let parts = text.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true)
        guard parts.count >= 5, seconds(text) != nil else { return nil }
        return String(parts[3])
    }
}
