#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import AuditInput

/// Event times as people and scripts read them.
enum Timestamp {
    /// Local time as the analysing host's TZ says, like ausearch, labelled with the zone's
    /// abbreviation so a pasted report says which clock it read: `2026-11-27 09:14:03.120 UTC`.
    /// A stamp no calendar date can show (a crafted `audit(18446744073709551615.000:1)`) is
    /// printed as its seconds.
    /// A stamp that is not a date says what it is instead: `812.3 s after boot`, `time unknown`.
    static func local(_ id: EventID) -> String {
        var out = TextBuffer(capacity: 32)
        local(id, into: &out)
        return out.text
    }

    /// `local(_:)`, appended to `out`.
    static func local(_ id: EventID, into out: inout TextBuffer) {
        switch id.clock {
        case .wall: if !format(id, utc: false, separator: UInt8(ascii: " "), suffix: nil, into: &out) { out.append(decimal: id.seconds) }
        case .sinceBoot:
            out.append(decimal: id.seconds)
            out += "."
            out.append(decimal: id.milliseconds / 100)
            out += " s after boot"
        case .unknown: out += "time unknown"
        }
    }

    /// RFC 3339 in UTC, for JSON: `2026-11-27T09:14:03.120Z`; nil past what RFC 3339 can
    /// write (years 0000–9999), so JSON says null rather than a bare number.
    /// Nil (JSON null) when the stamp is no date: boot-relative or unknown.
    static func utc(_ id: EventID) -> String? {
        var out = TextBuffer(capacity: 32)
        return id.clock == .wall && format(id, utc: true, separator: UInt8(ascii: "T"), suffix: UInt8(ascii: "Z"), into: &out) ? out.text : nil
    }

    /// The date and time appended to `out`; false, with nothing appended, for a year past 9999.
    /// `separator`, `suffix`: single ASCII bytes (nil: no suffix), written as bytes: every
    /// finding's "seen" row has one or two dates.
    private static func format(_ id: EventID, utc: Bool, separator: UInt8, suffix: UInt8?, into out: inout TextBuffer) -> Bool {
        var t = time_t(clamping: id.seconds)
        var parts = tm()
        let ok = utc ? gmtime_r(&t, &parts) != nil : localtime_r(&t, &parts) != nil
        guard ok, (0...9999).contains(Int(parts.tm_year) + 1900) else { return false }
        func field(_ value: Int32, digits: Int, then after: UInt8?) {
            out.append(decimal: value, digits: digits)
            if let after { out.append(ascii: after) }
        }
        field(parts.tm_year + 1900, digits: 1, then: UInt8(ascii: "-"))
        field(parts.tm_mon + 1, digits: 2, then: UInt8(ascii: "-"))
        field(parts.tm_mday, digits: 2, then: separator)
        field(parts.tm_hour, digits: 2, then: UInt8(ascii: ":"))
        field(parts.tm_min, digits: 2, then: UInt8(ascii: ":"))
        field(parts.tm_sec, digits: 2, then: UInt8(ascii: "."))
        field(Int32(id.milliseconds), digits: 3, then: suffix)
        if !utc, let zone = parts.tm_zone {
            out.append(ascii: UInt8(ascii: " "))
            out.append(UnsafeBufferPointer(start: UnsafeRawPointer(zone).assumingMemoryBound(to: UInt8.self), count: strlen(zone)))
        }
        return true
    }
}
