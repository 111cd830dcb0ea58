import Testing
@testable import Rendering

@Suite struct RenderingTests {
    @Test func controlCharactersAreEscaped() {
        #expect(TerminalText.sanitize("a\u{1b}[2Jb") == "a\\x1b[2Jb")
        #expect(TerminalText.sanitize("tab\there\u{7f}\u{9b}") == "tab\\x09here\\x7f\\x9b")
        #expect(TerminalText.sanitize("/usr/bin/ok é") == "/usr/bin/ok é")
        #expect(TerminalText.sanitize("plain ~ ASCII") == "plain ~ ASCII")
        #expect(TerminalText.sanitize("\u{7f}\u{0}\u{1f}") == "\\x7f\\x00\\x1f")
    }

    @Test func jsonEscapesAndKeepsKeyOrder() {
        let j = JSON.object([("z", .string("a\"b\\c\n\u{1}")), ("a", .array([.int(1), .bool(false), .null]))])
        #expect(j.serialized() == #"{"z":"a\"b\\c\n\u0001","a":[1,false,null]}"#)
    }

    /// ASCII text is wrapped on its bytes: the same lines as word by word as characters,
    /// with runs of spaces, colour escapes and words wider than the line.
    @Test func wrapOnBytesIsWrapOnCharacters() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", "bb", "cccc", " ", "  ", "\u{1b}[1m", "\u{1b}[0m", "averyveryverylongword", "-", "x\u{1b}[31my"]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let width = Int.random(in: 1...20, using: &rng)
            let prefix = ["", "> ", "  - ", "\u{1b}[2m•\u{1b}[0m "].randomElement(using: &rng)!
            #expect(TerminalText.wrap(text, prefix: prefix, indent: "    ", width: width)
                    == TerminalText.wrapCharacters(text, prefix: prefix, indent: "    ", width: width), "\(text.debugDescription) at \(width)")
        }
        // Not ASCII: read as characters (a space and a combining accent are one character).
        #expect(TerminalText.wrap("a \u{301}b c", prefix: "", indent: "", width: 3) == "a \u{301}b\nc")
    }

    @Test func wrapKeepsWordsWhole() {
        #expect(TerminalText.wrap("aaa bbb ccc", prefix: "> ", indent: "  ", width: 9) == "> aaa bbb\n  ccc")
        #expect(TerminalText.wrap("", prefix: "> ", indent: "  ", width: 9) == "> ")
    }
}
