/// Turns batches of complete lines (from a live socket, a followed file or auditd's plugin
/// stream) into stream items, with the same form recognition and record selection as files.
public struct LineBatchParser {
    private var scanner = LineScanner()
    public private(set) var stats: InputStats

    public init(name: String) {
        stats = InputStats(name: name)
        scanner.maxLineLength = RecordStream.defaultMaxLineLength
    }

    public mutating func parse(_ lines: [[UInt8]]) -> [StreamItem] {
        guard !lines.isEmpty else { return [] }
        var joined: [UInt8] = []
        joined.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for line in lines { joined += line; joined.append(0x0a) }
        var selected: [SelectedLine] = []
        var tally = ScanTally()
        joined.withUnsafeBytes { scanner.scan($0, selected: &selected, tally: &tally) }
        stats.lines += tally.lines
        stats.records += tally.recordLines
        stats.malformed += tally.malformed
        stats.loaderMessages += tally.loaderMessages
        var items: [StreamItem] = []
        for line in selected {
            let location = SourceLocation(input: stats.name, line: line.number)
            switch line.kind {
            case .boundary: items.append(.boundary)
            case .loaderMessage:
                if let m = LoaderMessage.parse(String(decoding: line.bytes, as: UTF8.self), source: location) { items.append(.loaderMessage(m)) }
            case .record:
                if case .record(let r) = RecordParser.parse(line.bytes, source: location) {
                    stats.kept += 1
                    items.append(.record(r))
                }
            }
        }
        return items
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
