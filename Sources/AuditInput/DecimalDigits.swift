/// Unsigned integers written in decimal straight into bytes, as `String(value)` writes them,
/// zero-padded to a minimum width where asked: event ids, pids, dates and call arguments are
/// written for every finding, and making each a String first costs several times its digits.
/// One writer for every byte buffer that needs them (`EventID.description`, the text report's
/// buffer, a call's rendering).
public enum DecimalDigits {
    /// How many digits `value` takes, and at least `minimum`.
    @inlinable
    public static func count(_ value: UInt64, minimum: Int = 1) -> Int {
        var length = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            length += 1
        }
        return max(length, minimum)
    }

    /// Writes the digits at `out`, which has room for `count(value, minimum:)` bytes, and
    /// returns how many there are.
    @inlinable @discardableResult
    public static func write(_ value: UInt64, minimum: Int = 1, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let length = count(value, minimum: minimum)
        var rest = value
        for i in stride(from: length - 1, through: 0, by: -1) {
            out[i] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        return length
    }
}
