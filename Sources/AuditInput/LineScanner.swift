#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A line the scanner keeps, copied out of the input buffer, in canonical record form.
public struct SelectedLine: Sendable {
    public enum Kind: Sendable { case record, boundary, loaderMessage }
    public var bytes: [UInt8]
    public var number: Int
    public var kind: Kind
}

/// What a scan met with, for the per-input report.
struct ScanTally {
    var lines = 0
    /// Lines that were audit records in any form, kept or not.
    var recordLines = 0
    var truncated = 0
    var malformed = 0
    var malformedSample: [Int] = []
    var loaderMessages = 0
    /// A form this tool refuses (ausearch --format csv/text), with the reason.
    var refused: String?
}

/// Which record types the diagnosis reads. Everything else in a log (most of it) is passed over
/// without being copied or parsed, which is what makes a gigabyte log fast to read.
enum RecordRelevance {
    case primary      // SELinux decisions and state: kept, and their events' other records wanted
    case companion    // kept when they belong to an event with a primary record
    case ignored

    static func of(_ type: UnsafeRawBufferPointer) -> RecordRelevance {
        switch type.count {
        case 3: return equals(type, "AVC") ? .primary : equals(type, "EOE") ? .companion : .ignored
        case 4: return equals(type, "MMAP") ? .companion : .ignored
        case 7: return equals(type, "SYSCALL") ? .companion : .ignored
        case 8: return equals(type, "USER_AVC") || equals(type, "AVC_PATH") ? (type[0] == UInt8(ascii: "U") ? .primary : .companion) : .ignored
        case 9: return equals(type, "PROCTITLE") ? .companion : .ignored
        case 10: return equals(type, "MAC_STATUS") ? .primary : .ignored
        case 11: return equals(type, "SELINUX_ERR") ? .primary : .ignored
        case 16: return equals(type, "USER_SELINUX_ERR") ? .primary : .ignored
        case 17: return equals(type, "MAC_CONFIG_CHANGE") ? .primary : .ignored
        default: return .ignored
        }
    }

    static func equals(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && memcmp(bytes.baseAddress!, text.utf8Start, bytes.count) == 0
    }
}

/// Walks the lines of a region once: counts them, recognises every input form, and keeps the
/// records the diagnosis needs — SELinux records, plus the SYSCALL, PROCTITLE, MMAP, AVC_PATH
/// and EOE records of their events, found in a small window before and after them (the kernel
/// writes AVC first; `ausearch` prints newest first; old kernels sometimes wrote SYSCALL first).
struct LineScanner {
    /// Keep every record (for tests that compare grouping with libauparse).
    var keepEverything = false
    /// Longer lines are cut here (and counted), as the chunk reader does across chunks.
    var maxLineLength = Int.max
    var forms = LineForms()

    private struct Recent {
        var bytes: Storage
        var number: Int
        enum Storage { case inRegion(Int, Int), copied([UInt8]) }
    }
    private var recent: [Recent] = []
    private var recentNext = 0
    private var pending: [(key: [UInt8], until: Int)] = []
    /// Where the previous line was, when it was a canonical record (for wrapped pastes).
    private var previousRecord: Range<Int>?
    /// The line number of the record that continuation lines extend.
    private var chainStart = -1

    static let window = 64
    static let recentCapacity = 32

