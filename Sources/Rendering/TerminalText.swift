import Diagnosis

/// Strings from a log or a file system are printed with terminal control characters escaped,
/// so a crafted `comm` or path cannot move the cursor, retitle the window or hide text; bidi
/// and line-separator characters too, so it cannot reorder or split the line it is printed on.
public enum TerminalText {
    public static func sanitize(_ s: String) -> String {
        // Most text is printable ASCII, which is left as it is.
        if s.allBytes({ $0 >= 0x20 && $0 < 0x7f }) { return s }
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
    /// line is wider than `width` unless a single word is. Colour escapes take no width; every
    /// other Unicode scalar takes one column.
    static func wrap(_ text: String, prefix: String, indent: String, width: Int) -> String {
        var out = ""
        wrap(text, prefix: prefix, indent: indent, width: width, into: &out)
        return out
    }

    /// `wrap`, appended to `out`: a report is built in one string rather than joined from
    /// pieces, which with thousands of findings costs more than the wrapping itself.
    static func wrap(_ text: String, prefix: String, indent: String, width: Int, into out: inout String) {
        let done: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            switch layout(bytes, width: width - visibleWidth(prefix)) {
            case .oneLine: out += prefix; out += text
            case .byWords: out += String(decoding: wrapBytes(bytes, prefix: prefix, indent: indent, width: width), as: UTF8.self)
            case .byCharacters: return false
            }
            return true
        }
        if done != true { out += wrapCharacters(text, prefix: prefix, indent: indent, width: width) }
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

    /// How `wrapCharacters` would treat a text, told from its UTF-8 bytes.
    private enum Layout {
        /// Words one space apart and narrow enough: the text follows the prefix unchanged.
        case oneLine
        /// Every space byte is a space character, so words can be found on the bytes.
        case byWords
        /// A space joins a neighbouring scalar in one character (a combining accent after it,
        /// a prepended mark before it): only a split into characters says where words end.
        case byCharacters
    }

    /// Which path wraps `text`; `room` is the width left after the prefix. A width counted on
    /// bytes is the scalar count `visibleWidth` gives: UTF-8 continuation bytes and escapes
    /// take no column.
    private static func layout(_ text: UnsafeBufferPointer<UInt8>, width room: Int) -> Layout {
        var columns = 0, inEscape = false, tidy = true
        for (i, byte) in text.enumerated() {
            if byte == 0x20 {
                if i == 0 || i == text.count - 1 || text[i - 1] == 0x20 { tidy = false }
                if !spaceStandsAlone(text, at: i) { return .byCharacters }
                // As in `wrapCharacters`, a space ends a word and an unfinished escape with it.
                columns += 1
                inEscape = false
            } else if inEscape {
                if byte == UInt8(ascii: "m") { inEscape = false }
            } else if byte == 0x1b {
                inEscape = true
            } else if byte & 0xc0 != 0x80 {
                columns += 1
            }
        }
        return tidy && columns <= room ? .oneLine : .byWords
    }

    /// Whether the space byte at `i` is a character of its own. Only a scalar beside it can
    /// join it, and only a non-ASCII one; such a pair is rare (" — " in a title), so it is
    /// decided by the standard library's grapheme breaking on those few bytes.
    private static func spaceStandsAlone(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        var start = i, end = i + 1
        if start > 0, text[start - 1] >= 0x80 {
            start -= 1
            while start > 0, text[start] & 0xc0 == 0x80 { start -= 1 }
        }
        if end < text.count, text[end] >= 0x80 {
            end += 1
            while end < text.count, text[end] & 0xc0 == 0x80 { end += 1 }
        }
        guard start < i || end > i + 1 else { return true }
        let around = String(decoding: UnsafeBufferPointer(rebasing: text[start..<end]), as: UTF8.self)
        return around.count == around.unicodeScalars.count
    }

    /// `wrap` on bytes, for text whose every space byte is a space character (see `Layout`).
    private static func wrapBytes(_ text: UnsafeBufferPointer<UInt8>, prefix: String, indent: String, width: Int) -> [UInt8] {
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
                } else if text[end] & 0xc0 != 0x80 {
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
        return out
    }

    /// Characters a terminal shows: ANSI SGR sequences (ESC [ … m) take no column. Counted
    /// on UTF-8, where each scalar has one lead byte and ESC and `m` are single bytes.
    static func visibleWidth<S: StringProtocol>(_ s: S) -> Int {
        var width = 0
        var inEscape = false
        for byte in s.utf8 {
            if inEscape {
                if byte == UInt8(ascii: "m") { inEscape = false }
            } else if byte == 0x1b {
                inEscape = true
            } else if byte & 0xc0 != 0x80 {
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
