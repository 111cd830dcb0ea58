#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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

/// A line of a region that the selection pass must look at: a canonical record that may be
/// kept or that a continuation line may follow, or a line in some other form.
struct LineRef {
    enum Kind: Equatable {
        case primary, companion, ignoredRecord, otherForm
        /// An `ausearch -i` record, converted: the index of its record in `Prescan.interpreted`.
        case interpreted(Int)
    }
    /// Byte offsets in the region; `end` excludes the newline and a CR before it.
    var start: Int
    var end: Int
    /// Relative to the first line of the scanned range (0).
    var number: Int
    var kind: Kind
    var header: CanonicalHeader?
    /// Plain lines (see `PlainLine`) just after this one, itself plain: once it is found to be
    /// no record, they are none either, and are only counted.
    var plainFollowers: PlainRun?
}

/// A record line in canonical form made from a line in another form, with what the scan
/// reads of it, found once.
struct ConvertedRecord {
    /// The bytes are `storage.bytes[range]`: a prescan's records share one buffer.
    let storage: ConvertedBytes
    let range: Range<Int>
    var facts: RecordFacts
    var header: CanonicalHeader? { facts.header }
    var stamp: Stamp? { facts.stamp }
    var avc: Int? { facts.avc }
    var looksCut: Bool { facts.looksCut }

    init(_ storage: ConvertedBytes, _ range: Range<Int>, _ facts: RecordFacts) {
        (self.storage, self.range, self.facts) = (storage, range, facts)
    }

    init(_ bytes: [UInt8], _ facts: RecordFacts) {
        self.init(ConvertedBytes(bytes), 0..<bytes.count, facts)
    }

    init(_ bytes: [UInt8]) {
        self.init(bytes, bytes.withUnsafeBytes { RecordFacts($0) })
    }

    func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        withExtendedLifetime(storage) { body(UnsafeRawBufferPointer(rebasing: storage.bytes[range])) }
    }

    var last: UInt8? { range.isEmpty ? nil : storage.bytes[range.upperBound - 1] }
    var lineBytes: LineBytes { .converted(storage, range) }
}

/// What the scan reads of a record line made from another form.
struct RecordFacts {
    /// nil when the line made has no canonical header after all (it is then counted as unreadable).
    var header: CanonicalHeader?
    /// The header's stamp as `CanonicalHeader.stamp` reads it (nil when it does not parse),
    /// known once the line is made: the selection reads it of every record.
    var stamp: Stamp?
    /// Where ` avc:` is, when it is there.
    var avc: Int?
    /// Whether the record stops before its usual last field (see `LineForms.looksCut`).
    var looksCut: Bool

    init(header: CanonicalHeader?, stamp: Stamp?, avc: Int?, looksCut: Bool) {
        (self.header, self.stamp, self.avc, self.looksCut) = (header, stamp, avc, looksCut)
    }

    /// The facts searched for in the line.
    init(_ line: UnsafeRawBufferPointer) {
        header = CanonicalHeader(line)
        stamp = header?.stamp(line)
        avc = ByteSearch.find(.avc, in: line)
        looksCut = header.map { LineForms.looksCut(line, header: $0) } ?? false
    }
}

/// Consecutive plain lines after the first of their run: how many, and their bytes.
struct PlainRun {
    var lines: Int
    var bytes: Range<Int>
}

/// What one pass over a range of lines found; computed without any state from earlier lines,
/// so the two halves of a region can be pre-scanned on two threads and give, in order, exactly
/// what one pass would.
struct Prescan {
    var refs: [LineRef] = []
    /// The records of the `ausearch -i` lines among the refs (see `LineRef.Kind.interpreted`):
    /// where each is in `converted`, and its facts. Converting them here, not in the selection,
    /// puts most of the work of reading such a log on the prescan's two threads: the selection
    /// runs on one.
    private var interpreted: [(range: Range<Int>, facts: RecordFacts)] = []
    private var converted = ConvertedBytes([])