    /// Scans `region`, whose first line is number `firstLine`; appends what it keeps to `selected`.
    mutating func scan(_ region: UnsafeRawBufferPointer, firstLine: Int, selected: inout [SelectedLine], tally: inout ScanTally) {
        guard let base = region.baseAddress, region.count > 0 else { return }
        previousRecord = nil    // it pointed into the previous region
        var offset = 0
        var number = firstLine
        let keepFrom = selected.count
        while offset < region.count {
            let end: Int
            if let nl = memchr(base + offset, 0x0a, region.count - offset) {
                end = base.distance(to: nl)
            } else {
                end = region.count
            }
            var lineEnd = end
            if lineEnd > offset, region[lineEnd - 1] == 0x0d { lineEnd -= 1 }
            if lineEnd - offset > maxLineLength {
                lineEnd = offset + maxLineLength
                tally.truncated += 1
            }
            let line = UnsafeRawBufferPointer(rebasing: region[offset..<lineEnd])
            handle(line, start: offset, end: lineEnd, number: number, region: region, selected: &selected, tally: &tally)
            tally.lines += 1
            number += 1
            offset = end + 1
        }
        // Companions may have been found after later records: keep the kept lines in input order.
        if selected.count - keepFrom > 1 {
            selected[keepFrom...].sort { $0.number < $1.number }
        }
        detach(region)
    }

    private mutating func handle(_ line: UnsafeRawBufferPointer, start: Int, end: Int, number: Int, region: UnsafeRawBufferPointer,
                                 selected: inout [SelectedLine], tally: inout ScanTally) {
        if let header = CanonicalHeader(line) {
            tally.recordLines += 1
            forms.sawRecord(number: number)
            previousRecord = start..<end
            chainStart = number
            consider(line, header: header, storage: .inRegion(start, end), number: number, region: region, selected: &selected)
            return
        }
        let previous = previousRecord.map { UnsafeRawBufferPointer(rebasing: region[$0]) }
        previousRecord = nil
        switch forms.classify(line, number: number, previous: previous) {
        case .separator:
            return
        case .boundary:
            selected.append(SelectedLine(bytes: [], number: number, kind: .boundary))
        case .record(let bytes):
            guard let header = bytes.withUnsafeBytes({ CanonicalHeader($0) }) else {
                countMalformed(number, &tally)
                return
            }
            tally.recordLines += 1
            chainStart = number
            bytes.withUnsafeBytes { consider($0, header: header, storage: .copied(bytes), number: number, region: region, selected: &selected) }
        case .unrecognized:
            countMalformed(number, &tally)
        case .continuation(let text):
            // A record wrapped mid-line in a pasted ticket: its rest joins the record it continues.
            if let last = selected.indices.last, selected[last].kind == .record, selected[last].number == chainStart {
                selected[last].bytes += text
            }
        case .loaderMessage:
            tally.loaderMessages += 1
            selected.append(SelectedLine(bytes: Array(line), number: number, kind: .loaderMessage))
        case .refused(let why):
            if tally.refused == nil { tally.refused = why }
        }
    }

    private func countMalformed(_ number: Int, _ tally: inout ScanTally) {
        tally.malformed += 1
        if tally.malformedSample.count < 5 { tally.malformedSample.append(number) }
    }

    private mutating func consider(_ line: UnsafeRawBufferPointer, header: CanonicalHeader, storage: Recent.Storage, number: Int,
                                   region: UnsafeRawBufferPointer, selected: inout [SelectedLine]) {
        let relevance = keepEverything ? .primary : RecordRelevance.of(UnsafeRawBufferPointer(rebasing: line[header.type]))
        switch relevance {
        case .ignored:
            return
        case .primary:
            let key = header.key(line)
            selected.append(SelectedLine(bytes: bytes(of: storage, line), number: number, kind: .record))
            if keepEverything { return }
            // Companions seen just before: SYSCALL-first kernels and newest-first ausearch output.
            for i in recent.indices where recent[i].number >= 0 {
                let r = recent[i]
                let matches = withBytes(r.bytes, region) { b in CanonicalHeader(b).map { $0.key(b) == key } ?? false }
                if matches {
                    selected.append(SelectedLine(bytes: withBytes(r.bytes, region) { Array($0) }, number: r.number, kind: .record))
                    recent[i].number = -1
                }
            }
            if !pending.contains(where: { $0.key == key }) {
                if pending.count >= 16 { pending.removeFirst() }
                pending.append((key, number + Self.window))
            }
        case .companion:
            pending.removeAll { $0.until < number }
            if !pending.isEmpty {
                let key = header.key(line)
                if let i = pending.firstIndex(where: { $0.key == key }) {
                    selected.append(SelectedLine(bytes: bytes(of: storage, line), number: number, kind: .record))
                    if RecordRelevance.equals(UnsafeRawBufferPointer(rebasing: line[header.type]), "EOE") { pending.remove(at: i) }
                    return
                }
            }
            remember(storage, line: line, number: number)
        }
    }

