#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How text fits where it is printed: the line width, and whether the typographic characters
/// the prose uses (—, →, …, ≥) can be shown or need ASCII stand-ins.
public struct OutputConventions: Sendable, Equatable {
    public var width: Int
    public var unicode: Bool

    /// Narrower than this, wrapping makes every line a word: the floor holds for tiny terminals.
    static let minimumWidth = 40

    public init(width: Int = 80, unicode: Bool = true) {
        self.width = max(width, Self.minimumWidth)
        self.unicode = unicode
    }

    /// The terminal's width when `fd` is one (TIOCGWINSZ), else COLUMNS, else 80; UTF-8 when the
    /// locale in force names UTF-8.
    public static func detect(forDescriptor fd: Int32) -> OutputConventions {
        var size = winsize()
        var width = 80
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            width = Int(size.ws_col)
        } else if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 0 {
            width = columns
        }
        return OutputConventions(width: width, unicode: localeIsUTF8())
    }

    /// Whether the locale in force names UTF-8: LC_ALL, else LC_CTYPE, else LANG, as setlocale
    /// would pick. Read from the environment rather than through setlocale, whose answer depends
    /// on the host's locale files (a static build in a bare root finds none, and would fall back
    /// to ASCII where the same settings give UTF-8 elsewhere).
    static func localeIsUTF8() -> Bool {
        let variables: [String] = ["LC_ALL", "LC_CTYPE", "LANG"]
        let name = variables.lazy.compactMap { getenv($0).map { String(cString: $0) } }.first { !$0.isEmpty } ?? ""
        let lowered = name.lowercased()
        return lowered.contains("utf-8") || lowered.contains("utf8")
    }

    static let asciiStandIns: [Character: String] = ["—": "-", "–": "-", "→": "->", "…": "...", "≥": ">=", "×": "x"]

    /// `shown` of the UTF-8 text `bytes`, handed to `write`: as they are in a UTF-8 locale or
    /// when they are ASCII (a report's bytes are not made a String for nothing).
    public func shown(bytes: UnsafeBufferPointer<UInt8>, to write: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !unicode, !PrintableASCII.isASCII(bytes) else { return write(bytes) }
        var text = shown(String(decoding: bytes, as: UTF8.self))
        text.withUTF8(write)
    }

    /// `text` as this output can show it: unchanged in a UTF-8 locale, with ASCII stand-ins for
    /// the prose's typographic characters otherwise (other characters, from logs, are left alone).
    ///
    /// The stand-ins replace whole characters. All of them are single non-ASCII scalars, so
    /// the text is walked by scalar (ASCII text not at all), and a scalar found in the table is
    /// replaced when it is a character of its own (not "—" with a combining accent): walking a
    /// long report character by character costs more than rendering it.
    public func shown(_ text: String) -> String {
        guard !unicode, !text.allBytes({ $0 < 0x80 }) else { return text }
        let scalars = text.unicodeScalars
        var out = ""
        var copied = scalars.startIndex
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let next = scalars.index(after: i)
            if scalars[i].value >= 0x80, let standIn = Self.asciiStandIns[Character(scalars[i])],
               i.samePosition(in: text) != nil, next.samePosition(in: text) != nil {
                out += text[copied..<i]
                out += standIn
                copied = next
            }
            i = next
        }
        out += text[copied...]
        return out
    }
}
