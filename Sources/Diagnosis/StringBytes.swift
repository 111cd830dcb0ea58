import AuditInput

extension String {
    /// Whether every UTF-8 byte passes `test`: how printed values are told to be plain ASCII.
    /// Read from the string's own storage, where a walk of `utf8` through its iterator costs
    /// several times more, and thousands of findings each check dozens of values.
    @inlinable
    public func allBytes(_ test: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.allSatisfy(test) } ?? utf8.allSatisfy(test)
    }
}

extension Array where Element == UInt8 {
    /// `s`'s UTF-8 appended, from the bytes in place where the string has them (native and small
    /// strings do): the generic copy from the UTF-8 view costs more, and a report appends some
    /// hundred pieces for every finding.
    public mutating func append(utf8Of s: String) {
        if s.utf8.withContiguousStorageIfAvailable({ append(contentsOf: $0) }) == nil { append(contentsOf: s.utf8) }
    }
}

extension Array where Element == UInt8 {
    /// `value` in decimal, as `String(value)` writes it, without making that String.
    mutating func append(decimal value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        append(decimal: value.magnitude)
    }

    mutating func append(decimal value: UInt64) {
        let start = count
        append(contentsOf: repeatElement(UInt8(ascii: "0"), count: DecimalDigits.count(value)))
        withUnsafeMutableBufferPointer { _ = DecimalDigits.write(value, to: $0.baseAddress! + start) }
    }

    /// `value` in lower-case hex, as `String(value, radix: 16)` writes it.
    mutating func append(hex value: UInt64) {
        var shift = Swift.max(0, (64 - value.leadingZeroBitCount + 3) / 4 * 4 - 4)
        while shift >= 0 {
            let nibble = UInt8((value >> UInt64(shift)) & 15)
            append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
            shift -= 4
        }
    }
}
