#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Lines that no input form can read, told apart in a few byte comparisons: most of a
/// `journalctl -b` dump or of a binary file. `LineForms` reads a line as a record, a loader
/// message, setroubleshoot's words or a wrapped rest of a record only if it holds one of a few
/// words (`type=`, `audit(`, `audit[`, `avc:`, `cannot enable`, `cannot restore`, `SELinux`) or
/// starts in a way one of its forms starts; a line with neither, which does not follow a
/// record, is "not an audit record" without being decoded. The test is conservative: a line it does not call plain goes
/// through `LineForms.classify` in full, which may still find nothing in it.
enum PlainLine {
    /// Not plain whatever the line before it: no form-starting prefix, no anchor word, and
    /// something in it that survives the quoting, backticks and escapes a paste may add (so it is
    /// not an empty line either).
    static func isPlain(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let base = line.baseAddress else { return false }
        return startsPlainly(line) && FormAnchors.first(in: base, from: 0, to: line.count) == nil
    }

    /// The line's start, past what `LineForms` strips (blanks, `>` and `//` quoting, backticks,
    /// Markdown's backslashes, HTML entities, which may stand for a blank), starts no form: no
    /// `----`, `time->`, `NODE,`, `At`, `Raw`, `Hash:`, no journal JSON (`{"`), no journal
    /// message's record type (`AVC avc: …`).
    static func startsPlainly(_ line: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while true {
            while i < line.count, stripped(line[i]) { i += 1 }
            guard i < line.count else { return false }
            guard line[i] == UInt8(ascii: "&") else { break }
            guard let semicolon = line[i..<min(line.count, i + 10)].firstIndex(of: UInt8(ascii: ";")) else { return true }
            i = semicolon + 1
        }
        for prefix: StaticString in ["----", "time-", "NODE,", "At", "Raw", "Hash:"] where CanonicalHeader.starts(line, i, prefix) { return false }
        let c = line[i]
        if c == UInt8(ascii: "{") {   // a JSON object's first key is quoted (`"`, or `&quot;`)
            var k = i + 1
            while k < line.count, line[k] == UInt8(ascii: " ") || line[k] == UInt8(ascii: "\t") { k += 1 }
            return k == line.count || (line[k] != UInt8(ascii: "\"") && line[k] != UInt8(ascii: "&"))
        }
        guard c >= UInt8(ascii: "A"), c <= UInt8(ascii: "Z") else { return true }
        var j = i
        while j < line.count, (line[j] >= UInt8(ascii: "A") && line[j] <= UInt8(ascii: "Z")) || line[j] == UInt8(ascii: "_") || line[j] == UInt8(ascii: "\\") { j += 1 }
        guard j < line.count, line[j] == UInt8(ascii: " ") || line[j] == UInt8(ascii: "&") else { return true }
        let word = UnsafeRawBufferPointer(rebasing: line[i..<j])
        return !word.contains(UInt8(ascii: "\\")) && !StampForms.messageTypes.contains(Substring(String(decoding: word, as: UTF8.self)))
    }

    private static func stripped(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: ">") || c == UInt8(ascii: "/") || c == UInt8(ascii: "`") || c == UInt8(ascii: "\\")
    }
}

/// Finds the anchor words of `PlainLine` in one pass over many lines (Wu–Manber: the two bytes
/// at the end of a four-byte window say how far the window may jump, three bytes in ordinary
/// text), so a region is searched once rather than once per word and line.
enum FormAnchors {
    /// The first four bytes of each anchor, which the window holds when it stops.
    private static let prefixes: [StaticString] = ["type", "audi", "avc:", "cann", "SELi"]

    /// How far the window may move when its last two bytes are these (the index is the pair).
    private static let shifts: [UInt8] = {
        var table = [UInt8](repeating: 3, count: 1 << 16)
        for prefix in prefixes {
            let p = prefix.utf8Start
            for j in 0..<3 {
                let pair = Int(p[j]) << 8 | Int(p[j + 1])
                table[pair] = min(table[pair], UInt8(2 - j))
            }
        }
        return table
    }()

    /// The offset of the first anchor word wholly inside `from..<to`, nil if there is none.
    static func first(in base: UnsafeRawPointer, from: Int, to: Int) -> Int? {
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        return shifts.withUnsafeBufferPointer { shift in
            var end = from + 3
            while end < to {
                let step = shift[Int(bytes[end - 1]) << 8 | Int(bytes[end])]
                if step != 0 { end += Int(step); continue }
                if isAnchor(bytes, at: end - 3, to: to) { return end - 3 }
                end += 1
            }
            return nil
        }
    }

    /// `type=`, `audit(`, `audit[`, `audit\` (a Markdown-escaped `[`), `avc:`, `cannot enable`,
    /// `cannot restore`, `SELinux`.
    private static func isAnchor(_ b: UnsafePointer<UInt8>, at i: Int, to: Int) -> Bool {
        func has(_ text: StaticString) -> Bool {
            i + text.utf8CodeUnitCount <= to && memcmp(b + i, text.utf8Start, text.utf8CodeUnitCount) == 0
        }
        if has("type=") || has("avc:") || has("SELinux") { return true }
        // The loader's `cannot enable executable stack` and `cannot restore segment prot`, the
        // space perhaps written as `&nbsp;`.
        if has("cannot") { return i + 6 < to && b[i + 6] == UInt8(ascii: "&") || has("cannot enable") || has("cannot restore") }
        guard has("audit"), i + 5 < to else { return false }
        let next = b[i + 5]
        return next == UInt8(ascii: "(") || next == UInt8(ascii: "[") || next == UInt8(ascii: "\\")
    }
}
