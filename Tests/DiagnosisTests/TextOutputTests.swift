import Testing
import TestSupport
import AuditInput
import Diagnosis
@testable import Rendering

/// The text report is written as bytes, in pieces, straight from one buffer: the pieces must
/// add up to the report as a whole would be shown.
@Suite struct TextOutputTests {
    /// A report of many distinct blocks, longer than one piece.
    static func longReport() throws -> Report {
        let d = try HostFactsTests.diagnose(HostFactsTests.execmemLog, host: HostFactsTests.host(kernel: "5.14.0", glibc: "2.34"))
        let base = try #require(d.facts.first)
        let findings = (0..<120).map { i in
            var f = base
            f.evidence = ["evidence \(i) — mapped → \(String(repeating: "word\(i) ", count: 40))…", "≥ \(i) × 2 – done"]
            return f
        }
        return Report(findings: findings, events: 120, denials: 120, inputs: [], sysroot: "/srv/root", policy: d.policyInForce)
    }

    /// Outside UTF-8, each piece gets its stand-ins as the whole report would: every piece ends
    /// after a line feed, where a character always ends.
    @Test func piecesAreShownAsTheWholeIs() throws {
        let report = try Self.longReport()
        let ascii = OutputConventions(width: 72, unicode: false)
        var pieces: [[UInt8]] = []
        TextRenderer(color: true, conventions: ascii).render(report, bytes: { pieces.append(Array($0)) })
        #expect(pieces.count > 1)
        #expect(pieces.allSatisfy { $0.last == UInt8(ascii: "\n") })
        let whole = TextRenderer(color: true, conventions: OutputConventions(width: 72, unicode: true)).render(report)
        #expect(whole.contains("—") && whole.contains("→"))
        // Byte for byte (String's == would take canonically equivalent texts as equal).
        #expect(pieces.joined().elementsEqual(ascii.shown(whole).utf8))
    }

    /// In UTF-8 the bytes are the String rendering's, whole characters in every piece.
    @Test func bytesAreTheTextsBytes() throws {
        let report = try Self.longReport()
        let renderer = TextRenderer(color: false, conventions: OutputConventions(width: 100, unicode: true))
        var pieces: [[UInt8]] = []
        renderer.render(report, bytes: { pieces.append(Array($0)) })
        var strings: [String] = []
        renderer.render(report) { strings.append($0) }
        #expect(pieces.map { String(decoding: $0, as: UTF8.self) } == strings)
        #expect(pieces.count > 1 && pieces.allSatisfy { String(validating: $0, as: UTF8.self) != nil })
    }

    /// A space beside one of the prose's typographic characters is wrapped on bytes, as on
    /// characters; beside a mark that joins it (a combining accent after, a prepended mark
    /// before) it is not a place to break.
    @Test func spacesBesideTheProsesMarksWrapAsCharacters() {
        for mark in ["—", "–", "→", "…", "≥", "×"] {
            let texts = ["a \(mark) b", "\(mark) x yy", "xx \(mark)", "x \(mark)\u{301} y", "x \(mark) \u{301}y", "x\u{600} \(mark) y",
                         "x \(mark)\u{600} y", "[12] execmem denied \(mark) unknown: not enough", "\(mark) \(mark) \(mark)"]
            for text in texts {
                for width in 1...14 {
                    #expect(TerminalText.wrap(text, prefix: "", indent: "    ", width: width)
                            == TerminalText.wrapCharacters(text, prefix: "", indent: "    ", width: width), "\(text.debugDescription) at \(width)")
                }
            }
        }
    }
}

extension TextOutputTests {
    /// The process row names the first eight pids, then how many more; "at least" once the
    /// list was full.
    @Test func processRowPidLists() throws {
        let d = try HostFactsTests.diagnose(HostFactsTests.execmemLog, host: HostFactsTests.host(kernel: "5.14.0", glibc: "2.34"))
        var f = try #require(d.facts.first)
        let facts = FindingFacts(value: TerminalText.sanitize)
        func row(_ pids: [Int64], complete: Bool = true) -> String {
            f.process.pids = PidList(pids)
            f.process.pidsComplete = complete
            return facts.process(f)
        }
        let who = "\"vendor-tool\" (/opt/vendor/bin/vendor-tool)"
        #expect(row([]) == who)
        #expect(row([], complete: false) == who)
        #expect(row([7]) == who + ", pid 7")
        #expect(row([7], complete: false) == who + ", pid 7 and at least 1 more")
        #expect(row(Array(1...8)) == who + ", pids 1, 2, 3, 4, 5, 6, 7, 8")
        #expect(row(Array(1...9).reversed()) == who + ", pids 9, 8, 7, 6, 5, 4, 3, 2 and 1 more")
        #expect(row([40_000, 3, 65_535, 1, 2, 0, 9, 10, 11, 12], complete: false)
                == who + ", pids 40000, 3, 65535, 1, 2, 0, 9, 10 and at least 3 more")
    }
}

