/// Turns batches of complete lines (from a live socket, a followed file or auditd's plugin
/// stream) into stream items, with the same form recognition and record selection as files.
public struct LineBatchParser {
    private var scanner = LineScanner()
    public private(set) var stats: InputStats

    public init(name: String, maxLineLength: Int = RecordStream.defaultMaxLineLength) {
        stats = InputStats(name: name)
        scanner.maxLineLength = maxLineLength
    }

    /// Lines as separate arrays (datagrams from the kernel), each without its newline.
    public mutating func parse(_ lines: [[UInt8]]) -> [StreamItem] {
        guard !lines.isEmpty else { return [] }
        var joined: [UInt8] = []
        joined.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for line in lines { joined += line; joined.append(0x0a) }
        return parse(joined)
    }

    /// Complete lines, each ending in a newline, as `LineAccumulator` hands them on.
    public mutating func parse(_ bytes: [UInt8]) -> [StreamItem] {
        guard !bytes.isEmpty else { return [] }
        // Selected lines may point into `bytes`: they are parsed before it goes.
        return bytes.withUnsafeBytes { region in
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

    /// The complete lines `bytes` ends, in one array, each ending in a newline: one copy of
    /// the read, not an array per line (the scanner wants them contiguous anyway).
    public mutating func add(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var complete: [UInt8] = []
        var start = bytes.startIndex
        // The line begun by an earlier read, cut or not.
        if skipping || !pending.isEmpty {
            guard let newline = bytes.firstIndex(of: 0x0a) else {
                keep(bytes, into: &complete)
                return complete
            }
            keep(bytes[..<newline], into: &complete)
            if !skipping { complete += pending; complete.append(0x0a) }
            pending.removeAll(keepingCapacity: true)
            skipping = false
            start = newline + 1
        }
        // Lines wholly inside this read (the scanner cuts an over-long one itself); the tail waits.
        let tail = bytes[start...].lastIndex(of: 0x0a).map { $0 + 1 } ?? start
        complete += bytes[start..<tail]
        keep(bytes[tail...], into: &complete)
        return complete
    }

    /// The unfinished line grows by `bytes`; past the limit, its head is handed on (one byte
    /// past the limit, so the scanner counts it as cut) and the rest is skipped.
    private mutating func keep(_ bytes: ArraySlice<UInt8>, into complete: inout [UInt8]) {
        guard !skipping else { return }
        pending += bytes
        guard pending.count > maxLineLength else { return }
        complete += pending.prefix(maxLineLength + 1)
        complete.append(0x0a)
        pending.removeAll(keepingCapacity: true)
        skipping = true
    }

    /// What is left at end of input, as a last line.
    public mutating func finish() -> [UInt8] {
        defer { pending.removeAll(); skipping = false }
        return pending.isEmpty ? [] : pending + [0x0a]
    }
}
