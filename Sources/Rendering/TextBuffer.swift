import AuditInput
import Diagnosis

/// Text built as UTF-8 bytes and made a String once. A finding's block is put together from
/// some 170 pieces, and appending a piece to a String cost about four times as many
/// instructions as copying its bytes (Swift 6.3: ~340 against ~85).
///
/// The bytes are kept in storage of its own rather than an array: an array's append checks
/// that its storage is not shared and goes through the generic copy of a sequence, which for
/// pieces of a few bytes cost more than the copy. Not copyable, so that the storage has one
/// owner and is freed with it.
struct TextBuffer: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    /// Room for `more` bytes past `count`.
    private mutating func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count + more, capacity * 2))
        grown.initialize(from: start, count: count)
        start.deallocate()
        start = grown
        capacity = max(count + more, capacity * 2)
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress else { return }
        reserve(bytes.count)
        (start + count).initialize(from: from, count: bytes.count)
        count += bytes.count
    }

    static func += (buffer: inout TextBuffer, text: String) {
        // From the bytes in place where the string has them (native and small strings do).
        if text.utf8.withContiguousStorageIfAvailable({ buffer.append($0) }) == nil {
            Array(text.utf8).withUnsafeBufferPointer { buffer.append($0) }
        }
    }

    /// One ASCII byte: a separator written between numbers (a date has six).
    mutating func append(ascii byte: UInt8) {
        reserve(1)
        start[count] = byte
        count += 1
    }

    static func += (buffer: inout TextBuffer, other: borrowing TextBuffer) { other.withBytes { buffer.append($0) } }

    /// `value` in decimal, zero-padded to at least `digits` digits. Written digit by digit in
    /// place: the text report writes a dozen numbers for every finding (pids, dates and times),
    /// and making each a String of its own first costs several times more than its digits.
    mutating func append(decimal value: some BinaryInteger, digits: Int = 1) {
        let magnitude = UInt64(value.magnitude)
        let length = DecimalDigits.count(magnitude, minimum: digits)
        reserve(length + 1)
        if value < 0 {
            start[count] = UInt8(ascii: "-")
            count += 1
        }
        count += DecimalDigits.write(magnitude, length: length, to: start + count)
    }

    /// The last byte written; nil when nothing was.
    var last: UInt8? { count > 0 ? start[count - 1] : nil }

    /// The bytes written so far, in place.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { body(UnsafeBufferPointer(start: start, count: count)) }

    /// Whether a newline was written from `mark` on.
    func hasNewline(from mark: Int) -> Bool { withBytes { $0[mark...].contains(UInt8(ascii: "\n")) } }

    /// Forgets what was written from `mark` on.
    mutating func truncate(to mark: Int) { count = mark }

    /// The text. Every piece is whole UTF-8 (a String, or a slice of one cut at a space byte),
    /// so decoding repairs nothing.
    var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }
}
