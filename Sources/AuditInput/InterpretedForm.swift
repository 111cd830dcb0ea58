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
///
/// Every line of such a log takes this path, so it works on bytes: no String is made for a
/// word, and the lookups (dates, architectures, syscalls, errnos) are remembered in
/// `InterpretedLookups`.
public enum InterpretedForm {
    public static let marker = markerText.description
    private static let markerText: StaticString = "AVCEXPLAIN_FORM=interpreted"
    /// The enrichment tail a record made ends with: the separator, then the marker.
    private static let tail: StaticString = "\u{1d}AVCEXPLAIN_FORM=interpreted"

    /// The canonical record for a line as `ausearch -i` writes it (`type=` or `node=` first, plain
    /// ASCII, no paste damage), read without decoding it as text; nil for any other line, which
    /// `LineForms` reads the long way (reaching `record` too when the line holds such a record).
    ///
    /// With `bodies: .whenRead`, a record of a type the selection passes over (PATH, CWD,
    /// EXECVE, USER_*) comes back as its header and stamp alone, which is all the selection
    /// looks at in it.
    static func asWritten(_ line: UnsafeRawBufferPointer, bodies: Bodies = .always, lookups: inout InterpretedLookups) -> [UInt8]? {
        var out = ByteWriter()
        guard asWritten(line, bodies: bodies, lookups: &lookups, into: &out) != nil else { return nil }
        return out.array
    }

    /// `asWritten`, the record appended to `out` (the prescan puts a region's records in one
    /// buffer), with what the scan reads of it.
    static func asWritten(_ line: UnsafeRawBufferPointer, bodies: Bodies = .always, lookups: inout InterpretedLookups,
                          into out: inout ByteWriter) -> RecordFacts? {
        guard let base = line.baseAddress, let own = recordType(line), line.last != UInt8(ascii: "`"), CanonicalHeader(line) == nil else { return nil }
        let shape = LineShape(line, typeEnd: own + 5)
        guard shape.isPlainASCII else { return nil }
        if shape.mayHoldCannotOrType {
            guard ByteSearch.find(.cannot, in: line) == nil else { return nil }
            // A second record start would make it a paste that lost its newlines.
            var from = own + 5
            while let t = find(.type, in: line, from: from) {
                if line[t - 1] == UInt8(ascii: " ") { return nil }
                from = t + 1
            }
        }
        // The stamp's `msg=audit(` must be the first one, as the stamp repair looks there.
        guard let m = find(.msgAudit, in: line, from: 0), memchr(base, Int32(UInt8(ascii: "(")), m) == nil else { return nil }
        var end = line.count
        while end > 0, line[end - 1] == UInt8(ascii: " ") { end -= 1 }
        // `own` is the first `type=` and `m` the first ` msg=audit(`, which `record` would look for again.
        return record(UnsafeRawBufferPointer(rebasing: line[..<end]), type: own, msgAudit: m, skipsIgnoredBody: bodies == .whenRead,
                      lookups: &lookups, into: &out)
    }

    /// Where the line's own `type=` is: first, or after a first word `node=NAME` (a multi-host
    /// log), and the first `type=` in the line (`record` reads that one as the type).
    private static func recordType(_ line: UnsafeRawBufferPointer) -> Int? {
        if CanonicalHeader.starts(line, 0, "type=") { return 0 }
        guard CanonicalHeader.starts(line, 0, "node="), let space = index(of: UInt8(ascii: " "), in: line, from: 0),
              CanonicalHeader.starts(line, space + 1, "type="), find(.type, in: line, from: 0) == space + 1 else { return nil }
        return space + 1
    }

    /// Which records' bodies are converted: all of them (every record is kept), or only those
    /// of the types the diagnosis reads.
    enum Bodies { case always, whenRead }

