import AuditInput
import AuditEvents
import SystemPackage

/// What reading the inputs hands the diagnosis, in input order.
enum ReadItem: Sendable {
    case event(Event)
    case loaderMessage(LoaderMessage)
    /// Bytes of the current input scanned so far (only sent for a progress line).
    case scanned(Int)
    /// An input is done with.
    case finished(InputEnd)
}

/// What an input met with, and what to say about it, in the order it was found.
struct InputEnd: Sendable {
    /// Nil when the input could not be opened.
    var stats: InputStats?
    var warnings: [String]
    var failed: Bool
    /// Bytes scanned, for the progress line; 0 when reading stopped on an error.
    var bytes: Int
}

/// The half of a run before the diagnosis: each input read in turn, its records admitted by
/// the input's scope, assembled into events and filtered. It shares nothing with the
/// diagnosis, so it runs on a thread of its own (see `Analysis`), handing over batches; a
/// dense log then costs about the longer of the two halves, not their sum.
struct EventReader {
    let sources: [InputSource]
    let scopes: [InputSource: InputScope]
    let filter: EventFilter
    /// Whether to send `.scanned` after each chunk.
    let reportsProgress: Bool
    /// Where the streams offer their prescan halves to the receiving thread (see `SpareWork`).
    var spareWork: SpareWork?
    /// Items and record bytes per batch: enough to make a hand-over rare, few enough to keep
    /// both threads busy (and memory low).
    var batchItems = 256
    var batchBytes = 256 << 10

    /// Reads everything, passing batches (and the bytes they hold) to `send`, the last one empty.
    func run(send: ([ReadItem], Int) -> Void) {
        // The stream's chunk callback, stored in the stream, sends progress marks at once; the
        // batch and the stream are gone before `run` returns, so `send` does not escape.
        withoutActuallyEscaping(send) { send in
            var assembler = Assembler()
            let batch = Batch(maxItems: batchItems, maxBytes: batchBytes, send: send)
            for source in sources {
                read(source, into: &assembler, batch: batch)
            }
            batch.put(assembler.flush(), filter: filter)
            batch.flush()
            send([], 0)
        }
    }

    /// The batch being filled, sent once it holds `maxItems` items or `maxBytes`.
    private final class Batch {
        let maxItems: Int
        let maxBytes: Int
        let send: ([ReadItem], Int) -> Void
        private var items: [ReadItem] = []
        private var bytes = 0

        init(maxItems: Int, maxBytes: Int, send: @escaping ([ReadItem], Int) -> Void) {
            (self.maxItems, self.maxBytes, self.send) = (maxItems, maxBytes, send)
            items.reserveCapacity(maxItems)
        }

        func put(_ item: ReadItem) {
            bytes += EventReader.bytes(of: item)
            items.append(item)
            if items.count >= maxItems || bytes >= maxBytes { flush() }
        }

        func put(_ events: [Event], filter: EventFilter) {
            for event in events where filter.accepts(event) { put(.event(event)) }
        }

        func flush() {
            guard !items.isEmpty else { return }
            send(items, bytes)
            items.removeAll(keepingCapacity: true)
            bytes = 0
        }
    }

    /// What an item holds, for the hand-over's budget: an event's records' bytes, and for each
    /// what it costs beyond them (its fields and its place in the event's array); a loader
    /// message's text. Every item counts, so that no batch is free: a log of loader messages
    /// alone (a line each, up to the 1 MiB line length) is held to the budget too.
    static func bytes(of item: ReadItem) -> Int {
        let overhead = 160
        switch item {
        case .event(let event): return event.byteCount + overhead * event.records.count
        case .loaderMessage(let message):
            return overhead + message.object.utf8.count + message.reason.utf8.count + (message.program?.utf8.count ?? 0)
        case .scanned, .finished: return MemoryLayout<ReadItem>.stride
        }
    }

    private func read(_ source: InputSource, into assembler: inout Assembler, batch: Batch) {
        var stream: RecordStream
        do {
            stream = try RecordStream(source)
            stream.spareWork = spareWork
        } catch {
            batch.put(.finished(InputEnd(stats: nil, warnings: ["\(source.name): cannot open: \(Self.describe(error))"], failed: true, bytes: 0)))
            return
        }
        defer { stream.close() }
        let scope = scopes[source]
        var outOfScope = 0
        let handedOnBefore = assembler.handedOnForBytes
        var end = InputEnd(stats: nil, warnings: [], failed: false, bytes: 0)
        if reportsProgress {
            // After every chunk, sent at once: the stream may read many chunks before it
            // returns an item (a log without denials, a pipe that stalls), and a mark waiting
            // in a batch would leave the progress line still.
            stream.onChunk = { scanned in
                batch.put(.scanned(scanned))
                batch.flush()
            }
        }
        do {
            while let item = try stream.next() {
                switch consume item {
                case .record(let record):
                    guard let scope else { batch.put(assembler.add(record), filter: filter); break }
                    guard let admitted = scope.admit(record) else { outOfScope += 1; break }
                    batch.put(assembler.add(admitted), filter: filter)
                case .boundary: batch.put(assembler.boundary(), filter: filter)
                case .loaderMessage(let message):
                    if filter.accepts(message) { batch.put(.loaderMessage(message)) }
                }
            }
            end.bytes = stream.bytesScanned
        } catch {
            end.warnings.append("\(source.name): read error after line \(stream.stats.lines): \(Self.describe(error))")
            end.failed = true
        }
        let handedOn = assembler.handedOnForBytes - handedOnBefore
        if handedOn > 0 { end.warnings.append("\(source.name): " + Self.handedOn(handedOn, by: assembler)) }
        var stats = stream.stats
        if let why = stats.refused {
            end.warnings.append("\(source.name): \(why)")
            end.failed = true
        }
        // The records left out are the logs' own: kept there, not here.
        stats.kept -= min(stats.kept, outOfScope)
        if scope?.before != nil {
            end.warnings.append("\(source.name): \(stats.kept) record\(stats.kept == 1 ? "" : "s") older than the report's audit logs read from here; the \(outOfScope) later ones are the logs' own")
        }
        end.stats = stats
        batch.put(.finished(end))
    }

    /// The warning for events the assembler handed on before they completed, to hold its bound
    /// on the bytes of open events.
    static func handedOn(_ count: Int, by assembler: Assembler) -> String {
        "\(count) event\(count == 1 ? " was" : "s were") handed on before their last record, as open events held more than \(assembler.maxInFlightBytes >> 20) MiB of records (avc-explain's bound): a record of theirs read later makes an event of its own"
    }

    private static func describe(_ error: Error) -> String {
        if let errno = error as? Errno { return errno.description }
        return "\(error)"
    }
}
