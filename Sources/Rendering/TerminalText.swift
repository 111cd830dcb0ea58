import Diagnosis

/// Strings from a log or a file system are printed with terminal control characters escaped,
/// so a crafted `comm` or path cannot move the cursor, retitle the window or hide text; bidi
/// and line-separator characters too, so it cannot reorder or split the line it is printed on.
public enum TerminalText {
    public static func sanitize(_ s: String) -> String {
        // Most text is printable ASCII, which is left as it is.
        var bytes = s
        if bytes.withUTF8(PrintableASCII.isPrintable) { return s }
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
        var out = TextBuffer()
        wrap(text, prefix: prefix, indent: indent, width: width, into: &out)
        return out.text
    }

    /// `wrap`, appended to `out`: a report is built in one buffer rather than joined from
    /// pieces, which with thousands of findings costs more than the wrapping itself.
    static func wrap(_ text: String, prefix: String, indent: String, width: Int, into out: inout TextBuffer) {
        var text = text
        text.withUTF8 { wrap(bytes: $0, prefix: prefix, indent: indent, width: width, into: &out) }
    }

    /// `wrap` of the UTF-8 text `bytes`, appended to `out`.
    static func wrap(bytes: UnsafeBufferPointer<UInt8>, prefix: String, indent: String, width: Int, into out: inout TextBuffer) {
        if PrintableASCII.isPlainWords(bytes) { return wrapPlainWords(bytes, prefix: prefix, indent: indent, width: width, into: &out) }
        if wrapSpacedWords(bytes, prefix: prefix, indent: indent, width: width, into: &out) { return }
        let mark = out.count
        if !wrapBytes(bytes, prefix: prefix, indent: indent, width: width, into: &out) {
            // Only a space joined to a neighbouring scalar gets here: what the byte walk wrote goes.
            out.truncate(to: mark)
            out += wrapCharacters(String(decoding: bytes, as: UTF8.self), prefix: prefix, indent: indent, width: width)
        }
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
        // The prose's own punctuation beside a space (the " — " of every block's title) is
        // told without the grapheme breaking, which costs more than the rest of the wrap.
        if (start == i || isLoneMark(text, start..<i)), (end == i + 1 || isLoneMark(text, (i + 1)..<end)) { return true }
        let around = String(decoding: UnsafeBufferPointer(rebasing: text[start..<end]), as: UTF8.self)
        return around.count == around.unicodeScalars.count
    }

    /// The UTF-8 of the typographic characters the prose uses (— – → … ≥ ×, those with ASCII
    /// stand-ins). None joins a space into one character: a scalar does that only as an
    /// extending or spacing mark or a zero-width joiner after the space, or a prepended mark
    /// before it.
    private static let loneMarks: [[UInt8]] = OutputConventions.asciiStandIns.keys.map { Array(String($0).utf8) }

    /// Whether the bytes `range` of `text` are one of `loneMarks`.
    private static func isLoneMark(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        loneMarks.contains { $0.count == range.count && $0.elementsEqual(text[range]) }
    }

    /// `wrap` on the bytes of `text`, appended to `out`, in one walk: words are found at space
    /// bytes, which is right while every space byte is a space character; false (with `out`
    /// partly written) at the first that is not, which only a walk by characters can wrap.
    ///
    /// The text is copied in runs, not word by word: the words of a line that stand one space
    /// apart in `text` as they do in the output are one slice of it, so a paragraph that fits
    /// on its line (most rows) is copied whole.
    private static func wrapBytes(_ text: UnsafeBufferPointer<UInt8>, prefix: String, indent: String, width: Int,
                                  into out: inout TextBuffer) -> Bool {
        func append(_ range: Range<Int>) { out.append(UnsafeBufferPointer(rebasing: text[range])) }
        out += prefix
        var currentWidth = visibleWidth(prefix)
        // Measured at the first line break: most texts have none.
        var indentWidth: Int?
        var empty = true
        // The slice of `text` not yet appended: the words of the current line since the last break.
        var run = 0..<0
        var i = 0
        while i < text.count {
            if text[i] == 0x20 {
                if !spaceStandsAlone(text, at: i) { return false }
                i += 1
                continue
            }
            var end = i, wordWidth = 0, inEscape = false
            while end < text.count, text[end] != 0x20 {
                // Printable ASCII outside an escape, most bytes, takes a column: tested first.
                if !inEscape, text[end] > 0x20, text[end] < 0x80 {
                    wordWidth &+= 1
                    end &+= 1
                    continue
                }
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
                append(run)
                out += "\n"
                out += indent
                run = i..<end
                if indentWidth == nil { indentWidth = visibleWidth(indent) }
                currentWidth = indentWidth! + wordWidth
            } else {
                if empty {
                    run = i..<end
                } else if run.upperBound + 1 == i {
                    run = run.lowerBound..<end
                } else {
                    append(run)
                    out += " "
                    run = i..<end
                }
                currentWidth += (empty ? 0 : 1) + wordWidth
            }
            empty = false
            i = end
        }
        append(run)
        return true
    }

