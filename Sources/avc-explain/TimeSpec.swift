#if canImport(Glibc)
import Glibc
#endif

/// A point in time as ausearch's `-ts`/`-te` take it: `now`, `recent` (10 minutes ago),
/// `boot`, `today`, `yesterday`, `this-week`, `week-ago`, `this-month`, `this-year`; a date
/// (`2026-11-27`, `11/27/2026`) with an optional time (`09:14` or `09:14:03`), in local time as
/// ausearch's (a date alone is its midnight; a time alone, `01:07` or `01:07:59`, is today's); ISO 8601 / RFC 3339 as the JSON output prints it (`2026-11-29T01:07:59Z`,
/// `…59.123Z`, `…59+01:00`, or without a zone, local: `2026-11-29T01:07`); or `@SECONDS`.
/// Every field is range-checked (years 1970 to 9999), never normalised: 2026-02-31 is an error.
struct TimeSpec {
    var seconds: UInt64

    /// The named times, for completion scripts and the man page.
    static let words = ["now", "recent", "boot", "today", "yesterday", "this-week", "week-ago", "this-month", "this-year"]

    /// 9999-12-31T23:59:59Z, the last second a date here can name.
    static let maxSeconds: UInt64 = 253_402_300_799

    /// For ArgumentParser's `transform`: a thrown error's description is printed after the
    /// argument ("The value '2026-02-31' is invalid for '--since <time>': day 31 is not in February 2026").
    static func argument(_ text: String) throws -> TimeSpec {
        TimeSpec(seconds: try parse(text, now: time(nil)))
    }

    static func parse(_ text: String, now: time_t) throws(TimeSpecError) -> UInt64 {
        if text.hasPrefix("@") {
            let digits = text.dropFirst()
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let s = UInt64(digits), s <= maxSeconds else {
                throw TimeSpecError("@SECONDS must be a whole number of seconds from 0 to \(maxSeconds) (9999-12-31 23:59:59 UTC)")
            }
            return s
        }
        if let relative = relative(text, now: now) { return relative }
        if let t = text.firstIndex(of: "T") {
            return try CalendarTime(date: text[..<t], clock: text[text.index(after: t)...], iso: true).seconds()
        }
        let parts = text.split(separator: " ")
        guard (1...2).contains(parts.count) else { throw TimeSpecError.unknownForm }
        if parts.count == 1, text.contains(":") {
            // A time alone is today's, as ausearch takes `-ts 01:07:59`.
            var t = now
            var local = tm()
            localtime_r(&t, &local)
            let today = "\(local.tm_year + 1900)-\(local.tm_mon + 1)-\(local.tm_mday)"
            return try CalendarTime(date: today[...], clock: parts[0], iso: false).seconds()
        }
        return try CalendarTime(date: parts[0], clock: parts.count == 2 ? parts[1] : nil, iso: false).seconds()
    }

    /// The named times, counted from `now` in local time.
    private static func relative(_ text: String, now: time_t) -> UInt64? {
        var t = now
        var local = tm()
        localtime_r(&t, &local)
        func midnight(daysBack: Int32) -> UInt64? {
            var m = local
            m.tm_hour = 0; m.tm_min = 0; m.tm_sec = 0; m.tm_mday -= daysBack; m.tm_isdst = -1
            let s = mktime(&m)
            return s >= 0 ? UInt64(s) : nil
        }
        switch text {
        case "now": return UInt64(max(now, 0))
        case "recent": return UInt64(max(now - 600, 0))
        case "today": return midnight(daysBack: 0)
        case "yesterday": return midnight(daysBack: 1)
        case "this-week": return midnight(daysBack: local.tm_wday)
        case "week-ago": return midnight(daysBack: 7)
        case "this-month": return midnight(daysBack: local.tm_mday - 1)
        case "this-year": return midnight(daysBack: local.tm_yday)
        case "boot": return bootTime(now: now)
        default: return nil
        }
    }

    /// This machine's boot, from /proc/uptime: meaningful only for logs of this machine.
    static func bootTime(now: time_t) -> UInt64? {
        guard let f = fopen("/proc/uptime", "r") else { return nil }
        defer { fclose(f) }
        var uptime = 0.0
        guard withUnsafeMutablePointer(to: &uptime, { withVaList([$0]) { vfscanf(f, "%lf", $0) } }) == 1, uptime.isFinite else { return nil }
        return UInt64(max(Double(now) - uptime, 0))
    }
}

/// Why a `--since`/`--until` value is not a time, naming the field at fault.
struct TimeSpecError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }

    static let unknownForm = TimeSpecError("""
        not a time: use now, recent, boot, today, yesterday, this-week, week-ago, this-month, this-year, \
        YYYY-MM-DD or MM/DD/YYYY with an optional HH:MM[:SS], HH:MM[:SS] alone (today), YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM], or @SECONDS
        """)
}

