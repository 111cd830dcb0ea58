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