    /// `wrap` on plain words (`PrintableASCII.isPlainWords`), appended to `out`: a line ends
    /// at the last space that leaves it no wider than `width`, found by looking back from
    /// there, so only the bytes around line ends are read, not each word measured.
    private static func wrapPlainWords(_ text: UnsafeBufferPointer<UInt8>, prefix: String, indent: String, width: Int,
                                       into out: inout TextBuffer) {
        out += prefix
        // The columns left on the line for the text from `start` on. Most text fits on its
        // first line, which is told without measuring the prefix: it is no wider than its bytes.
        var room = prefix.utf8.count + text.count <= width ? text.count : width - visibleWidth(prefix)
        var start = 0
        while text.count - start > room {
            var end = start + room
            while end > start, text[end] != 0x20 { end -= 1 }
            if end <= start {
                // The first word is wider than the line: it has the line to itself.
                end = start
                while end < text.count, text[end] != 0x20 { end += 1 }
                if end == text.count { break }
            }
            out.append(UnsafeBufferPointer(rebasing: text[start..<end]))
            out += "\n"
            out += indent
            start = end + 1
            room = width - visibleWidth(indent)
        }
        out.append(UnsafeBufferPointer(rebasing: text[start...]))
    }

    /// `wrap` of printable ASCII with runs of spaces or spaces at its ends (a row of columns:
    /// "…:s0   class process"), as the plain words it is made of, one space apart; false, with
    /// nothing written, for other text.
    private static func wrapSpacedWords(_ text: UnsafeBufferPointer<UInt8>, prefix: String, indent: String, width: Int,
                                        into out: inout TextBuffer) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.count) { words in
            var count = 0
            for byte in text {
                guard PrintableASCII.isPrintable(byte) else { return false }
                if byte != 0x20 || (count > 0 && words[count - 1] != 0x20) {
                    words[count] = byte
                    count += 1
                }
            }
            if count > 0, words[count - 1] == 0x20 { count -= 1 }
            wrapPlainWords(UnsafeBufferPointer(rebasing: words[..<count]), prefix: prefix, indent: indent, width: width, into: &out)
            return true
        }
    }

    /// Characters a terminal shows: ANSI SGR sequences (ESC [ … m) take no column. Counted
    /// on UTF-8, where each scalar has one lead byte and ESC and `m` are single bytes.
    static func visibleWidth<S: StringProtocol>(_ s: S) -> Int {
        // On the bytes in place where they are contiguous (native strings): iterating a
        // string's UTF-8 view byte by byte costs more than the counting.
        if let width = s.utf8.withContiguousStorageIfAvailable({ visibleWidth(bytes: $0) }) { return width }
        return visibleWidth(bytes: s.utf8)
    }

    private static func visibleWidth<C: Collection<UInt8>>(bytes: C) -> Int {
        var width = 0
        var inEscape = false
        for byte in bytes {
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

    /// The escapes that start each style; `reset` ends any.
    enum Code: String {
        case bold = "\u{1b}[1m", red = "\u{1b}[31m", yellow = "\u{1b}[33m", cyan = "\u{1b}[36m", dim = "\u{1b}[2m"
        static let reset = "\u{1b}[0m"
    }

    func bold(_ s: String) -> String { styled(s, .bold) }
    func red(_ s: String) -> String { styled(s, .red) }
    func yellow(_ s: String) -> String { styled(s, .yellow) }
    func cyan(_ s: String) -> String { styled(s, .cyan) }
    func dim(_ s: String) -> String { styled(s, .dim) }

    private func styled(_ s: String, _ code: Code) -> String { enabled ? code.rawValue + s + Code.reset : s }

    /// `text` appended to `out` in the style `code`: a block's title and outcome are so written
    /// with no String made of them.
    func append(_ text: String, _ code: Code, to out: inout TextBuffer) {
        start(code, in: &out)
        out += text
        end(in: &out)
    }

    /// The style `code` started in `out`, up to `end(in:)`.
    func start(_ code: Code, in out: inout TextBuffer) { if enabled { out += code.rawValue } }

    func end(in out: inout TextBuffer) { if enabled { out += Code.reset } }
}
