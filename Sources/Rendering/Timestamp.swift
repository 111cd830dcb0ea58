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
        switch id.clock {
        case .wall: return format(id, utc: false, separator: " ", suffix: "") ?? String(id.seconds)
        case .sinceBoot: return "\(id.seconds).\(id.milliseconds / 100) s after boot"
        case .unknown: return "time unknown"
        }
    }

    /// RFC 3339 in UTC, for JSON: `2026-11-27T09:14:03.120Z`; nil past what RFC 3339 can
    /// write (years 0000–9999), so JSON says null rather than a bare number.
    /// Nil (JSON null) when the stamp is no date: boot-relative or unknown.
    static func utc(_ id: EventID) -> String? { id.clock == .wall ? format(id, utc: true, separator: "T", suffix: "Z") : nil }

    private static func format(_ id: EventID, utc: Bool, separator: String, suffix: String) -> String? {
        var t = time_t(clamping: id.seconds)
        var parts = tm()
        let ok = utc ? gmtime_r(&t, &parts) != nil : localtime_r(&t, &parts) != nil
        guard ok, (0...9999).contains(Int(parts.tm_year) + 1900) else { return nil }
        // Written byte by byte into one string: every finding prints two of these. Seven
        // numbers of at most 20 digits, each followed by a separator or the suffix, then the zone.
        let zone = utc ? nil : parts.tm_zone.map { UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: strlen($0)) }
        let capacity = 7 * DecimalText.room(digits: 3) + 5 + separator.utf8.count + suffix.utf8.count + 1 + (zone?.count ?? 0)
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var i = 0
            func field(_ value: some BinaryInteger, digits: Int, then after: String) {
                i = DecimalText.write(Int64(value), digits: digits, into: buffer, at: i)
                i = DecimalText.write(after, into: buffer, at: i)
            }
            field(parts.tm_year + 1900, digits: 1, then: "-")
            field(parts.tm_mon + 1, digits: 2, then: "-")
            field(parts.tm_mday, digits: 2, then: separator)
            field(parts.tm_hour, digits: 2, then: ":")
            field(parts.tm_min, digits: 2, then: ":")
            field(parts.tm_sec, digits: 2, then: ".")
            field(id.milliseconds, digits: 3, then: suffix)
            if let zone {
                buffer[i] = UInt8(ascii: " ")
                i += 1
                for byte in zone {
                    buffer[i] = byte
                    i += 1
                }
            }
            return i
        }
    }
}
