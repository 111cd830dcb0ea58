// libFuzzer target for the reading thread: a log read by EventReader inline, and read again on a
// ReadingThread through a Handoff with tiny batches and a tiny budget (a hand-over every few items,
// the sender waiting for batches to be freed), must give the same items in the same order. The
// first three bytes choose the batch's items and bytes and the budget (the low bit of the first
// also whether progress marks are sent); the rest is the log, read with a missing file after it.
// A difference is reported and the run aborts, as a crash would.
import AuditEvents
import AuditInput
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 3 else { return 0 }
    let path = "/tmp/fuzz-event-reader-\(getpid()).log"
    guard let file = fopen(path, "w") else { return 0 }
    fwrite(data + 3, 1, size - 3, file)
    fclose(file)
    defer { unlink(path) }
    var reader = EventReader(sources: [.file(path), .file(path + ".missing")], scopes: [:], filter: EventFilter(),
                             reportsProgress: data[0] & 1 == 1)
    reader.batchItems = 1 + Int(data[0] >> 1) % 8
    reader.batchBytes = 1 + Int(data[1]) * 8
    var inline: [String] = []
    reader.run { batch, _ in inline += batch.map(describe) }
    let handoff = Handoff<ReadItem>(maxBytes: 1 + Int(data[2]) * 16)
    var threaded: [String] = []
    let threadReader = reader
    guard let thread = ReadingThread({ threadReader.run(send: handoff.send) }) else { fatalError("no reading thread") }
    while case let batch = handoff.receive(), !batch.isEmpty {
        threaded += batch.map(describe)
        handoff.giveBack(batch)
    }
    thread.join()
    if threaded != inline {
        fatalError("""
            the reading thread's items differ (batch \(reader.batchItems) items, \(reader.batchBytes) bytes, budget \(handoff.maxBytes))
            inline: \(inline)
            thread: \(threaded)
            """)
    }
    return 0
}

/// An item in a comparable form.
private func describe(_ item: ReadItem) -> String {
    switch item {
    case .event(let event):
        "event \(event.key) [\(event.records.map { "\($0.source.line):\($0.type) \($0.body)" }.joined(separator: " | "))]"
    case .loaderMessage(let message): "loader \(message.source.line): \(message.object) \(message.reason)"
    case .scanned(let bytes): "scanned \(bytes)"
    case .finished(let end):
        "end \(end.warnings) failed \(end.failed) bytes \(end.bytes) " + (end.stats.map { "lines \($0.lines) records \($0.records) kept \($0.kept)" } ?? "unopened")
    }
}
