/// Tests of UTF-8 bytes for printable ASCII (space to tilde), eight bytes at a time: every
/// value printed is tested (`TerminalText.sanitize`) and every row wrapped (`wrap`), and for
/// most text a test byte by byte cost more than the rest of either.
///
/// Each byte's test ends in its high bit. While no byte is past 0x7f, a byte plus 0x60 stays
/// below 0x80 only if it is a control byte, plus 0x01 reaches 0x80 only if it is DEL, and a
/// byte xor 0x20 plus 0x7f stays below 0x80 only if it was a space; no sum carries into the
/// next byte.
enum PrintableASCII {
    private static var ones: UInt64 { 0x0101_0101_0101_0101 }
    private static var high: UInt64 { ones &* 0x80 }

    private static func word(_ bytes: UnsafeRawBufferPointer, at i: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
    }

    /// Whether each of the word's bytes is printable.
    private static func isPrintable(_ word: UInt64) -> Bool { (word | ~(word &+ ones &* 0x60) | (word &+ ones)) & high == 0 }

    /// The high bit of each space of a printable word.
    private static func spaces(_ word: UInt64) -> UInt64 { ~((word ^ ones &* 0x20) &+ ones &* 0x7f) & high }

    static func isPrintable(_ byte: UInt8) -> Bool { byte &- 0x20 <= 0x5e }

    static func isPrintable(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let bytes = UnsafeRawBufferPointer(text)
        var i = 0
        while i + 8 <= bytes.count {
            if !isPrintable(word(bytes, at: i)) { return false }
            i += 8
        }
        return text[i...].allSatisfy(isPrintable)
    }

    /// Whether every byte of `text` is ASCII (below 0x80).
    static func isASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let bytes = UnsafeRawBufferPointer(text)
        var i = 0
        while i + 8 <= bytes.count {
            if word(bytes, at: i) & high != 0 { return false }
            i += 8
        }
        return text[i...].allSatisfy { $0 < 0x80 }
    }

    /// Whether `text` is printable words one space apart, with no space at either end (most
    /// text): then every byte takes a column and every space is a place to break a line.
    static func isPlainWords(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = text.first, let last = text.last else { return true }
        guard first != 0x20, last != 0x20 else { return false }
        let bytes = UnsafeRawBufferPointer(text)
        var i = 0
        // The flag of a space ending the previous word, where a space starting this one has it.
        var spaceBefore: UInt64 = 0
        while i + 8 <= bytes.count {
            let word = word(bytes, at: i)
            guard isPrintable(word) else { return false }
            let spaces = spaces(word)
            if spaces & (spaces << 8 | spaceBefore) != 0 { return false }
            spaceBefore = spaces >> 56
            i += 8
        }
        var previous = i > 0 ? text[i - 1] : 0
        for byte in text[i...] {
            if !isPrintable(byte) || (byte == 0x20 && previous == 0x20) { return false }
            previous = byte
        }
        return true
    }
}
