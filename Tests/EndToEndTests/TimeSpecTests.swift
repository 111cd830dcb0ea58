import Foundation
import Testing
import TestSupport
@testable import avc_explain

/// `--since`/`--until` values: every form that is accepted, and each field that is refused by name.
@Suite struct TimeSpecTests {
    let now: time_t = 1_795_914_479   // 2026-11-29 01:07:59 UTC

    /// The local-time reading of a date, as mktime gives it, for forms without a zone.
    private func local(_ y: Int32, _ mo: Int32, _ d: Int32, _ h: Int32 = 0, _ mi: Int32 = 0, _ s: Int32 = 0) -> UInt64 {
        var m = tm()
        m.tm_year = y - 1900; m.tm_mon = mo - 1; m.tm_mday = d; m.tm_hour = h; m.tm_min = mi; m.tm_sec = s; m.tm_isdst = -1
        return UInt64(mktime(&m))
    }

    @Test func acceptedForms() throws {
        let cases: [(String, UInt64)] = [
            ("@0", 0),
            ("@1795914479", 1_795_914_479),
            ("@253402300799", 253_402_300_799),
            ("2026-11-29T01:07:59Z", 1_795_914_479),
            ("2026-11-29T01:07:59.123Z", 1_795_914_479),
            ("2026-11-29T01:07:59+01:00", 1_795_914_479 - 3600),
            ("2026-11-29T01:07:59-0230", 1_795_914_479 + 9000),
            ("9999-12-31T23:59:59Z", 253_402_300_799),
            ("2026-11-29T01:07", local(2026, 11, 29, 1, 7)),
            ("2026-11-27", local(2026, 11, 27)),
            ("2026-11-27 09:14", local(2026, 11, 27, 9, 14)),
            ("2026-11-27 09:14:03", local(2026, 11, 27, 9, 14, 3)),
            ("11/27/2026", local(2026, 11, 27)),
            ("11/27/26 09:14", local(2026, 11, 27, 9, 14)),
            ("2024-02-29", local(2024, 2, 29)),
            ("2000-02-29 23:59:60", local(2000, 2, 29, 23, 59, 60)),
            ("now", 1_795_914_479),
            ("recent", 1_795_914_479 - 600),
        ]
        for (text, seconds) in cases {
            #expect(try TimeSpec.parse(text, now: now) == seconds, "\(text)")
        }
    }

    @Test func refusedFieldsAreNamed() throws {
        let cases: [(String, String)] = [
            ("9999999999-1-1", "year 9999999999 is not between 1970 and 9999"),
            ("99999999999999999999999-1-1", "year"),
            ("1969-12-31", "year 1969"),
            ("10000-01-01", "year 10000"),
            ("2026-02-31", "day 31 is not in February 2026"),
            ("2026-02-29", "day 29 is not in February 2026"),
            ("1900-02-29", "year 1900"),
            ("2100-02-29", "day 29 is not in February 2100"),
            ("2026-04-31", "day 31 is not in April 2026"),
            ("2026-01-00", "day 0 is not in January 2026"),
            ("2026-13-45 99:99", "month 13 is not between 1 and 12"),
            ("2026-00-01", "month 0"),
            ("2026-11-29 24:00", "hour 24 is not between 0 and 23"),
            ("2026-11-29 23:60", "minute 60 is not between 0 and 59"),
            ("2026-11-29 23:59:61", "second 61 is not between 0 and 60"),
            ("13/01/2026", "month 13"),
            ("2026-11-29T25:07:59Z", "hour 25"),
            ("2026-11-29T01:07:59+24:00", "UTC offset +24:00"),
            ("1970-01-01T00:00:00+01:00", "before 1970-01-01 00:00 UTC"),
            ("@253402300800", "@SECONDS"),
            ("@99999999999999999999999", "@SECONDS"),
            ("@-1", "@SECONDS"),
            ("@", "@SECONDS"),
            ("not-a-time", "not a time"),
            ("2026-11-29T01:07:59.Z", "not a time"),
            ("2026-11-29T01:07.5Z", "not a time"),
            ("2026-11-29T01:07:59+1", "not a time"),
            ("2026-+1-29", "not a time"),
            ("2026-11-29 01:07 extra", "not a time"),
            ("11/27/2026T01:07", "not a time"),
        ]
        for (text, message) in cases {
            do {
                let s = try TimeSpec.parse(text, now: now)
                Issue.record("\(text) was taken as \(s)")
            } catch {
                #expect(error.description.contains(message), "\(text): \(error.description)")
            }
        }
    }

    /// As ausearch's `-ts 01:07:59`: a time alone is today's, a date alone its midnight.
    @Test func timeAloneIsTodays() throws {
        var t = now
        var today = tm()
        localtime_r(&t, &today)
        let (y, m, d) = (today.tm_year + 1900, today.tm_mon + 1, today.tm_mday)
        #expect(try TimeSpec.parse("01:07:59", now: now) == local(y, m, d, 1, 7, 59))
        #expect(try TimeSpec.parse("23:05", now: now) == local(y, m, d, 23, 5))
        #expect(try TimeSpec.parse("11/27/2026", now: now) == local(2026, 11, 27))
        #expect(throws: TimeSpecError.self) { try TimeSpec.parse("24:00", now: now) }
        #expect(throws: TimeSpecError.self) { try TimeSpec.parse("01:07:59:00", now: now) }
    }
}

/// The command line: a refused time is exit 64 with the field named, never a crash, and the
/// echoed argument cannot drive the terminal.
@Suite struct TimeOptionTests {
    @Test func hugeYearIsAUsageErrorNotACrash() throws {
        let r = try Tool.run(["--since", "9999999999-1-1", "SampleLogs/seed-fluent-bit.log"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("year 9999999999 is not between 1970 and 9999"), "\(r.stderr)")
    }

    @Test func impossibleDateIsRefusedNotNormalised() throws {
        let r = try Tool.run(["--until", "2026-02-31", "SampleLogs/seed-fluent-bit.log"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("day 31 is not in February 2026"), "\(r.stderr)")
    }

    @Test func isoTimeFromTheJSONOutputIsAccepted() throws {
        // The seed's two denials are at 01:07:58.183 and 01:07:59.299 UTC.
        let (r, report) = try Tool.json(["--since", "2026-11-29T01:07:59Z", "SampleLogs/seed-fluent-bit.log"])
        #expect(r.status == 0)
        #expect(Tool.findings(report).first?["count"] as? Int == 1)
    }

    @Test func echoedArgumentHasTerminalControlsEscaped() throws {
        let r = try Tool.run(["--since", "\u{1b}]0;owned\u{07}\u{202e}2026"])
        #expect(r.status == 64)
        #expect(!r.stderr.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 || $0.value == 0x202e }, "\(r.stderr)")
        #expect(r.stderr.contains("\\x1b]0;owned\\x07\\u{202e}2026"), "\(r.stderr)")
    }

    @Test func timeAloneIsCheckedFieldByField() throws {
        let r = try Tool.run(["-ts", "01:61", "SampleLogs/seed-fluent-bit.log"])
        #expect(r.status == 64 && r.stderr.contains("minute 61 is not between 0 and 59"), "\(r.stderr)")
    }
}