    /// What one pass over a line, sixteen bytes at a time, tells of it (every line of such a log
    /// is read so): whether it has no byte a paste's escapes (`\`, `&`) or a multi-byte character
    /// could be part of, and whether `cannot` or a second `type=` may be in it — a pair of their
    /// bytes, `nn` or `yp`, is, which most lines have not: only then are they looked for.
    private struct LineShape {
        var isPlainASCII = true
        var mayHoldCannotOrType = false

        /// `typeEnd`: the end of the line's own `type=`, before which only `nn` counts.
        init(_ line: UnsafeRawBufferPointer, typeEnd: Int) {
            guard let base = line.baseAddress, typeEnd <= line.count else {
                isPlainASCII = false   // no `type=` there: not such a line
                return
            }
            let n = UInt8(ascii: "n")
            // The first word or two, a byte at a time.
            for i in 0..<typeEnd {
                note(line[i])
                if line[i] == n, i + 1 < line.count, line[i + 1] == n { mayHoldCannotOrType = true }
            }
            var i = typeEnd
            // The bytes of all blocks or'ed (the high bit tells a non-ASCII byte), and the blocks'
            // hits: `next` is the block one byte on, so its byte k follows byte k of `block`.
            var all = SIMD16<UInt8>()
            var hits = SIMDMask<SIMD16<Int8>>()
            let (backslash, ampersand) = (SIMD16<UInt8>(repeating: UInt8(ascii: "\\")), SIMD16<UInt8>(repeating: UInt8(ascii: "&")))
            let (ns, ys, ps) = (SIMD16<UInt8>(repeating: n), SIMD16<UInt8>(repeating: UInt8(ascii: "y")), SIMD16<UInt8>(repeating: UInt8(ascii: "p")))
            while i + 17 <= line.count {
                let block = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                let next = base.loadUnaligned(fromByteOffset: i + 1, as: SIMD16<UInt8>.self)
                all |= block
                hits .|= block .== backslash .| block .== ampersand .| block .== ns .& next .== ns .| block .== ys .& next .== ps
                i += 16
            }
            // As two words each (the generic `any` and `.>=` went a lane at a time through memory).
            let (hit0, hit1) = unsafeBitCast(hits, to: (UInt64, UInt64).self)
            let (all0, all1) = unsafeBitCast(all, to: (UInt64, UInt64).self)
            if hit0 | hit1 != 0 || (all0 | all1) & 0x8080_8080_8080_8080 != 0 {
                // Which of them it was, a byte at a time: rare in such a log.
                for k in typeEnd..<i { scan(line, k) }
            }
            while i < line.count {
                scan(line, i)
                i += 1
            }
        }

        /// Byte `i` of the line, past its own `type=`.
        private mutating func scan(_ line: UnsafeRawBufferPointer, _ i: Int) {
            note(line[i])
            if i + 1 < line.count, line[i] == UInt8(ascii: "n") && line[i + 1] == UInt8(ascii: "n") || line[i] == UInt8(ascii: "y") && line[i + 1] == UInt8(ascii: "p") {
                mayHoldCannotOrType = true
            }
        }

