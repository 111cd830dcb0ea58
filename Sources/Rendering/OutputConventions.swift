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
    /// locale's character set is (LC_ALL, LC_CTYPE, LANG, as setlocale reads them).
    public static func detect(forDescriptor fd: Int32) -> OutputConventions {
        var size = winsize()
        var width = 80
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            width = Int(size.ws_col)
        } else if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 0 {
            width = columns
        }
        setlocale(LC_CTYPE, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET))).lowercased()
        return OutputConventions(width: width, unicode: codeset == "utf-8" || codeset == "utf8")
    }

    static let asciiStandIns: [Character: String] = ["—": "-", "–": "-", "→": "->", "…": "...", "≥": ">=", "×": "x"]

    /// `text` as this output can show it: unchanged in a UTF-8 locale, with ASCII stand-ins for
    /// the prose's typographic characters otherwise (other characters, from logs, are left alone).
    public func shown(_ text: String) -> String {
        guard !unicode, text.contains(where: { Self.asciiStandIns[$0] != nil }) else { return text }
        var out = ""
        for c in text { out += Self.asciiStandIns[c] ?? String(c) }
        return out
    }
}