    private mutating func remember(_ storage: Recent.Storage, line: UnsafeRawBufferPointer, number: Int) {
        let entry = Recent(bytes: storage, number: number)
        if recent.count < Self.recentCapacity {
            recent.append(entry)
        } else {
            recent[recentNext] = entry
            recentNext = (recentNext + 1) % Self.recentCapacity
        }
    }

    /// Ring entries still pointing into the region become copies before the region goes away.
    private mutating func detach(_ region: UnsafeRawBufferPointer) {
        for i in recent.indices {
            if case .inRegion(let s, let e) = recent[i].bytes {
                recent[i].bytes = .copied(Array(region[s..<e]))
            }
        }
    }

    private func bytes(of storage: Recent.Storage, _ line: UnsafeRawBufferPointer) -> [UInt8] {
        if case .copied(let b) = storage { return b }
        return Array(line)
    }

    private func withBytes<T>(_ storage: Recent.Storage, _ region: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        switch storage {
        case .inRegion(let s, let e): return body(UnsafeRawBufferPointer(rebasing: region[s..<e]))
        case .copied(let b): return b.withUnsafeBytes(body)
        }
    }

    /// The line numbers of a second half scanned on its own start at 0; shift them into place.
    static func renumber(_ lines: inout [SelectedLine], from: Int, by delta: Int) {
        for i in from..<lines.count { lines[i].number += delta }
    }
}

/// The fixed part of a canonical record line — `[node=N ]type=T msg=audit(S.M:N):` — located
/// without copying anything.
struct CanonicalHeader {
    var type: Range<Int>
    var node: Range<Int>?

    /// Finds the node and type; the stamp is located only when `key` is asked for.
    init?(_ line: UnsafeRawBufferPointer) {
        let n = line.count
        var i = 0
        var node: Range<Int>?
        if n > 5, line[0] == UInt8(ascii: "n") || line[0] == UInt8(ascii: "h") {
            guard Self.starts(line, 0, "node=") || Self.starts(line, 0, "host=") else { return nil }
            var j = 5
            while j < n, line[j] != UInt8(ascii: " ") { j += 1 }
            guard j > 5, j < n else { return nil }
            node = 5..<j
            i = j + 1
        }
        guard Self.starts(line, i, "type=") else { return nil }
        let typeStart = i + 5
        var j = typeStart
        while j < n, line[j] != UInt8(ascii: " ") { j += 1 }
        guard j > typeStart, Self.starts(line, j + 1, "msg=audit(") else { return nil }
        // Seconds then a dot: `ausearch -i` writes a date here instead, and is another form.
        var k = j + 11
        while k < n, line[k] >= UInt8(ascii: "0"), line[k] <= UInt8(ascii: "9") { k += 1 }
        guard k > j + 11, k < n, line[k] == UInt8(ascii: ".") else { return nil }
        type = typeStart..<j
        self.node = node
    }

    /// Node and stamp bytes: what makes two records part of one event.
    func key(_ line: UnsafeRawBufferPointer) -> [UInt8] {
        var out = node.map { Array(line[$0]) } ?? []
        out.append(0)
        var k = type.upperBound + 11
        while k < line.count, line[k] != UInt8(ascii: ")") {
            out.append(line[k])
            k += 1
        }
        return out
    }

    static func starts(_ line: UnsafeRawBufferPointer, _ at: Int, _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard at + count <= line.count else { return false }
        return memcmp(line.baseAddress! + at, text.utf8Start, count) == 0
    }
}
