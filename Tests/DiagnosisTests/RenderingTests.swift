import Testing
import AuditInput
@testable import Rendering

@Suite struct RenderingTests {
    @Test func controlCharactersAreEscaped() {
        #expect(TerminalText.sanitize("a\u{1b}[2Jb") == "a\\x1b[2Jb")
        #expect(TerminalText.sanitize("tab\there\u{7f}\u{9b}") == "tab\\x09here\\x7f\\x9b")
        #expect(TerminalText.sanitize("/usr/bin/ok é") == "/usr/bin/ok é")
        #expect(TerminalText.sanitize("plain ~ ASCII") == "plain ~ ASCII")
        #expect(TerminalText.sanitize("\u{7f}\u{0}\u{1f}") == "\\x7f\\x00\\x1f")
    }

    /// Printable ASCII is told eight bytes at a time: a control byte, DEL or ESC anywhere in
    /// an eight-byte word or past the last is escaped; text with none is left as it is.
    @Test func controlBytesAreEscapedWhereverTheyAre() {
        let plain = "0123456789 abcdefghijklmnopqrstuvwxyz~"
        for length in 0...plain.utf8.count {
            let text = String(plain.prefix(length))
            #expect(TerminalText.sanitize(text) == text)
            for at in 0...length {
                for (byte, escaped) in [("\u{0}", "\\x00"), ("\u{1f}", "\\x1f"), ("\u{7f}", "\\x7f"), ("\u{1b}", "\\x1b")] {
                    var flawed = text
                    flawed.insert(contentsOf: byte, at: flawed.index(flawed.startIndex, offsetBy: at))
                    #expect(TerminalText.sanitize(flawed) == flawed.replacingOccurrences(of: byte, with: escaped), "\(flawed.debugDescription)")
                }
            }
        }
    }

    @Test func jsonEscapesAndKeepsKeyOrder() {
        let j = JSON.object([("z", .string("a\"b\\c\n\u{1}")), ("a", .array([.int(1), .bool(false), .null]))])
        #expect(j.serialized() == #"{"z":"a\"b\\c\n\u0001","a":[1,false,null]}"#)
    }

    /// Text is wrapped on its bytes: the same lines as word by word as characters, with runs
    /// of spaces, colour escapes (finished or not), words wider than the line, and scalars that
    /// join a space into one character (a combining accent, a zero-width joiner, a spacing
    /// mark after it; a prepended mark before it) or do not (a dash, an arrow).
    @Test func wrapOnBytesIsWrapOnCharacters() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", "bb", "cccc", " ", "  ", "\u{1b}[1m", "\u{1b}[0m", "\u{1b}[1", "averyveryverylongword", "-", "x\u{1b}[31my",
                      "—", "é", "→", "\u{301}", "\u{200d}", "\u{93f}", "\u{600}", "🇫🇷"]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let width = Int.random(in: 1...20, using: &rng)
            let prefix = ["", "> ", "  - ", "\u{1b}[2m•\u{1b}[0m "].randomElement(using: &rng)!
            #expect(TerminalText.wrap(text, prefix: prefix, indent: "    ", width: width)
                    == TerminalText.wrapCharacters(text, prefix: prefix, indent: "    ", width: width), "\(text.debugDescription) at \(width)")
        }
        // Not ASCII: read as characters (a space and a combining accent are one character).
        #expect(TerminalText.wrap("a \u{301}b c", prefix: "", indent: "", width: 3) == "a \u{301}b\nc")
    }

