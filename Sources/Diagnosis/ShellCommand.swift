/// A command line printed for people to paste, built from its argv so that a value read from a
/// log or a file system always stays one word and never becomes shell syntax: a path like
/// `/opt/lib/libx.so;curl${IFS}…|sh;#` must reach the command as a file name.
///
/// Quoting rule (POSIX `sh`): a word made only of `A-Z a-z 0-9 _ . / : @ % + , = -` is printed
/// bare, so ordinary output stays readable; any other word, an empty one, and a value from a log
/// that starts with `-` are put in single quotes, an inner `'` written `'\''`. A path that starts
/// with `-` is printed as `./-…`, so the command cannot read it as an option.
///
/// A value holding a control character, or a character that reorders or breaks a terminal line
/// (`Unicode.Scalar.isControlOrBidi`), cannot be shown so that what people see is what the shell
/// gets: the command is then replaced by a shell comment saying why (`# command omitted: …`),
/// which is harmless to paste.
public struct ShellCommand: Sendable, Equatable {
    public enum Word: Sendable, Equatable, ExpressibleByStringLiteral {
        /// The tool's own text: a command name, an option, a pattern (a string literal).
        case literal(String)
        /// A value read from a log or a file system, such as a program name.
        case value(String)
        /// A file argument read from a log or a file system.
        case path(String)
        /// `$(command)`: the command's output, split into words.
        case output(ShellCommand)

        public init(stringLiteral text: String) { self = .literal(text) }
    }

    /// Pipeline stages, each a command name followed by its arguments.
    public private(set) var stages: [[Word]]

    public init(_ words: [Word]) { stages = [words] }

    /// This command's output piped into `next`.
    public func piped(into next: ShellCommand) -> ShellCommand {
        var c = self
        c.stages += next.stages
        return c
    }

    /// The line to paste, or nil when a value cannot be shown safely (see `omission`).
    public var line: String? {
        guard omission == nil else { return nil }
        var out: [UInt8] = []
        // Room for the words and what goes between them, made once rather than grown by doubling.
        out.reserveCapacity(Self.length(stages))
        append(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The line, appended word by word to one buffer of bytes: commands are rendered for every
    /// finding, and appending each word to a String cost several times more than its bytes.
    private func append(to out: inout [UInt8]) {
        for (i, stage) in stages.enumerated() {
            if i > 0 { out += " | ".utf8 }
            for (j, word) in stage.enumerated() {
                if j > 0 { out.append(UInt8(ascii: " ")) }
                switch word {
                case .literal(let s): out.append(utf8Of: Self.quoted(s))
                case .value(let s): out.append(utf8Of: Self.startsWithDash(s) ? Self.singleQuoted(s) : Self.quoted(s))
                case .path(let s): out.append(utf8Of: Self.quotedPath(s))
                case .output(let inner):
                    out += "$(".utf8
                    inner.append(to: &out)
                    out.append(UInt8(ascii: ")"))
                }
            }
        }
    }

    /// The bytes of the words and the separators between them, quotes aside.
    private static func length(_ stages: [[Word]]) -> Int {
        var n = 0
        for stage in stages {
            n += 3
            for word in stage {
                switch word {
                case .literal(let s), .value(let s), .path(let s): n += s.utf8.count + 3
                case .output(let inner): n += length(inner.stages) + 3
                }
            }
        }
        return n
    }

    /// Why the command is not shown, naming the kind of value but never the value.
    public var omission: String? {
        for word in stages.joined() {
            switch word {
            case .literal(let s) where !Self.canShow(s), .value(let s) where !Self.canShow(s):
                return "an argument holds a control or bidirectional-text character"
            case .path(let s) where !Self.canShow(s):
                return "the path holds a control or bidirectional-text character"
            case .output(let inner):
                if let why = inner.omission { return why }
            default:
                continue
            }
        }
        return nil
    }

    /// The line, or a comment in its place: what lists of commands hold.
    public var rendered: String { line ?? "# command omitted: " + (omission ?? "") }

    /// The line, or why there is none, for a command quoted inside a sentence.
    public var inProse: String { line ?? "(command omitted: " + (omission ?? "") + ")" }

    /// `s.hasPrefix("-")`, told by the first byte where that settles it: most words start
    /// otherwise, and the comparison by characters costs more than the quoting.
    private static func startsWithDash(_ s: String) -> Bool {
        s.utf8.first == UInt8(ascii: "-") && s.hasPrefix("-")
    }

    /// Whether a word shows on a terminal as the shell reads it; printable ASCII, most words,
    /// is told by its bytes.
    private static func canShow(_ s: String) -> Bool {
        s.allBytes { $0 >= 0x20 && $0 < 0x7f } || !s.unicodeScalars.contains(where: \.isControlOrBidi)
    }

    /// A file argument as the line writes it, or nil when it cannot be shown (the command is
    /// then omitted, see `omission`): for a caller that puts one path into several commands.
    static func pathWord(_ s: String) -> String? {
        canShow(s) ? quotedPath(s) : nil
    }

    private static func quotedPath(_ s: String) -> String {
        quoted(startsWithDash(s) ? "./" + s : s)
    }

    /// `s` as one POSIX shell word: bare when that is safe.
    static func quoted(_ s: String) -> String {
        !s.isEmpty && allBare(s) ? s : singleQuoted(s)
    }

    static func singleQuoted(_ s: String) -> String {
        // Most words hold no quote, and `replacing` costs as much to find none as to replace.
        guard s.utf8.contains(UInt8(ascii: "'")) else { return "'" + s + "'" }
        return "'" + s.replacing("'", with: #"'\''"#) + "'"
    }

    /// Whether every byte of `s` is bare, tested in a loop of its own rather than through
    /// `allBytes`' closure: every word of every command of every finding is tested.
    private static func allBare(_ s: String) -> Bool {
        s.utf8.withContiguousStorageIfAvailable { bytes in
            for byte in bytes where !isBare(byte) { return false }
            return true
        } ?? s.utf8.allSatisfy(isBare)
    }

    private static func isBare(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "@"),
             UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}

extension Unicode.Scalar {
    /// C0 and C1 controls and DEL, and the characters that reorder or break a line on a
    /// terminal (bidi embeddings, overrides, isolates and marks; line and paragraph separators):
    /// what must be escaped before a string from a log is shown.
    public var isControlOrBidi: Bool {
        switch value {
        case 0x00...0x1f, 0x7f...0x9f: return true
        case 0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a...0x202e, 0x2066...0x2069: return true
        default: return false
        }
    }
}
