/// Turns batches of complete lines (from a live socket, a followed file or auditd's plugin
/// stream) into stream items, with the same form recognition and record selection as files.
public struct LineBatchParser {
    private var scanner = LineScanner()
    private var nextLine = 1
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
        joined.withUnsafeBytes { scanner.scan($0, firstLine: nextLine, selected: &selected, tally: &tally) }
        nextLine += tally.lines
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
public struct LineAccumulator {
    private var pending: [UInt8] = []
    public init() {}

    public mutating func add(_ bytes: ArraySlice<UInt8>) -> [[UInt8]] {
        pending += bytes
        var lines: [[UInt8]] = []
        var start = 0
        while let nl = pending[start...].firstIndex(of: 0x0a) {
            lines.append(Array(pending[start..<nl]))
            start = nl + 1
        }
        pending.removeFirst(start)
        if pending.count > RecordStream.defaultMaxLineLength {
            lines.append(Array(pending.prefix(RecordStream.defaultMaxLineLength)))
            pending.removeAll()
        }
        return lines
    }

    /// What is left at end of input, as a last line.
    public mutating func finish() -> [[UInt8]] {
        defer { pending.removeAll() }
        return pending.isEmpty ? [] : [pending]
    }
}
