import Diagnosis

/// Strings from a log or a file system are printed with terminal control characters escaped,
/// so a crafted `comm` or path cannot move the cursor, retitle the window or hide text; bidi
/// and line-separator characters too, so it cannot reorder or split the line it is printed on.
public enum TerminalText {
    public static func sanitize(_ s: String) -> String {
        // Most text is printable ASCII, which is left as it is.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return s }
        var out = ""
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if scalar.isControlOrBidi {
                let hex = String(v, radix: 16, uppercase: false)
                out += v <= 0xff ? "\\x" + (hex.count == 1 ? "0" : "") + hex : "\\u{\(hex)}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Greedy word wrap: the first line starts with `prefix`, the rest with `indent`, and no
    /// line is wider than `width` unless a single word is. Colour escapes take no width.
    static func wrap(_ text: String, prefix: String, indent: String, width: Int) -> String {
        if let ascii = text.utf8.withContiguousStorageIfAvailable({ wrapASCII($0, prefix: prefix, indent: indent, width: width) }),
           let wrapped = ascii {
            return wrapped
        }
        return wrapCharacters(text, prefix: prefix, indent: indent, width: width)
    }

    /// `wrap` of any text, word by word as characters.
    static func wrapCharacters(_ text: String, prefix: String, indent: String, width: Int) -> String {
        var lines: [String] = []
        var current = prefix
        var currentWidth = visibleWidth(prefix)
        var empty = true
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let wordWidth = visibleWidth(word)
            if !empty, currentWidth + 1 + wordWidth > width {
                lines.append(current)
                current = indent + word
                currentWidth = visibleWidth(indent) + wordWidth
            } else {
                current += (empty ? "" : " ") + word
                currentWidth += (empty ? 0 : 1) + wordWidth
            }
            empty = false
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }

    /// `wrap` of ASCII text, on its bytes: there a space byte is a space character and each
    /// byte a column (escapes aside). Nil for other text.
    private static func wrapASCII(_ text: UnsafeBufferPointer<UInt8>, prefix: String, indent: String, width: Int) -> String? {
        guard text.allSatisfy({ $0 < 0x80 }) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / max(width, 1) * (indent.utf8.count + 1) + prefix.utf8.count + 8)
        out += prefix.utf8
        var currentWidth = visibleWidth(prefix)
        let indentWidth = visibleWidth(indent)
        var empty = true
        var i = 0
        while i < text.count {
            if text[i] == 0x20 { i += 1; continue }
            var end = i, wordWidth = 0, inEscape = false
            while end < text.count, text[end] != 0x20 {
                if inEscape {
                    if text[end] == UInt8(ascii: "m") { inEscape = false }
                } else if text[end] == 0x1b {
                    inEscape = true
                } else {
                    wordWidth += 1
                }
                end += 1
            }
            if !empty, currentWidth + 1 + wordWidth > width {
                out.append(0x0a)
                out += indent.utf8
                currentWidth = indentWidth + wordWidth
            } else {
                if !empty { out.append(0x20) }
                currentWidth += (empty ? 0 : 1) + wordWidth
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[i..<end]))
            empty = false
            i = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Characters a terminal shows: ANSI SGR sequences (ESC [ … m) take no column.
    static func visibleWidth<S: StringProtocol>(_ s: S) -> Int {
        var width = 0
        var inEscape = false
        for scalar in s.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1b}" {
                inEscape = true
            } else {
                width += 1
            }
        }
        return width
    }
}

/// ANSI styles, applied only when the caller decided colour is wanted (a TTY, no NO_COLOR).
struct Style {
    let enabled: Bool
    func bold(_ s: String) -> String { enabled ? "\u{1b}[1m\(s)\u{1b}[0m" : s }
    func red(_ s: String) -> String { enabled ? "\u{1b}[31m\(s)\u{1b}[0m" : s }
    func yellow(_ s: String) -> String { enabled ? "\u{1b}[33m\(s)\u{1b}[0m" : s }
    func cyan(_ s: String) -> String { enabled ? "\u{1b}[36m\(s)\u{1b}[0m" : s }
    func dim(_ s: String) -> String { enabled ? "\u{1b}[2m\(s)\u{1b}[0m" : s }
}
