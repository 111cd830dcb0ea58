import Diagnosis

/// Text built as UTF-8 bytes and made a String once. A finding's block is put together from
/// some 170 pieces, and appending a piece to a String cost about four times as many
/// instructions as copying its bytes into an array (Swift 6.3: ~340 against ~85).
struct TextBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }

    static func += (buffer: inout TextBuffer, text: String) { buffer.bytes.append(utf8Of: text) }

    static func += (buffer: inout TextBuffer, other: TextBuffer) { buffer.bytes.append(contentsOf: other.bytes) }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes.append(contentsOf: bytes) }

    /// `value` in decimal, zero-padded to at least `digits` digits. Written digit by digit in
    /// place: the text report writes a dozen numbers for every finding (pids, dates and times),
    /// and making each a String of its own first costs several times more than its digits.
    mutating func append(decimal value: some BinaryInteger, digits: Int = 1) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(value.magnitude)
        var count = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        let end = bytes.count + max(count, digits)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: end - bytes.count))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var i = end
            while magnitude > 0 {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
        }
    }

    /// The bytes written so far, in place.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { bytes.withUnsafeBufferPointer(body) }

    /// Whether a newline was written from `mark` on.
    func hasNewline(from mark: Int) -> Bool { bytes[mark...].contains(UInt8(ascii: "\n")) }

    /// Forgets what was written from `mark` on.
    mutating func truncate(to mark: Int) { bytes.removeSubrange(mark...) }

    /// The text. Every piece is whole UTF-8 (a String, or a slice of one cut at a space byte),
    /// so decoding repairs nothing.
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