    /// Plain words (printable ASCII one space apart), read eight bytes at a time, are wrapped
    /// as word by word as characters; so is text that is nearly plain: a second space, a
    /// control byte, DEL, an escape or a scalar past ASCII, at any place in an eight-byte word
    /// or across two.
    @Test func wrapOfPlainWordsIsWrapOnCharacters() {
        var rng = SystemRandomNumberGenerator()
        let words = ["a", "bb", "ccc", "dddddd", "eeeeeee", "ffffffff", "ggggggggg", "~!#", "0123456789abcdefghij"]
        let flaws = ["  ", "\t", "\u{7f}", "\u{1b}[1m", "é", "\u{1f}", " "]
        for _ in 0..<5_000 {
            var text = (0..<Int.random(in: 0...10, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
            if Bool.random(using: &rng), !text.isEmpty {
                let at = text.index(text.startIndex, offsetBy: Int.random(in: 0...text.count, using: &rng))
                text.insert(contentsOf: flaws.randomElement(using: &rng)!, at: at)
            }
            let width = Int.random(in: 1...30, using: &rng)
            let prefix = ["", "> ", "    process   "].randomElement(using: &rng)!
            #expect(TerminalText.wrap(text, prefix: prefix, indent: "  ", width: width)
                    == TerminalText.wrapCharacters(text, prefix: prefix, indent: "  ", width: width), "\(text.debugDescription) at \(width)")
        }
    }

    /// Numbers are written digit by digit as `String(describing:)` writes them, zero-padded.
    @Test func decimalsAreWrittenAsStringsWriteThem() {
        var out = TextBuffer()
        for n: Int64 in [0, 7, -7, 10, 99, 100, 4_294_967_295, .max, .min] {
            out.truncate(to: 0)
            out.append(decimal: n)
            #expect(out.text == String(n))
        }
        out.truncate(to: 0)
        out.append(decimal: UInt64.max)
        #expect(out.text == String(UInt64.max))
        out.truncate(to: 0)
        out.append(decimal: 7, digits: 3)
        out += " "
        out.append(decimal: 1_234, digits: 3)
        out += " "
        out.append(decimal: -5, digits: 2)
        #expect(out.text == "007 1234 -05")
    }

    /// Digits are written two at a time: every length from 1 to 20, at each power of ten and
    /// either side, and random values, padded to widths on both sides of their length.
    @Test func decimalsOfEveryLengthAndPadding() {
        var values: [UInt64] = [0, UInt64.max, UInt64.max - 1]
        var power: UInt64 = 1
        for _ in 0..<19 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        var rng = SystemRandomNumberGenerator()
        values += (0..<2_000).map { _ in UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng) }
        var out = TextBuffer()
        for value in values {
            for digits in [1, 2, 3, 5, 12, 22] {
                out.truncate(to: 0)
                out.append(decimal: value, digits: digits)
                let plain = String(value)
                #expect(out.text == String(repeating: "0", count: max(0, digits - plain.count)) + plain, "\(value) in \(digits)")
            }
        }
    }

    /// A memo keyed by texts' digest: the same texts are the same key, in other Strings too;
    /// texts cut in other places are not.
    @Test func digestKeysAreTheTextsTheyAreMadeOf() {
        func key(_ texts: [String]) -> DigestKey<[String]> {
            var digest = TextDigest()
            for text in texts { digest.add(text) }
            return DigestKey(value: texts, digest: digest.value)
        }
        let long = String(repeating: "a long paragraph — ", count: 9)
        #expect(key(["ab", "c"]) == key(["a" + "b", "c"]))
        #expect(key(["ab", "c"]) != key(["a", "bc"]))
        #expect(key(["ab", "c"]).digest != key(["a", "bc"]).digest)
        #expect(key([long, ""]) == key([String(long.reversed().reversed()), ""]))
        #expect(key([long]) != key([long + "."]))
        var printed = PrintedParagraphs()
        #expect(printed.earlier(paragraph: long, place: "[1]") == nil)
        #expect(printed.earlier(paragraph: String(long.reversed().reversed()), place: "[2]") == "[1]")
        #expect(printed.earlier("Why", long, place: "[3]") == nil)
    }

