#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A line the scanner keeps, in canonical record form: still in the region being scanned
/// (copied only when it is parsed, one at a time) or, for lines rewritten from another form or
/// kept from an earlier region, a copy.
struct SelectedLine {
    enum Kind { case record, boundary, loaderMessage }
    var bytes: LineBytes
    var number: Int
    var kind: Kind
}

/// A line's bytes: still in the region being scanned, or copied once the region is gone.
enum LineBytes {
    case inRegion(Range<Int>)
    case copied([UInt8])
    /// A record made from another form, in its prescan's buffer (see `ConvertedBytes`).
    case converted(ConvertedBytes, Range<Int>)

    func with<T>(_ region: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        switch self {
        case .inRegion(let r): return body(UnsafeRawBufferPointer(rebasing: region[r]))
        case .copied(let b): return b.withUnsafeBytes(body)
        case .converted(let storage, let r): return withExtendedLifetime(storage) { body(UnsafeRawBufferPointer(rebasing: storage.bytes[r])) }
        }
    }

    func array(_ region: UnsafeRawBufferPointer) -> [UInt8] {
        if case .copied(let b) = self { return b }
        return with(region) { Array($0) }
    }

    /// Whether it holds on to the region or a prescan's buffer, which a line kept for longer must not.
    var isBorrowed: Bool {
        if case .copied = self { return false }
        return true
    }
}

/// What a scan met with, for the per-input report.
struct ScanTally {
    var lines = 0
    /// Lines that were audit records in any form, kept or not.
    var recordLines = 0
    var truncated = 0
    var malformed = 0
    var malformedSample: [Int] = []
    var skipped: [SkipReason: LineSample] = [:]
    var loaderMessages = 0
    /// A form this tool refuses (ausearch --format csv/text), with the reason.
    var refused: String?

    mutating func add(_ prescan: Prescan) {
        lines += prescan.lines
        recordLines += prescan.canonicalRecords
        truncated += prescan.truncated
    }
}

/// Keeps the records the diagnosis needs — SELinux records, plus the SYSCALL, PROCTITLE, MMAP,
/// AVC_PATH and EOE records of their events — and turns every other input form into canonical
/// records. It sees the lines a `Prescan` picked out, in input order, and is the only part of
/// the scan with memory of earlier lines, so it runs on one thread over the whole input.
///
/// An event's other records are looked for before its first SELinux record (SYSCALL-first
/// kernels, `ausearch`'s newest-first output) among the last `recentCapacity` companion records,
/// and after it until its EOE or for `window` lines (the kernel writes the AVC during the
/// call and the rest at its exit; other CPUs' records may come between).
struct LineScanner {
    /// Keep every record (for tests that compare grouping with libauparse).
    var keepEverything = false { didSet { forms.keepEverything = keepEverything } }
    /// Longer lines are cut here (and counted), as the chunk reader does across chunks.
    var maxLineLength = Int.max
    var forms = LineForms()
    /// The `ausearch -i` lookups of the prescans run here (`scan`, plain runs).
    private var lookups = InterpretedLookups()

    private struct Recent {
        var key: ScanKey
        var line: LineBytes
        var number: Int
        var taken = false
    }
    private var recent: [Recent] = []
    private var recentNext = 0
    /// Events with a kept record, awaiting their other records: key → last line to look at.
    private var pending: [ScanKey: Int] = [:]
    /// The same keys in the order they were added, for expiry; entries whose key has since
    /// closed or been renewed are skipped when they come up.
    private var pendingOrder: [(key: ScanKey, until: Int)] = []
    private var pendingOrderStart = 0
    private var nodes = NodeNumbers()
    /// The previous line, when it was a canonical record: a paste may continue it.
    private var previousRecord: (line: LineBytes, number: Int)?
    /// The line number of the record that continuation lines extend.
    private(set) var chainStart = -1
    /// Absolute number of the next line to be scanned.
    private(set) var nextLine = 1

    static let window = 4096
    static let recentCapacity = 32

    /// Scans `region` in one pass (for small regions and followed files). The lines it selects
    /// may point into the region: read them before the region goes away.
    mutating func scan(_ region: UnsafeRawBufferPointer, headOfLongerLine: Bool = false, selected: inout [SelectedLine], tally: inout ScanTally) {
        let prescan = Prescan(region, 0..<region.count, maxLineLength: maxLineLength, keepEverything: keepEverything, headOfLongerLine: headOfLongerLine,
                              lookups: &lookups)
        select(prescan, in: region, selected: &selected, tally: &tally)
        finish(region)
    }

    /// Runs the selection over one prescanned range of `region`; ranges must come in input
    /// order, and `finish` must be called before the region goes away.
    mutating func select(_ prescan: Prescan, in region: UnsafeRawBufferPointer, selected: inout [SelectedLine], tally: inout ScanTally) {
        select(lines: prescan, first: nextLine, in: region, selected: &selected, tally: &tally)
        nextLine += prescan.lines
        tally.add(prescan)
    }

