extension String {
    /// Whether every UTF-8 byte passes `test`: how printed values are told to be plain ASCII.
    /// Read from the string's own storage, where a walk of `utf8` through its iterator costs
    /// several times more, and thousands of findings each check dozens of values.
    @inlinable
    public func allBytes(_ test: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.allSatisfy(test) } ?? utf8.allSatisfy(test)
    }
}