    /// The summary's first fix is cut at the first clause break, found on the bytes of ASCII
    /// text: the same cut as searching for each break by characters, in ASCII and other text
    /// (a space with a combining accent is no break; CR LF is one character).
    @Test func clauseBreaksOnBytesAreBreaksOnCharacters() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", "bb", ":", ";", ".", " ", "(", "\r\n", "é", "\u{301}", "—", String(repeating: "x", count: 30)]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...14, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let end = SummaryRenderer.clauseBreaks.compactMap { text.firstRange(of: $0)?.lowerBound }.min() ?? text.endIndex
            let clause = text[..<end]
            let want = clause.count <= 60 ? String(clause) : String(clause.prefix(59)) + "…"
            #expect(SummaryRenderer.shortened(text) == want, "\(text.debugDescription)")
        }
        #expect(SummaryRenderer.shortened("Rebuild it: then run (later)") == "Rebuild it")
    }

    /// Markdown's specials are escaped on the bytes of ASCII text: the same text as escaping
    /// character by character, in ASCII and other text (an asterisk with a combining accent is
    /// another character, and stays).
    @Test func markdownEscapesOnBytesAreEscapesOnCharacters() {
        func byCharacters(_ s: String) -> String {
            var out = ""
            for c in TerminalText.sanitize(s) {
                switch c {
                case "\\", "`", "*", "_", "|", "[", "]", "#", "~": out += "\\" + String(c)
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "&": out += "&amp;"
                default: out.append(c)
                }
            }
            return out
        }
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", " ", "\\", "`", "*", "_", "|", "[", "]", "#", "~", "<", ">", "&", "\r\n", "\u{1b}", "é", "\u{301}", "—"]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(MarkdownRenderer.escaped(text) == byCharacters(text), "\(text.debugDescription)")
        }
        #expect(MarkdownRenderer.escaped("a*b <c>") == "a\\*b &lt;c&gt;")
    }

    /// JSON strings are copied whole when nothing in them needs an escape, else in runs
    /// between the escapes: the same text as escaping scalar by scalar.
    @Test func jsonQuotingInRunsIsQuotingByScalar() {
        func byScalars(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.isControlOrBidi:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", " ", "\"", "\\", "\n", "\r\n", "\t", "\u{1b}", "\u{7f}", "\u{85}", "é", "\u{301}", "\u{202e}", "—", "🇫🇷"]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            var quoted = ""
            JSON.quote(text, into: &quoted)
            #expect(quoted == byScalars(text), "\(text.debugDescription)")
        }
    }

    /// Outside UTF-8, each typographic character the prose uses gets its ASCII stand-in, and
    /// only when it is a character of its own: with a combining accent after it, or a
    /// prepended mark before it, it is another character and stays.
    @Test func asciiStandInsReplaceWholeCharacters() {
        let ascii = OutputConventions(unicode: false)
        #expect(ascii.shown("a — b → c… ≥2 3×4 –") == "a - b -> c... >=2 3x4 -")
        #expect(ascii.shown("plain ASCII") == "plain ASCII")
        #expect(ascii.shown("é—\u{301} \u{600}— e\u{301}—") == "é—\u{301} \u{600}— e\u{301}-")
        #expect(ascii.shown("—") == "-")
        #expect(OutputConventions(unicode: true).shown("a — b") == "a — b")
    }

    /// Shared sections are grouped by the block they were printed in, blocks in the order first
    /// met, sections in their own order.
    @Test func referenceLineGroupsByPlace() {
        func line(_ references: [(name: String, place: String)]) -> String {
            var out = TextBuffer()
            out += "as in "
            FindingText.referenceLine(references, into: &out)
            return out.text
        }
        #expect(line([("why", "[2]"), ("at fault", "[1]"), ("evidence", "[2]"), ("fixes", "[3]"), ("fix 1", "[1]")])
                == "as in [2]: why, evidence; [1]: at fault, fix 1; [3]: fixes")
        #expect(line([("why", "[1]")]) == "as in [1]: why")
        #expect(line([]) == "as in ")
    }

    @Test func wrapKeepsWordsWhole() {
        #expect(TerminalText.wrap("aaa bbb ccc", prefix: "> ", indent: "  ", width: 9) == "> aaa bbb\n  ccc")
        #expect(TerminalText.wrap("", prefix: "> ", indent: "  ", width: 9) == "> ")
    }

    /// Every field zero-padded, the milliseconds in three digits; no date past year 9999.
    @Test func timestampsInUTC() {
        #expect(Timestamp.utc(EventID(seconds: 1795700000, milliseconds: 5, serial: 1)) == "2026-11-26T13:33:20.005Z")
        #expect(Timestamp.utc(EventID(seconds: 1000000000, milliseconds: 999, serial: 1)) == "2001-09-09T01:46:40.999Z")
        #expect(Timestamp.utc(EventID(seconds: 253402300800, milliseconds: 0, serial: 1)) == nil)
        #expect(Timestamp.local(EventID(seconds: 812, milliseconds: 345, serial: 1)) == "812.3 s after boot")
    }
}
