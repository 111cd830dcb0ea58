/// Unsigned integers written in decimal straight into bytes, as `String(value)` writes them,
/// zero-padded to a minimum width where asked: event ids, pids, dates and call arguments are
/// written for every finding, and making each a String first costs several times its digits.
/// One writer for every byte buffer that needs them (`EventID.description`, the text report's
/// buffer, a call's rendering).
public enum DecimalDigits {
    /// How many digits `value` takes, and at least `minimum`.
    @inlinable
    public static func count(_ value: UInt64, minimum: Int = 1) -> Int {
        // Four digits a division: most numbers written (pids, dates, counts) have fewer.
        var length = 1
        var rest = value
        while rest >= 10_000 {
            rest /= 10_000
            length += 4
        }
        length += rest >= 1_000 ? 3 : rest >= 100 ? 2 : rest >= 10 ? 1 : 0
        return max(length, minimum)
    }

    /// Writes the digits at `out`, which has room for `count(value, minimum:)` bytes, and
    /// returns how many there are.
    @inlinable @discardableResult
    public static func write(_ value: UInt64, minimum: Int = 1, to out: UnsafeMutablePointer<UInt8>) -> Int {
        write(value, length: count(value, minimum: minimum), to: out)
    }

    /// `write(_:minimum:to:)` with the length `count(value, minimum:)` gave, for a writer that
    /// counted to make room.
    @inlinable @discardableResult
    public static func write(_ value: UInt64, length: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var rest = value
        var i = length
        // Two digits a division, then the last one or the padding zeros.
        while rest >= 10 {
            let pair = UInt8(truncatingIfNeeded: rest % 100)
            rest /= 100
            i -= 2
            out[i] = UInt8(ascii: "0") + pair / 10
            out[i + 1] = UInt8(ascii: "0") + pair % 10
        }
        while i > 0 {
            i -= 1
            out[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest)
            rest = 0
        }
        return length
    }
}