    private mutating func select(lines prescan: Prescan, first: Int, in region: UnsafeRawBufferPointer,
                                 selected: inout [SelectedLine], tally: inout ScanTally) {
        for ref in prescan.refs {
            let number = first + ref.number
            if previousRecord.map({ $0.number != number - 1 }) ?? false { previousRecord = nil }
            let line = UnsafeRawBufferPointer(rebasing: region[ref.start..<ref.end])
            if let header = ref.header {
                forms.sawRecord(number: number)
                previousRecord = (.inRegion(ref.start..<ref.end), number)
                chainStart = number
                // The prescan has sorted the record out. (Its stamp is read here: kept in every
                // ref, it made a region's refs a quarter larger, megabytes at peak.)
                if ref.kind != .ignoredRecord {
                    consider(line, header: header, relevance: ref.kind == .primary ? .primary : .companion,
                             stamp: keepEverything ? nil : header.stamp(line),
                             bytes: .inRegion(ref.start..<ref.end), number: number, selected: &selected)
                }
            } else {
                let record = if case .interpreted(let i) = ref.kind { prescan.interpretedRecord(i) } else { ConvertedRecord?.none }
                handleOtherForm(line, interpreted: record, number: number, region: region, selected: &selected, tally: &tally)
                guard let run = ref.plainFollowers else { continue }
                if forms.lastRecordLine == number {
                    // The line continued a record, and the plain lines after it may too: each is read.
                    let lines = Prescan(region, run.bytes, maxLineLength: maxLineLength, keepEverything: keepEverything, plainRuns: false, lookups: &lookups)
                    select(lines: lines, first: number + 1, in: region, selected: &selected, tally: &tally)
                } else {
                    countMalformed(number + 1...number + run.lines, .notAuditRecord, &tally)
                }
            }
        }
    }

    /// Lines still pointing into the region become copies before the region goes away (and
    /// those in a prescan's buffer too, which would otherwise outlive their region).
    mutating func finish(_ region: UnsafeRawBufferPointer) {
        for i in recent.indices where recent[i].line.isBorrowed { recent[i].line = .copied(recent[i].line.array(region)) }
        if let previous = previousRecord, case .inRegion(let r) = previous.line {
            previousRecord = (.copied(Array(region[r])), previous.number)
        }
    }

    /// `interpreted`: the line's record, when the prescan read it as `ausearch -i` output.
    private mutating func handleOtherForm(_ line: UnsafeRawBufferPointer, interpreted: ConvertedRecord?, number: Int, region: UnsafeRawBufferPointer,
                                          selected: inout [SelectedLine], tally: inout ScanTally) {
        let previous = previousRecord
        previousRecord = nil
        func withPrevious<T>(_ body: (UnsafeRawBufferPointer?) -> T) -> T { previous.map { p in p.line.with(region) { body($0) } } ?? body(nil) }
        if let interpreted {
            withPrevious { forms.took(interpreted: interpreted, number: number, previous: $0) }
            take(interpreted, number: number, region: region, selected: &selected, tally: &tally)
            return
        }
        let classified = withPrevious { forms.classify(line, number: number, previous: $0) }
        switch classified {
        case .separator:
            return
        case .boundary:
            selected.append(SelectedLine(bytes: .copied([]), number: number, kind: .boundary))
            // The records before `----` form complete events: no later record takes them.
            recent.removeAll(keepingCapacity: true)
            recentNext = 0
        case .record(let bytes):
            take(bytes, number: number, region: region, selected: &selected, tally: &tally)
        case .records(let list):
            for bytes in list { take(bytes, number: number, region: region, selected: &selected, tally: &tally) }
        case .unused(let reason):
            countMalformed(number, reason, &tally)
        case .continuation(let text):
            // A record wrapped mid-line in a pasted ticket: its rest joins the record it continues,
            // which the companions it just took from `recent` may follow.
            if let continued = Self.continuable(in: selected, chainStart: chainStart) { selected[continued].bytes = .copied(selected[continued].bytes.array(region) + text) }
        case .loaderMessage:
            tally.loaderMessages += 1
            selected.append(SelectedLine(bytes: .copied(Array(line)), number: number, kind: .loaderMessage))
        case .refused(let why):
            if tally.refused == nil { tally.refused = why }
        }
    }

    /// Where, among the kept lines, the record that a continuation line would extend is: at
    /// most its earlier companions follow it.
    static func continuable(in selected: [SelectedLine], chainStart: Int) -> Int? {
        selected.indices.suffix(recentCapacity + 1).last { selected[$0].kind == .record && selected[$0].number == chainStart }
    }