extension TextOutputTests {
    /// A paragraph's ending command is found after its first ": " on bytes as by characters.
    @Test func endingCommandsOnBytesAreByCharacters() {
        func byCharacters(_ text: String) -> (String, String)? {
            guard let colon = text.firstRange(of: ": ") else { return nil }
            let rest = text[colon.upperBound...]
            guard FindingText.commandTools.contains(where: { rest.hasPrefix($0) }) else { return nil }
            return (String(text[..<colon.lowerBound]) + ":", String(rest))
        }
        let texts = ["the AVC record: ausearch -m avc -ts recent", "a:b: readelf -lW /bin/x", ": readelf x", ":readelf x", "no colon here",
                     "x: notatool y", "a: b: readelf -d y", "é: readelf -d y", "x:: scanelf -qe", "ends with colon:", "ends with colon: ",
                     "two: spaces:  readelf", "tab:\treadelf", "x: readelf", "x: readelfy", String(repeating: "word ", count: 40) + "then: patchelf --print-rpath f"]
        for text in texts {
            let found = FindingText.endingCommand(text)
            let expected = byCharacters(text)
            #expect(found?.0 == expected?.0 && found?.1 == expected?.1, "\(text.debugDescription)")
            #expect((found == nil) == (expected == nil), "\(text.debugDescription)")
        }
    }
}

extension TextOutputTests {
    /// The seen row names the first event as its description says it, the node made safe.
    @Test func seenRowNamesTheEventAsItsDescription() throws {
        let d = try HostFactsTests.diagnose(HostFactsTests.execmemLog, host: HostFactsTests.host(kernel: "5.14.0", glibc: "2.34"))
        var f = try #require(d.facts.first)
        let facts = FindingFacts(value: TerminalText.sanitize)
        let ids = [EventID(seconds: 1_795_914_489, milliseconds: 5, serial: 7), EventID(seconds: 1_795_914_489, milliseconds: 999, serial: 0),
                   EventID(seconds: 1_000_000_000, milliseconds: 1_234, serial: .max), EventID(seconds: 1_795_914_489, milliseconds: 0, serial: 10)]
        for node in [nil, "web01", "web\u{1b}]0;x\u{7}01", "nœud\u{202e}"] {
            for id in ids {
                let key = EventKey(node: node, id: id)
                f.events = EventList([key])
                let row = facts.seen(f)
                #expect(row.hasSuffix(" (event \(TerminalText.sanitize(key.description)))"), "\(row.debugDescription)")
            }
        }
    }
}

extension TextOutputTests {
    /// The text report writes one space before a row's second column where the Markdown report
    /// writes three: wrapped, the rows are the same, whatever the context before the gap ends
    /// with (a prepended mark and a combining accent join a space; ASCII does not).
    @Test func oneSpaceOrThreeBeforeTheSecondColumnWrapAlike() throws {
        let d = try HostFactsTests.diagnose(HostFactsTests.execmemLog, host: HostFactsTests.host(kernel: "5.14.0", glibc: "2.34"))
        var f = try #require(d.facts.first)
        let one = FindingFacts(value: TerminalText.sanitize, wrapped: true)
        let three = FindingFacts(value: TerminalText.sanitize)
        let contexts = ["system_u:system_r:unconfined_service_t:s0", "", " ", "a  b", "ends in a prepended mark \u{D4E}", "ends in an accent e\u{301}",
                        "joiner\u{200D}", "👍🏽", "漢字 漢字", "tab\t", "x\u{1b}[31m", String(repeating: "long_context_", count: 9), "s0 "]
        for context in contexts {
            for tclass in ["process", "", "\u{301}file"] {
                f.process.scontext = context
                f.tclass = tclass
                let spaced = three.domain(f), squeezed = one.domain(f)
                #expect(spaced.utf8.count == squeezed.utf8.count + (context.utf8.last.map { $0 < 0x80 } ?? true ? 2 : 0))
                for width in [40, 47, 53, 61, 80] {
                    #expect(TerminalText.wrap(squeezed, prefix: FindingText.Row.domain.prefix, indent: FindingText.rowIndent, width: width)
                            == TerminalText.wrap(spaced, prefix: FindingText.Row.domain.prefix, indent: FindingText.rowIndent, width: width),
                            "\(context.debugDescription) \(tclass.debugDescription) at \(width)")
                }
            }
        }
    }
}
