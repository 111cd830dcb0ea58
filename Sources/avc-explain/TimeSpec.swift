import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// A point in time as ausearch's `-ts`/`-te` take it: `now`, `recent` (10 minutes ago),
/// `boot`, `today`, `yesterday`, `this-week`, `week-ago`, `this-month`, `this-year`; a date
/// (`2026-11-27`, `11/27/2026`) with an optional time (`09:14` or `09:14:03`); or `@SECONDS`.
/// Local time, as ausearch's.
struct TimeSpec: ExpressibleByArgument {
    var seconds: UInt64

    init?(argument: String) {
        guard let s = Self.parse(argument, now: time(nil)) else { return nil }
        seconds = s
    }

    static func parse(_ text: String, now: time_t) -> UInt64? {
        if text.hasPrefix("@") { return UInt64(text.dropFirst()) }
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
        default: break
        }
        let parts = text.split(separator: " ")
        guard let datePart = parts.first else { return nil }
        var ymd: [Int]
        let dash = datePart.split(separator: "-").compactMap { Int($0) }
        let slash = datePart.split(separator: "/").compactMap { Int($0) }
        if dash.count == 3 { ymd = dash } else if slash.count == 3 { ymd = [slash[2] < 100 ? slash[2] + 2000 : slash[2], slash[0], slash[1]] } else { return nil }
        var hms = [0, 0, 0]
        if parts.count > 1 {
            let clock = parts[1].split(separator: ":").compactMap { Int($0) }
            guard (2...3).contains(clock.count) else { return nil }
            hms = clock + (clock.count == 2 ? [0] : [])
        }
        var m = tm()
        m.tm_year = Int32(ymd[0] - 1900); m.tm_mon = Int32(ymd[1] - 1); m.tm_mday = Int32(ymd[2])
        m.tm_hour = Int32(hms[0]); m.tm_min = Int32(hms[1]); m.tm_sec = Int32(hms[2]); m.tm_isdst = -1
        let s = mktime(&m)
        return s >= 0 ? UInt64(s) : nil
    }

    /// This machine's boot, from /proc/uptime: meaningful only for logs of this machine.
    static func bootTime(now: time_t) -> UInt64? {
        guard let f = fopen("/proc/uptime", "r") else { return nil }
        defer { fclose(f) }
        var uptime = 0.0
        guard withUnsafeMutablePointer(to: &uptime, { withVaList([$0]) { vfscanf(f, "%lf", $0) } }) == 1 else { return nil }
        return UInt64(max(Double(now) - uptime, 0))
    }
}