    /// A record rewritten from another form.
    private mutating func take(_ record: ConvertedRecord, number: Int, region: UnsafeRawBufferPointer,
                               selected: inout [SelectedLine], tally: inout ScanTally) {
        guard let header = record.header else {
            countMalformed(number, .unreadableStamp, &tally)
            return
        }
        tally.recordLines += 1
        chainStart = number
        record.withUnsafeBytes { line in
            let relevance = keepEverything ? .primary : RecordRelevance.of(UnsafeRawBufferPointer(rebasing: line[header.type]))
            guard relevance != .ignored else { return }
            consider(line, header: header, relevance: relevance, stamp: keepEverything ? nil : record.stamp, bytes: record.lineBytes,
                     number: number, selected: &selected)
        }
    }

    /// End of input: what the forms still hold (a sealert heading whose report had no raw records).
    mutating func finishInput(selected: inout [SelectedLine], tally: inout ScanTally) {
        if let held = forms.finishInput() { take(held.record, number: held.line, region: UnsafeRawBufferPointer(start: nil, count: 0), selected: &selected, tally: &tally) }
    }

    private func countMalformed(_ number: Int, _ reason: SkipReason = .notAuditRecord, _ tally: inout ScanTally) {
        countMalformed(number...number, reason, &tally)
    }

    private func countMalformed(_ numbers: ClosedRange<Int>, _ reason: SkipReason, _ tally: inout ScanTally) {
        tally.skipped[reason, default: LineSample()].add(numbers)
        tally.malformed += numbers.count
        tally.malformedSample += numbers.prefix(max(0, InputStats.sampleSize - tally.malformedSample.count))
    }

    /// A record that may be kept: `stamp` is nil when it does not parse (or every record is kept).
    private mutating func consider(_ line: UnsafeRawBufferPointer, header: CanonicalHeader, relevance: RecordRelevance, stamp: Stamp?,
                                   bytes: LineBytes, number: Int, selected: inout [SelectedLine]) {
        switch relevance {
        case .ignored:
            return
        case .primary:
            selected.append(SelectedLine(bytes: bytes, number: number, kind: .record))
            guard !keepEverything, let stamp else { return }
            let key = key(stamp, node: header.node(line))
            // Companions seen just before (SYSCALL-first kernels, newest-first ausearch output)
            // follow their record at once, in input order: the assembler gets every record of an
            // event in the same order however the input was cut into regions.
            let earlier = recent.indices.filter { !recent[$0].taken && recent[$0].key == key }.sorted { recent[$0].number < recent[$1].number }
            for i in earlier {
                selected.append(SelectedLine(bytes: recent[i].line, number: recent[i].number, kind: .record))
                recent[i].taken = true
            }
            expirePending(before: number)
            pending[key] = number + Self.window
            pendingOrder.append((key, number + Self.window))
        case .companion:
            guard let stamp else { return }
            let key = key(stamp, node: header.node(line))
            expirePending(before: number)
            if pending[key] != nil {
                selected.append(SelectedLine(bytes: bytes, number: number, kind: .record))
                // EOE is the only companion type of three letters.
                if header.type.count == 3 { pending[key] = nil }
                return
            }
            remember(Recent(key: key, line: bytes, number: number))
        }
    }

    private mutating func key(_ stamp: Stamp, node: UnsafeRawBufferPointer?) -> ScanKey {
        if nodes.isFull { renumberNodes() }
        return ScanKey(node: nodes.number(node), stamp: stamp)
    }

    /// Keeps the node table bounded: only the nodes of events still looked for keep a number.
    private mutating func renumberNodes() {
        pendingOrder = pendingOrder[pendingOrderStart...].filter { pending[$0.key] == $0.until }
        pendingOrderStart = 0
        let new = nodes.keep(pendingOrder.map(\.key.node) + recent.map(\.key.node))
        for i in pendingOrder.indices { pendingOrder[i].key.node = new[pendingOrder[i].key.node]! }
        // A line holding several records of one event (a paste) added its key twice.
        pending = Dictionary(pendingOrder.map { ($0.key, $0.until) }, uniquingKeysWith: { first, _ in first })
        for i in recent.indices { recent[i].key.node = new[recent[i].key.node]! }
    }

    private mutating func expirePending(before number: Int) {
        while pendingOrderStart < pendingOrder.count, pendingOrder[pendingOrderStart].until < number {
            let entry = pendingOrder[pendingOrderStart]
            if pending[entry.key] == entry.until { pending[entry.key] = nil }
            pendingOrderStart += 1
        }
        if pendingOrderStart > 1024, pendingOrderStart * 2 > pendingOrder.count {
            pendingOrder.removeFirst(pendingOrderStart)
            pendingOrderStart = 0
        }
    }

    private mutating func remember(_ entry: Recent) {
        if recent.count < Self.recentCapacity {
            recent.append(entry)
        } else {
            recent[recentNext] = entry
            recentNext = (recentNext + 1) % Self.recentCapacity
        }
    }
}
