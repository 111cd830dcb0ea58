/// Turns batches of complete lines (from a live socket, a followed file or auditd's plugin
/// stream) into stream items, with the same form recognition and record selection as files.
public struct LineBatchParser {
    private var scanner = LineScanner()
    public private(set) var stats: InputStats

    public init(name: String, maxLineLength: Int = RecordStream.defaultMaxLineLength) {
        stats = InputStats(name: name)
        scanner.maxLineLength = maxLineLength
    }

    public mutating func parse(_ lines: [[UInt8]]) -> [StreamItem] {
        guard !lines.isEmpty else { return [] }
        var joined: [UInt8] = []
        joined.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for line in lines { joined += line; joined.append(0x0a) }
        // Selected lines may point into `joined`: they are parsed before it goes.
        return joined.withUnsafeBytes { region in
            var selected: [SelectedLine] = []
            var tally = ScanTally()
            scanner.scan(region, selected: &selected, tally: &tally)
            stats.add(tally, redacted: scanner.forms.redacted)
            return selected.compactMap { stats.item($0, in: region, redacted: scanner.forms.redacted) }
        }
    }
}

/// Splits a byte stream into complete lines, keeping the unfinished tail for the next read.
/// A line longer than the limit is handed on cut (one byte past the limit, so the scanner
/// counts it as cut, as it does in files) and the rest of it is skipped up to its newline:
/// the rest is never read as a line of its own.
public struct LineAccumulator {
    private var pending: [UInt8] = []
    private var skipping = false
    private let maxLineLength: Int

    public init(maxLineLength: Int = RecordStream.defaultMaxLineLength) {
        self.maxLineLength = maxLineLength
    }

    public mutating func add(_ bytes: ArraySlice<UInt8>) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let newline = bytes[start...].firstIndex(of: 0x0a)
            let end = newline ?? bytes.endIndex
            if !skipping { pending += bytes[start..<end] }
            if pending.count > maxLineLength {
                lines.append(Array(pending.prefix(maxLineLength + 1)))
                pending.removeAll(keepingCapacity: true)
                skipping = true
            }
            if newline != nil {
                if !skipping { lines.append(pending) }
                pending.removeAll(keepingCapacity: true)
                skipping = false
            }
            start = newline.map { $0 + 1 } ?? bytes.endIndex
        }
        return lines
    }

    /// What is left at end of input, as a last line.
    public mutating func finish() -> [[UInt8]] {
        defer { pending.removeAll(); skipping = false }
        return pending.isEmpty ? [] : [pending]
    }
}