    /// Whether it converted `ausearch -i` lines: the one heavy part of a prescan.
    var convertedLines: Bool { !interpreted.isEmpty }

    /// The record of the ref of kind `.interpreted(i)`.
    func interpretedRecord(_ i: Int) -> ConvertedRecord {
        ConvertedRecord(converted, interpreted[i].range, interpreted[i].facts)
    }
    var lines = 0
    var canonicalRecords = 0
    var truncated = 0

    init() {}

    /// Walks the lines of `region[range]`. Canonical records the diagnosis never reads are
    /// only counted, unless a line in another form follows them (it may continue them, as in a
    /// wrapped paste) or they end the range (the next range may start with such a line).
    /// `headOfLongerLine`: the range is the first `maxLineLength` bytes of a line cut by the
    /// reader, whose CR, if it has one, is far beyond.
    /// `plainRuns`: plain lines after a plain line join its ref (see `LineRef.plainFollowers`).
    /// `lookups`: the `ausearch -i` dates and names this thread has already looked up.
    init(_ region: UnsafeRawBufferPointer, _ range: Range<Int>, maxLineLength: Int, keepEverything: Bool, headOfLongerLine: Bool = false,
         plainRuns: Bool = true, lookups: inout InterpretedLookups) {
        guard let base = region.baseAddress, !range.isEmpty else { return }
        // About as many refs as an audit log has lines there (they average 100 to 200 bytes):
        // grown from empty, the refs were copied a dozen times a region.
        refs.reserveCapacity(range.count / 128)
        var offset = range.lowerBound
        var pendingIgnored: LineRef?
        /// The records made from lines in another form, to be `converted`.
        var bytes = ByteWriter()
        /// The next anchor word at or after `offset` (see `FormAnchors`), searched when passed.
        var anchor = -1
        /// The ref whose run of plain lines the next plain line would join.
        var openRun: Int?
        while offset < range.upperBound {
            let end: Int
            if let nl = memchr(base + offset, 0x0a, range.upperBound - offset) {
                end = base.distance(to: nl)
            } else {
                end = range.upperBound
            }
            var lineEnd = end
            if lineEnd > offset, region[lineEnd - 1] == 0x0d, !headOfLongerLine { lineEnd -= 1 }
            if lineEnd - offset > maxLineLength {
                lineEnd = offset + maxLineLength
                truncated += 1
            }
            let line = UnsafeRawBufferPointer(rebasing: region[offset..<lineEnd])
            if let header = CanonicalHeader(line), !header.isFollowedByAnotherRecord(line) {
                canonicalRecords += 1
                let relevance = keepEverything ? .primary : RecordRelevance.of(UnsafeRawBufferPointer(rebasing: line[header.type]))
                let kind: LineRef.Kind = relevance == .primary ? .primary : relevance == .companion ? .companion : .ignoredRecord
                let ref = LineRef(start: offset, end: lineEnd, number: lines, kind: kind, header: header)
                if kind == .ignoredRecord { pendingIgnored = ref } else { pendingIgnored = nil; refs.append(ref) }
                openRun = nil
            } else {
                if anchor < offset { anchor = FormAnchors.first(in: base, from: offset, to: range.upperBound) ?? range.upperBound }
                let plain = plainRuns && anchor >= end && PlainLine.startsPlainly(line)
                if plain, let run = openRun {
                    refs[run].plainFollowers = PlainRun(lines: (refs[run].plainFollowers?.lines ?? 0) + 1,
                                                        bytes: (refs[run].plainFollowers?.bytes.lowerBound ?? offset)..<min(end + 1, range.upperBound))
                } else {
                    if let ignored = pendingIgnored { refs.append(ignored); pendingIgnored = nil }
                    var kind = LineRef.Kind.otherForm
                    let first = bytes.count
                    if let facts = InterpretedForm.asWritten(line, bodies: keepEverything ? .always : .whenRead, lookups: &lookups, into: &bytes) {
                        // Room for the rest of the range's records, made at the first (most logs have none).
                        if interpreted.isEmpty { bytes.reserve(range.upperBound - end + 64) }
                        kind = .interpreted(interpreted.count)
                        interpreted.append((first..<bytes.count, facts))
                    }
                    refs.append(LineRef(start: offset, end: lineEnd, number: lines, kind: kind, header: nil))
                    openRun = plain ? refs.count - 1 : nil
                }
            }
            lines += 1
            offset = end + 1
        }
        if let ignored = pendingIgnored { refs.append(ignored) }
        if bytes.count > 0 { converted = ConvertedBytes(bytes) }
    }
}