        private mutating func note(_ byte: UInt8) {
            if byte >= 0x80 || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "&") { isPlainASCII = false }
        }
    }

    /// The record for `ausearch -i` text, nil if it is not one.
    static func record(_ text: UnsafeRawBufferPointer, lookups: inout InterpretedLookups) -> [UInt8]? {
        guard let m = find(.msgAudit, in: text, from: 0), let t = find(.type, in: UnsafeRawBufferPointer(rebasing: text[..<m]), from: 0) else { return nil }
        var out = ByteWriter()
        guard record(text, type: t, msgAudit: m, lookups: &lookups, into: &out) != nil else { return nil }
        return out.array
    }

    /// The record for `ausearch -i` text whose first `type=` is at `t` and first ` msg=audit(`
    /// at `m` (after `t`), appended to `out`; nil, `out` as it was, if it is not one.
    /// `skipsIgnoredBody` leaves out the body of a type `RecordRelevance` ignores, unless the
    /// line names ` avc:` (a setroubleshoot summary after it is compared with such a line).
    ///
    /// What the scan reads of the record (`RecordFacts`) is found on the way, not searched for
    /// again in the record made: the line is read once.
    private static func record(_ text: UnsafeRawBufferPointer, type t: Int, msgAudit m: Int, skipsIgnoredBody: Bool = false,
                               lookups: inout InterpretedLookups, into out: inout ByteWriter) -> RecordFacts? {
        guard t + 5 <= m, let close = stampEnd(text, from: m + 11) else { return nil }
        let type = UnsafeRawBufferPointer(rebasing: text[(t + 5)..<m])
        let start = min(close + 4, text.count)
        // ` avc:` in the body, from the blank before it (as in the record made, whose header ends `): `).
        let avcInText = find(.avc, in: text, from: close + 3)
        let isProctitle = RecordRelevance.equals(type, "PROCTITLE")
        // (A ` avc:` before the stamp's close, in a type with a blank, counts too.)
        let withBody = !skipsIgnoredBody || RecordRelevance.of(type) != .ignored || avcInText != nil
            || find(.avc, in: UnsafeRawBufferPointer(rebasing: text[..<close]), from: 0) != nil
        // Room for the marker and quotes (more is made if need be); a proctitle doubles in hex.
        out.reserve(!withBody ? close + 40 : isProctitle ? 2 * text.count + 40 : text.count + 40)
        let first = out.count
        if CanonicalHeader.starts(text, 0, "node=") {
            out.append(UnsafeRawBufferPointer(rebasing: text[..<min(index(of: UInt8(ascii: " "), in: text, from: 0) ?? t, t)]))
            out.append(UInt8(ascii: " "))
        }
        out.append("type=")
        out.append(type)
        guard let stamp = lookups.appendStamp(UnsafeRawBufferPointer(rebasing: text[(m + 11)..<close]), to: &out) else {
            out.truncate(to: first)
            return nil
        }
        let bodyStart = out.count - first
        // Only a type or node with a blank in it puts ` avc:` in the header.
        var avc = find(.avc, in: UnsafeRawBufferPointer(rebasing: out.bytes[first..<(first + bodyStart - 1)]), from: 0)
        var end = text.count
        while end > start, text[end - 1] == UInt8(ascii: " ") { end -= 1 }
        let body = UnsafeRawBufferPointer(rebasing: text[start..<end])
        if !withBody {
            // Nothing: the header is all the selection reads of such a record.
        } else if isProctitle {
            proctitle(body, into: &out)
        } else {
            // The body's words are those of the line: its ` avc:` keeps its place among them.
            let avcInBody = convert(body, syscall: RecordRelevance.equals(type, "SYSCALL"), avc: avcInText.map { $0 - start },
                                    lookups: &lookups, into: &out)
            avc = avc ?? avcInBody.map { $0 - first }
        }
        out.append(tail)
        let line = UnsafeRawBufferPointer(rebasing: out.bytes[first...])
        let header = CanonicalHeader(line)
        return RecordFacts(header: header, stamp: header == nil ? nil : stamp, avc: avc, looksCut: header.map { LineForms.looksCut(line, header: $0) } ?? false)
    }


    /// Where `) : ` closes the stamp. A record with no fields (EOE) ends there: ausearch writes
    /// `type=EOE msg=audit(…) : `, and the trailing blank is gone once the line is trimmed.
    private static func stampEnd(_ text: UnsafeRawBufferPointer, from: Int) -> Int? {
        if let close = find(.stampClose, in: text, from: from) { return close }
        let bare = text.count - 3
        guard bare >= from, CanonicalHeader.starts(text, bare, ") :") else { return nil }
        return bare
    }

    /// `<date> <time>.<ms>:<serial>` in the analysing host's locale and zone, appended as the
    /// raw stamp ` msg=audit(S.mmm:N): `, and returned as the record's header reads it back; nil
    /// (nothing appended) if the stamp is not one. The serial and milliseconds are exact; the
    /// date is read in the common forms, else left at 0.
    static func appendStamp(_ stamp: UnsafeRawBufferPointer, lookups: inout InterpretedLookups, to out: inout ByteWriter) -> Stamp? {
        guard let colon = stamp.lastIndex(of: UInt8(ascii: ":")), let serial = integer(stamp[(colon + 1)...], as: UInt64.self) else { return nil }
        let dateTime = stamp[..<colon]
        guard let dot = dateTime.lastIndex(of: UInt8(ascii: ".")), let ms = integer(dateTime[(dot + 1)...], as: Int.self), (0..<1000).contains(ms) else { return nil }
        let seconds = lookups.seconds(UnsafeRawBufferPointer(rebasing: dateTime[..<dot]))
        out.append(" msg=audit(")
        appendDecimal(UInt64(seconds), to: &out)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(ms / 100))
        out.append(UInt8(ascii: "0") + UInt8(ms / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(ms % 10))
        out.append(UInt8(ascii: ":"))
        appendDecimal(serial, to: &out)
        out.append("): ")
        return Stamp(seconds: UInt64(seconds), milliseconds: UInt64(ms), serial: serial)
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
        return CalendarTime.seconds(year: y, month: mo, day: d, hour: hms[0], minute: hms[1], second: hms[2], in: .local).map { max($0, 0) } ?? 0
    }


    /// PROCTITLE's value is the rest of the line, spaces and all: hex-encode it as the kernel would.
    static func proctitle(_ body: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        let value = CanonicalHeader.starts(body, 0, "proctitle=") ? body[10...] : body[...]
        out.append("proctitle=")
        let digits = ("0123456789ABCDEF" as StaticString).utf8Start
        out.append(count: 2 * value.count) { hex in
            for (i, b) in value.enumerated() {
                hex[2 * i] = digits[Int(b >> 4)]
                hex[2 * i + 1] = digits[Int(b & 15)]
            }
        }
    }

    /// Interpreted values back to raw ones, for the fields the diagnosis reads; the words are
    /// those between single spaces, as ausearch writes them. A word may change when its first
    /// `=` comes after a key of one to seven bytes (`syscall` is the longest `appendRaw` reads);
    /// the bytes between the words that change are copied in runs, as they are.
    /// `avc`: where ` avc:` is in the body (-1: just before it); returns where it went in `out`.
    static func convert(_ body: UnsafeRawBufferPointer, syscall isSyscall: Bool, avc: Int?, lookups: inout InterpretedLookups,
                        into out: inout ByteWriter) -> Int? {
        var machine: Int32 = -1
        var avcOut = avc == -1 ? out.count - 1 : nil
        /// `body[..<copied]` is in `out`.
        var copied = 0
        func copy(upTo end: Int) {
            if let avc, avc >= copied, avc < end { avcOut = out.count + avc - copied }
            out.append(UnsafeRawBufferPointer(rebasing: body[copied..<end]))
            copied = end
        }
        var word = 0
        while word < body.count {
            let end = spaceOrEnd(in: body, from: word)
            if let eq = keyEnd(in: body, word: word, end: end), mayChange(UnsafeRawBufferPointer(rebasing: body[word..<eq])) {
                copy(upTo: word)
                if appendRaw(UnsafeRawBufferPointer(rebasing: body[word..<eq]), UnsafeRawBufferPointer(rebasing: body[(eq + 1)..<end]),
                             syscall: isSyscall, machine: &machine, lookups: &lookups, to: &out) {
                    copied = end
                }
            }
            word = end + 1
        }
        copy(upTo: body.count)
        return avcOut
    }

    /// Where the word at `word` ends: the next space, or the end of the body. Sixteen bytes at a
    /// time (most words are shorter).
    private static func spaceOrEnd(in body: UnsafeRawBufferPointer, from: Int) -> Int {
        guard let base = body.baseAddress else { return body.count }
        let spaces = SIMD16<UInt8>(repeating: UInt8(ascii: " "))
        var i = from
        while i + 16 <= body.count {
            let (low, high) = unsafeBitCast(base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) .== spaces, to: (UInt64, UInt64).self)
            if low != 0 { return i + low.trailingZeroBitCount / 8 }
            if high != 0 { return i + 8 + high.trailingZeroBitCount / 8 }
            i += 16
        }
        while i < body.count, body[i] != UInt8(ascii: " ") { i += 1 }
        return i
    }

    /// The word's first `=`, when a key of one to seven bytes comes before it.
    private static func keyEnd(in body: UnsafeRawBufferPointer, word: Int, end: Int) -> Int? {
        var i = word
        while i < end, i - word < 8 {
            if body[i] == UInt8(ascii: "=") { return i > word ? i : nil }
            i += 1
        }
        return nil
    }

    /// Whether `appendRaw` may change a word with this key, told by its length, first and last
    /// bytes: most words of a record (`uid=`, `auid=`, `subj=`) keep theirs.
    private static func mayChange(_ key: UnsafeRawBufferPointer) -> Bool {
        func ends(_ first: Unicode.Scalar, _ last: Unicode.Scalar) -> Bool { key[0] == UInt8(ascii: first) && key[key.count - 1] == UInt8(ascii: last) }
        switch key.count {
        case 2: return key[0] == UInt8(ascii: "a")   // a0 to a3
        case 3: return ends("e", "e") || ends("c", "d") || ends("p", "r")   // exe cwd per
        case 4: return ends("a", "h") || ends("e", "t") || ends("c", "m") || ends("p", "h") || ends("n", "e")   // arch exit comm path name
        case 7: return ends("s", "l")   // syscall
        default: return false
        }
    }

    /// One `key=value` word with its value read back to the raw form; false (nothing appended)
    /// when the word stays as it is.
    private static func appendRaw(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, syscall isSyscall: Bool, machine: inout Int32,
                                  lookups: inout InterpretedLookups, to out: inout ByteWriter) -> Bool {
        func named(_ name: StaticString) -> Bool { RecordRelevance.equals(key, name) }
        if isSyscall, named("arch") {
            machine = lookups.machine(value)
            guard machine >= 0 else { return false }
            out.append("arch=")
            appendHex(UInt64(audit_machine_to_elf(machine)), to: &out)
            return true
        }
        if isSyscall, named("syscall") {
            guard machine >= 0, integer(value[...], as: Int.self) == nil else { return false }
            let n = lookups.syscall(value, machine: machine)
            guard n >= 0 else { return false }
            out.append("syscall=")
            appendDecimal(UInt64(n), to: &out)
            return true
        }
        if key.count == 2, key[0] == UInt8(ascii: "a"), (UInt8(ascii: "0")...UInt8(ascii: "3")).contains(key[1]) {
            return appendArgument(key, value, to: &out)
        }
        if named("exit") {
            guard let open = index(of: UInt8(ascii: "("), in: value, from: 0) else { return false }
            let errno = lookups.errno(UnsafeRawBufferPointer(rebasing: value[..<open]))
            guard errno != 0 else { return false }
            out.append("exit=-")
            appendDecimal(UInt64(errno < 0 ? -Int64(errno) : Int64(errno)), to: &out)
            return true
        }
        if named("per") {
            guard let open = value.firstIndex(of: UInt8(ascii: "(")), let close = value.lastIndex(of: UInt8(ascii: ")")), close > open else { return false }
            var hex = value[(open + 1)..<close]
            if hex.starts(with: "0x".utf8) { hex = hex.dropFirst(2) }
            out.append("per=")
            out.append(UnsafeRawBufferPointer(rebasing: hex))
            return true
        }
        if named("comm") || named("exe") || named("cwd") || named("path") || named("name") {
            guard value.first != UInt8(ascii: "\"") else { return false }
            out.append(key)
            out.append("=\"")
            out.append(value)
            out.append(UInt8(ascii: "\""))
            return true
        }
        return false
    }

    /// `a2=0x7ffd…` → `a2=7ffd…`; `PROT_READ|PROT_EXEC` and `MAP_PRIVATE|MAP_ANONYMOUS` → their
    /// bits in hex. False for any other value (a flag this table lacks).
    private static func appendArgument(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, to out: inout ByteWriter) -> Bool {
        if CanonicalHeader.starts(value, 0, "0x") {
            out.append(key)
            out.append(UInt8(ascii: "="))
            out.append(UnsafeRawBufferPointer(rebasing: value[2...]))
            return true
        }
        var bits: UInt64 = 0
        var from = 0
        // The names between `|`s, empty ones skipped (no array of them: a2 of every SYSCALL is such a value).
        while from < value.count {
            let end = index(of: UInt8(ascii: "|"), in: value, from: from) ?? value.count
            let name = UnsafeRawBufferPointer(rebasing: value[from..<end])
            from = end + 1
            guard !name.isEmpty else { continue }
            guard let bit = flagBits.first(where: { RecordRelevance.equals(name, $0.name) })?.bits else { return false }
            bits |= bit
        }
        out.append(key)
        out.append(UInt8(ascii: "="))
        appendHex(bits, to: &out)
        return true
    }

    /// A number as Swift reads it from text (`Int("…")`: an optional sign, then digits), from bytes.
    static func integer<T: FixedWidthInteger>(_ bytes: Slice<UnsafeRawBufferPointer>, as: T.Type) -> T? {
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: T = 0
        for b in digits {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let digit = T(b - UInt8(ascii: "0"))
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = next
        }
        return value
    }

    private static func appendDecimal(_ value: UInt64, to out: inout ByteWriter) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: UInt64.max has 20 digits
        withUnsafeMutableBytes(of: &digits) { d in
            var i = d.count
            var rest = value
            repeat {
                i -= 1
                d[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            out.append(UnsafeRawBufferPointer(rebasing: d[i...]))
        }
    }


    /// Lower-case hex, as `String(_:radix: 16)` writes it.
    private static func appendHex(_ value: UInt64, to out: inout ByteWriter) {
        var shift = max(0, (64 - value.leadingZeroBitCount + 3) / 4 * 4 - 4)
        while shift >= 0 {
            out.append(hexDigit(UInt8((value >> UInt64(shift)) & 15)))
            shift -= 4
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    private static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard let base = bytes.baseAddress, from < bytes.count, let hit = memchr(base + from, Int32(byte), bytes.count - from) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    private static func find(_ needle: ByteSearch.Needle, in bytes: UnsafeRawBufferPointer, from: Int) -> Int? { ByteSearch.find(needle, in: bytes, from: from) }

    static let flagBits: [(name: StaticString, bits: UInt64)] = [
        ("PROT_NONE", 0), ("PROT_READ", 1), ("PROT_WRITE", 2), ("PROT_EXEC", 4), ("PROT_SEM", 8),
        ("PROT_GROWSDOWN", 0x0100_0000), ("PROT_GROWSUP", 0x0200_0000),
        ("MAP_SHARED", 1), ("MAP_PRIVATE", 2), ("MAP_SHARED_VALIDATE", 3), ("MAP_FIXED", 0x10), ("MAP_ANONYMOUS", 0x20),
        ("MAP_32BIT", 0x40), ("MAP_GROWSDOWN", 0x100), ("MAP_DENYWRITE", 0x800), ("MAP_EXECUTABLE", 0x1000),
        ("MAP_LOCKED", 0x2000), ("MAP_NORESERVE", 0x4000), ("MAP_POPULATE", 0x8000), ("MAP_NONBLOCK", 0x10000),
        ("MAP_STACK", 0x20000), ("MAP_HUGETLB", 0x40000), ("MAP_SYNC", 0x80000), ("MAP_FIXED_NOREPLACE", 0x100000),
    ]
}
