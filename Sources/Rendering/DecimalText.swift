/// Numbers written as ASCII digits straight into a string's storage: the text report writes a
/// dozen numbers for every finding (pids, dates and times), and appending each as a String of
/// its own costs several times more than its digits.
enum DecimalText {
    /// The most bytes `write` puts down for one number of at most `digits` digits.
    static func room(digits: Int = 1) -> Int { max(digits, 20) + 1 }

    /// `value` in decimal, zero-padded to at least `digits` digits, written at `i`; the index
    /// after it. The buffer must have `room(digits:)` bytes from `i`.
    static func write(_ value: Int64, digits: Int = 1, into buffer: UnsafeMutableBufferPointer<UInt8>, at i: Int) -> Int {
        var i = i
        if value < 0 {
            buffer[i] = UInt8(ascii: "-")
            i += 1
        }
        var magnitude = value.magnitude
        var count = 1
        while magnitude >= 10, count < 20 {
            magnitude /= 10
            count += 1
        }
        let width = max(count, digits)
        var rest = value.magnitude
        for j in stride(from: i + width - 1, through: i, by: -1) {
            buffer[j] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        return i + width
    }

    /// `text`'s bytes written at `i`; the index after them. The buffer must have room for them.
    static func write(_ text: String, into buffer: UnsafeMutableBufferPointer<UInt8>, at i: Int) -> Int {
        var i = i
        for byte in text.utf8 {
            buffer[i] = byte
            i += 1
        }
        return i
    }
}
