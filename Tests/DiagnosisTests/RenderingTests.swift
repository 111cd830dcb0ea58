import Testing
@testable import Rendering

@Suite struct RenderingTests {
    @Test func controlCharactersAreEscaped() {
        #expect(TerminalText.sanitize("a\u{1b}[2Jb") == "a\\x1b[2Jb")
        #expect(TerminalText.sanitize("tab\there\u{7f}\u{9b}") == "tab\\x09here\\x7f\\x9b")
        #expect(TerminalText.sanitize("/usr/bin/ok é") == "/usr/bin/ok é")
    }

    @Test func jsonEscapesAndKeepsKeyOrder() {
        let j = JSON.object([("z", .string("a\"b\\c\n\u{1}")), ("a", .array([.int(1), .bool(false), .null]))])
        #expect(j.serialized() == #"{"z":"a\"b\\c\n\u0001","a":[1,false,null]}"#)
    }

    @Test func wrapKeepsWordsWhole() {
        #expect(TerminalText.wrap("aaa bbb ccc", prefix: "> ", indent: "  ", width: 9) == "> aaa bbb\n  ccc")
        #expect(TerminalText.wrap("", prefix: "> ", indent: "  ", width: 9) == "> ")
    }
}