/// A calendar date and clock time, each field checked before anything is computed from it.
private struct CalendarTime {
    var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
    /// Seconds east of UTC; nil for local time.
    var utcOffset: Int?

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]

    /// `date` is YYYY-MM-DD (or, unless `iso`, MM/DD/YYYY with a two-digit year meaning 20YY);
    /// `clock` is HH:MM[:SS], and with `iso` also fractions of a second (ignored: events are
    /// filtered by whole seconds) and a zone.
    init(date: Substring, clock: Substring?, iso: Bool) throws(TimeSpecError) {
        let dash = date.split(separator: "-", omittingEmptySubsequences: false)
        let slash = date.split(separator: "/", omittingEmptySubsequences: false)
        if dash.count == 3 {
            (year, month, day) = (try Self.number(dash[0]), try Self.number(dash[1]), try Self.number(dash[2]))
        } else if slash.count == 3, !iso {
            (month, day, year) = (try Self.number(slash[0]), try Self.number(slash[1]), try Self.number(slash[2]))
            if slash[2].count <= 2 { year += 2000 }
        } else {
            throw TimeSpecError.unknownForm
        }
        guard var clock else { return }
        if iso { clock = try zone(clock) }
        var fields = clock.split(separator: ":", omittingEmptySubsequences: false)
        if iso, let last = fields.last, let dot = last.firstIndex(of: ".") {
            let fraction = last[last.index(after: dot)...]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit), fields.count == 3 else { throw TimeSpecError.unknownForm }
            fields[2] = last[..<dot]
        }
        guard (2...3).contains(fields.count) else { throw TimeSpecError.unknownForm }
        hour = try Self.number(fields[0])
        minute = try Self.number(fields[1])
        second = fields.count == 3 ? try Self.number(fields[2]) : 0
    }

    /// Takes a trailing `Z` or `±HH:MM` (or `±HHMM`) off the clock, into `utcOffset`.
    private mutating func zone(_ clock: Substring) throws(TimeSpecError) -> Substring {
        if clock.hasSuffix("Z") || clock.hasSuffix("z") {
            utcOffset = 0
            return clock.dropLast()
        }
        guard let sign = clock.lastIndex(where: { $0 == "+" || $0 == "-" }) else { return clock }
        let digits = clock[clock.index(after: sign)...].filter { $0 != ":" }
        guard digits.count == 4, clock[clock.index(after: sign)...].count <= 5 else { throw TimeSpecError.unknownForm }
        let hours = try Self.number(digits.prefix(2)[...]), minutes = try Self.number(digits.suffix(2)[...])
        guard hours <= 23, minutes <= 59 else {
            throw TimeSpecError("UTC offset \(clock[sign...]) is not between -23:59 and +23:59")
        }
        utcOffset = (clock[sign] == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        return clock[..<sign]
    }

    /// Digits only, no sign; a number too long for Int is kept as Int.max so the range check names it.
    private static func number(_ text: Substring) throws(TimeSpecError) -> Int {
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit) else { throw TimeSpecError.unknownForm }
        return Int(text) ?? Int.max
    }

    private func check() throws(TimeSpecError) {
        guard (1970...9999).contains(year) else { throw TimeSpecError("year \(year) is not between 1970 and 9999") }
        guard (1...12).contains(month) else { throw TimeSpecError("month \(month) is not between 1 and 12") }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { throw TimeSpecError("day \(day) is not in \(Self.monthNames[month - 1]) \(year)") }
        guard (0...23).contains(hour) else { throw TimeSpecError("hour \(hour) is not between 0 and 23") }
        guard (0...59).contains(minute) else { throw TimeSpecError("minute \(minute) is not between 0 and 59") }
        guard (0...60).contains(second) else { throw TimeSpecError("second \(second) is not between 0 and 60") }
    }

    /// Seconds since the epoch; every field is in range, so the Int32 conversions cannot trap.
    func seconds() throws(TimeSpecError) -> UInt64 {
        try check()
        var m = tm()
        m.tm_year = Int32(year - 1900); m.tm_mon = Int32(month - 1); m.tm_mday = Int32(day)
        m.tm_hour = Int32(hour); m.tm_min = Int32(minute); m.tm_sec = Int32(second); m.tm_isdst = -1
        let s = utcOffset.map { Int(timegm(&m)) - $0 } ?? Int(mktime(&m))
        guard s >= 0 else { throw TimeSpecError("\(year)-\(month)-\(day) \(hour):\(minute) is before 1970-01-01 00:00 UTC") }
        return UInt64(s)
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
