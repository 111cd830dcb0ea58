#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A date and time of day read from a log (an `ausearch -i` date, a syslog or logcat prefix) as
/// seconds since the epoch. The text is untrusted and tm's fields are 32-bit: a value no
/// calendar has is no time, where converting it would have trapped.
enum CalendarTime {
    enum Zone { case local, utc }

    /// Seconds since the epoch, or nil when a field is out of its range (the result may be
    /// negative: before 1970).
    static func seconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, in zone: Zone) -> Int? {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        var t = tm()
        t.tm_year = Int32(year - 1900); t.tm_mon = Int32(month - 1); t.tm_mday = Int32(day)
        t.tm_hour = Int32(hour); t.tm_min = Int32(minute); t.tm_sec = Int32(second); t.tm_isdst = -1
        return Int(zone == .local ? mktime(&t) : timegm(&t))
    }

    /// This year, on this host's clock: syslog and logcat prefixes give none.
    static func currentYear(_ zone: Zone) -> Int {
        var now = time(nil)
        var parts = tm()
        if zone == .local { localtime_r(&now, &parts) } else { gmtime_r(&now, &parts) }
        return Int(parts.tm_year) + 1900
    }
}
