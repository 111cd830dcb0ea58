extension String {
    /// Whether every UTF-8 byte passes `test`: how printed values are told to be plain ASCII.
    /// Read from the string's own storage, where a walk of `utf8` through its iterator costs
    /// several times more, and thousands of findings each check dozens of values.
    @inlinable
    public func allBytes(_ test: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.allSatisfy(test) } ?? utf8.allSatisfy(test)
    }

    /// The last non-empty component of a path (the path itself if it has none), as splitting by
    /// "/" gives it: asked of every object of every program, so found from the end rather than
    /// by splitting the whole path. By byte in ASCII paths only: elsewhere a "/" followed by a
    /// combining mark is no separator.
    public var lastPathComponent: String {
        guard allBytes({ $0 < 0x80 }) else { return split(separator: "/").last.map(String.init) ?? self }
        let trimmed = utf8.reversed().drop { $0 == UInt8(ascii: "/") }
        guard !trimmed.isEmpty else { return self }
        let end = trimmed.startIndex.base
        let start = utf8[..<end].lastIndex(of: UInt8(ascii: "/")).map { utf8.index(after: $0) } ?? startIndex
        return String(self[start..<end])
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
