import Foundation
import Testing
import TestSupport

/// The text report's conventions (width, repeated prose, zone, ASCII) and the summary and
/// Markdown formats, on logs written here in the kernel's record shapes.
@Suite struct OutputFormatTests {
    /// (permissions, syscall, a0, a1, a2, a3): a loader exec stack, a thread stack, a JIT
    /// mapping, a W^X flip, an executable heap.
    static let shapes: [([String], Int, String, String, String, String)] = [
        (["execstack", "execmem"], 10, "7ffd517e8000", "1000", "1000007", "35"),
        (["execmem"], 10, "7f35fd9b0000", "800000", "7", "801000"),
        (["execmem"], 9, "0", "10000", "7", "22"),
        (["execmem"], 10, "7f03ad1c3000", "1000", "5", "7f03ad1dba20"),
        (["execheap"], 10, "55d58f4b6000", "1000", "7", "7f9ea96cea20"),
    ]

    /// One event per program, `count` distinct programs, the shapes in turn.
    static func log(programs count: Int, exe: (Int) -> String = { "/opt/app\($0)/bin/prog\($0)" }) -> String {
        let ctx = "system_u:system_r:unconfined_service_t"
        var lines: [String] = []
        for i in 0..<count {
            let (permissions, syscall, a0, a1, a2, a3) = shapes[i % shapes.count]
            let stamp = "audit(\(1795914400 + i).\(String(format: "%03d", i * 7 % 1000)):\(100 + i))"
            for p in permissions {
                lines.append("type=AVC msg=\(stamp): avc:  denied  { \(p) } for  pid=\(1000 + i) comm=\"prog\(i)\" scontext=\(ctx) tcontext=\(ctx) tclass=process permissive=0")
            }
            lines.append("type=SYSCALL msg=\(stamp): arch=c000003e syscall=\(syscall) success=no exit=-13 a0=\(a0) a1=\(a1) a2=\(a2) a3=\(a3) items=0 ppid=1 pid=\(1000 + i) auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"prog\(i)\" exe=\"\(exe(i))\" subj=\(ctx) key=(null)")
            lines.append("type=PROCTITLE msg=\(stamp): proctitle=\"\(exe(i))\"")
            lines.append("type=EOE msg=\(stamp):")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Paragraphs: blocks between blank lines, cut again where a list item or numbered fix
    /// starts, with their lines joined.
    static func paragraphs(_ text: String) -> [String] {
        var out: [String] = []
        var current: [String] = []
        func flush() {
            if !current.isEmpty { out.append(current.joined(separator: " ")) }
            current = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("- ") || trimmed.range(of: #"^\d+\. "#, options: .regularExpression) != nil { flush() }
            if !trimmed.isEmpty { current.append(trimmed) }
        }
        flush()
        return out
    }

    @Test func fiftyFindingsPrintEachParagraphOnce() throws {
        let r = try Tool.run(["-"], input: Self.log(programs: 50))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("[50] "))
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(lines < 1000, "\(lines) lines")
        var seen: [String: Int] = [:]
        for p in Self.paragraphs(r.stdout) where p.count >= 80 { seen[p, default: 0] += 1 }
        #expect(seen.filter { $0.value > 1 }.isEmpty, "\(seen.filter { $0.value > 1 }.keys.sorted())")
        // Every program's own commands are still printed, to be copied.
        for i in 0..<50 { #expect(r.stdout.contains("    lddtree /opt/app\(i)/bin/prog\(i)\n")) }
    }

    @Test func textWrapsToColumnsButCommandsStayWhole() throws {
        let long = "/opt/" + String(repeating: "very-long-directory-name/", count: 4) + "prog"
        let input = Self.log(programs: 3) + Self.log(programs: 1, exe: { _ in long }).replacingOccurrences(of: ":100)", with: ":900)")
        for width in [80, 120] {
            let r = try Tool.run(["-"], input: input, environment: ["COLUMNS": String(width)])
            let wide = r.stdout.split(separator: "\n").filter { $0.count > width }
            // Only a command, or a single word longer than the line, may pass the width.
            #expect(wide.allSatisfy { $0.contains(long) }, "COLUMNS=\(width): \(wide)")
            #expect(r.stdout.contains("\n    readelf -lW \(long) | grep GNU_STACK\n"))
        }
        let narrow = try Tool.run(["-"], input: input, environment: ["COLUMNS": "50"]).stdout
        let wide = try Tool.run(["-"], input: input, environment: ["COLUMNS": "120"]).stdout
        #expect(narrow.split(separator: "\n").count > wide.split(separator: "\n").count)
    }

    @Test func timesNameTheirZoneAndCutListsSayHowManyMore() throws {
        let log = Self.log(programs: 1) + Self.log(programs: 1).replacingOccurrences(of: ":100)", with: ":101)")
            .replacingOccurrences(of: "1795914400.000", with: "1795914401.000")
        let utc = try Tool.run(["-"], input: log, environment: ["COLUMNS": "200"]).stdout
        #expect(utc.contains("2 times, 2026-11-29 01:06:40.000 UTC to 2026-11-29 01:06:41.000 UTC (event 1795914400.000:100 and 1 more)"), "\(utc)")
        let tokyo = try Tool.run(["-"], input: log, environment: ["TZ": "JST-9"]).stdout
        #expect(tokyo.contains("2026-11-29 10:06:40.000 JST"))
    }

    @Test func asciiWhenTheLocaleIsNotUTF8() throws {
        let input = Self.log(programs: 5)
        let utf8 = try Tool.run(["-"], input: input).stdout
        #expect(utf8.contains("—"))
        for format in ["text", "summary", "markdown"] {
            let ascii = try Tool.run(["--format", format, "-"], input: input, environment: ["LC_ALL": "C"]).stdout
            #expect(!ascii.isEmpty)
            #expect(ascii.utf8.allSatisfy { $0 < 0x80 }, "\(format): \(ascii.unicodeScalars.filter { $0.value >= 0x80 })")
        }
        #expect(try Tool.run(["--format", "summary", "-"], input: input, environment: ["LC_ALL": "C"]).stdout.contains("loader-exec-stack -> "))
    }

    @Test func summaryHasAHeaderAndALinePerFinding() throws {
        let r = try Tool.run(["--format", "summary", "-"], input: Self.log(programs: 12))
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 13)
        #expect(lines.first?.hasPrefix("count  program") == true)
        #expect(!r.stdout.contains("\t"))
        // Aligned: the mechanism column starts at the same character on every line.
        let columns = Set(lines.map { line -> Int in
            let at = line.range(of: #"(mechanism|loader-exec-stack|thread-stack-exec|jit-rwx-mapping|jit-wx-flip|heap-exec) "#, options: .regularExpression)!
            return line.distance(from: line.startIndex, to: at.lowerBound)
        })
        #expect(columns.count == 1, "\(lines)")
        #expect(lines[1].contains("[rebuild] Find the object that asks for an executable stack"))
    }

    /// A comm and path built to break Markdown: table pipes, emphasis, HTML, and a code fence.
    @Test func markdownEscapesLogValuesAndFencesHoldCommands() throws {
        let hostile = "/opt/x/a|b*c_d<e>```f"
        let hex = hostile.utf8.map { String(format: "%02X", $0) }.joined()
        let log = Self.log(programs: 1).replacingOccurrences(of: "exe=\"/opt/app0/bin/prog0\"", with: "exe=\(hex)")
        let r = try Tool.run(["--format", "markdown", "-"], input: log)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("| process | \"prog0\" (/opt/x/a\\|b\\*c\\_d&lt;e&gt;\\`\\`\\`f), pid 1000 |"), "\(r.stdout)")
        // The commands naming it sit in a four-backtick fence that the value cannot close.
        #expect(r.stdout.contains("````sh\nreadelf -lW '/opt/x/a|b*c_d<e>```f' | grep GNU_STACK\n"), "\(r.stdout)")
        var open: String?
        for line in r.stdout.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) where line.hasPrefix("```") {
            let fence = String(line.prefix { $0 == "`" })
            if let o = open { if line == o { open = nil } } else { open = fence }
        }
        #expect(open == nil, "every fence is closed")
        #expect(r.stdout.contains("## 1. execstack execmem denied"))
    }
}
