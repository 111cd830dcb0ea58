// libFuzzer target for the split-scan invariant: reading the same bytes through RecordStream with
// tiny chunks and a tiny parallel threshold (many region boundaries, regions scanned as two halves
// on two threads) must give exactly the events, in the same order, the loader messages and the
// counts of reading them in one region on one thread. The first three bytes choose the chunk size, the threshold and the line
// limit; the rest is the log. A difference is reported and the run aborts, as a crash would.
import AuditEvents
import AuditInput

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStreamSplit(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 3 else { return 0 }
    let log = Array(UnsafeBufferPointer(start: data + 3, count: size - 3))
    let maxLineLength = 32 + Int(data[2]) * 4
    let split = ScanLayout(chunkSize: 1 + Int(data[0]) * 2, parallelThreshold: 1 + Int(data[1]) % 64, maxLineLength: maxLineLength)
    let whole = ScanLayout(chunkSize: log.count + 1, parallelThreshold: Int.max, maxLineLength: maxLineLength)
    let expected = read(log, whole), actual = read(log, split)
    if actual != expected {
        fatalError("""
            split reading differs (chunk \(split.chunkSize), threshold \(split.parallelThreshold), line limit \(maxLineLength))
            whole: \(expected)
            split: \(actual)
            """)
    }
    return 0
}

/// What one reading yields, in a comparable form.
private struct Reading: Equatable, CustomStringConvertible {
    /// Per event, in the order they complete: its key, then each record's line number and text.
    var events: [String] = []
    var loaderMessages: [String] = []
    var counts: [Int] = []
    var failure: String?

    var description: String { "events \(events), loader messages \(loaderMessages), lines/records/kept/malformed/truncated \(counts), error \(failure ?? "none")" }
}

private func read(_ log: [UInt8], _ layout: ScanLayout) -> Reading {
    var reading = Reading()
    var stream: RecordStream
    do {
        stream = try RecordStream(bytes: log, name: "fuzz", layout: layout)
    } catch {
        reading.failure = "\(error)"
        return reading
    }
    defer { stream.close() }
    var assembler = Assembler()
    func take(_ event: Event) {
        let records = event.records.map { "\($0.source.line):\($0.type) \($0.body)\($0.enrichment.map { "\u{1d}" + $0 } ?? "")" }
        reading.events.append("\(event.key) [\(records.joined(separator: " | "))]")
    }
    do {
        try stream.readEvents(into: &assembler, take) { message in
            reading.loaderMessages.append("\(message.source.line): \(message.object)")
        }
    } catch {
        reading.failure = "\(error)"
    }
    let s = stream.stats
    reading.counts = [s.lines, s.records, s.kept, s.malformed, s.truncated, s.loaderMessages] + s.malformedSample
    return reading
}