/// Time and serial as a record's stamp has them, read without copying the line.
struct Stamp: Hashable {
    var seconds: UInt64
    var milliseconds: UInt64
    var serial: UInt64
}

/// An event's identity, what makes two records part of one event: a few integers, the node
/// named by its number (see `NodeNumbers`), so keys are hashed and compared without bytes.
struct ScanKey: Hashable {
    var node: Int32
    var stamp: Stamp

    /// One word folded from the fields: the selection looks keys up several times per kept
    /// record, and feeding the hasher four fields cost more than the lookup itself.
    func hash(into hasher: inout Hasher) {
        hasher.combine(stamp.serial ^ stamp.seconds &<< 24 ^ stamp.milliseconds &<< 14 ^ UInt64(UInt32(bitPattern: node)) &<< 44)
    }
}

/// The fixed part of a canonical record line — `[node=N ]type=T msg=audit(S.M:N):` — located
/// without copying anything.
struct CanonicalHeader {
    var type: Range<Int>
    var node: Range<Int>?

    /// Finds the node and type; the stamp is read only when asked for.
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

    /// Time and serial; nil when the stamp is not `S.M:N)` with numbers that fit
    /// (the record parser then refuses the line too).
    func stamp(_ line: UnsafeRawBufferPointer) -> Stamp? {
        var k = type.upperBound + 11
        func number(until terminator: UInt8) -> UInt64? {
            var value: UInt64 = 0
            let start = k
            while k < line.count, line[k] >= UInt8(ascii: "0"), line[k] <= UInt8(ascii: "9") {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(line[k] - UInt8(ascii: "0")))
                guard !o1, !o2 else { return nil }
                value = sum
                k += 1
            }
            guard k > start, k < line.count, line[k] == terminator else { return nil }
            k += 1
            return value
        }
        guard let seconds = number(until: UInt8(ascii: ".")), let milliseconds = number(until: UInt8(ascii: ":")),
              let serial = number(until: UInt8(ascii: ")")) else { return nil }
        return Stamp(seconds: seconds, milliseconds: milliseconds, serial: serial)
    }

    /// A paste that lost its newlines holds several records on one line; such a line is left
    /// to `LineForms`, which cuts it. Found through the rare `(` (memchr), not a search for
    /// the whole ` msg=audit(`, to keep the pass over a gigabyte of records cheap.
    func isFollowedByAnotherRecord(_ line: UnsafeRawBufferPointer) -> Bool {
        let base = line.baseAddress!
        var from = type.upperBound + 11
        while from < line.count, let paren = memchr(base + from, Int32(UInt8(ascii: "(")), line.count - from) {
            let at = base.distance(to: paren)
            if at >= 10, Self.starts(line, at - 10, " msg=audit") { return true }
            from = at + 1
        }
        return false
    }

    func node(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        node.map { UnsafeRawBufferPointer(rebasing: line[$0]) }
    }

    static func starts(_ line: UnsafeRawBufferPointer, _ at: Int, _ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard at + count <= line.count else { return false }
        return memcmp(line.baseAddress! + at, text.utf8Start, count) == 0
    }
}
