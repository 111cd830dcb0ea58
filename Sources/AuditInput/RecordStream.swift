import SystemPackage

/// Where records come from: a file, standard input, or a member of a tar archive (an
/// sosreport's `.tar.xz`), read in place.
public enum InputSource: Sendable, Hashable {
    case standardInput
    case file(String)
    case archiveMember(archive: String, member: String)

    /// A log member larger than this, once decompressed, is cut there.
    public static let archiveMemberLimit = 2 << 30

    /// The name used in messages: the path, `(standard input)`, or `ARCHIVE:MEMBER`.
    public var name: String {
        switch self {
        case .standardInput: return "(standard input)"
        case .file(let path): return path
        case .archiveMember(let archive, let member): return archive + ":" + member
        }
    }

    /// The source's bytes, gunzipped if they are gzip'd, and the file opened for them (to close).
    func open() throws -> (bytes: any ChunkSource, file: FileDescriptor?) {
        let raw: any ChunkSource
        var file: FileDescriptor?
        switch self {
        case .standardInput: raw = DescriptorSource(.standardInput)
        case .file(let path):
            let fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
            raw = DescriptorSource(fd)
            file = fd
        case .archiveMember(let archive, let member):
            raw = try ArchiveMemberSource(archive: archive, member: member, limit: Self.archiveMemberLimit)
        }
        do {
            return (try PrefixedSource.sniffing(raw), file)
        } catch {
            try? file?.close()
            throw error
        }
    }
}

/// What reading one input met with, for the one-line report on stderr.
public struct InputStats: Sendable {
    public var name: String
    public var lines = 0
    /// Lines that were audit records, in any form.
    public var records = 0
    /// Records kept for the diagnosis: SELinux records and the records of their events.
    public var kept = 0
    public var malformed = 0
    /// The first few malformed line numbers; the rest are only counted.
    public var malformedSample: [Int] = []
    public var truncated = 0
    /// glibc loader messages found among the lines (see `LoaderMessage`).
    public var loaderMessages = 0
    /// Why the input's form was refused (`ausearch --format csv`), if it was.
    public var refused: String?
    /// Lines not used, by reason (their total is `malformed`).
    public var skipped: [SkipReason: LineSample] = [:]
    /// Records whose stamp the poster hid (`audit(XXX)`): read, with the time unknown.
    public var redacted = LineSample()
    /// Kept AVC and USER_AVC records: what says whether an input held a denial at all.
    public var denialRecords = 0

    static let sampleSize = 5

    /// Records malformed line numbers in the sample, which keeps the input's first ones in order:
    /// numbers arrive out of order (a scanned region's tally, then the lines of that region whose
    /// stamp fails to parse).
    mutating func sampleMalformed(_ numbers: some Sequence<Int>) {
        malformedSample = Array((malformedSample + numbers).sorted().prefix(Self.sampleSize))
    }

    /// A scan's tally of unused lines, and the forms' count of hidden stamps so far.
    mutating func add(skipped: [SkipReason: LineSample], redacted: LineSample) {
        for (reason, sample) in skipped { self.skipped[reason, default: LineSample()].add(sample) }
        self.redacted = redacted
    }

    /// What one scan met with.
    mutating func add(_ tally: ScanTally, redacted: LineSample) {
        lines += tally.lines
        records += tally.recordLines
        truncated += tally.truncated
        malformed += tally.malformed
        loaderMessages += tally.loaderMessages
        sampleMalformed(tally.malformedSample)
        add(skipped: tally.skipped, redacted: redacted)
        if let why = tally.refused, refused == nil { refused = why }
    }

    /// A record was parsed and kept.
    mutating func kept(_ record: Record) {
        kept += 1
        if record.type == "AVC" || record.type == "USER_AVC" { denialRecords += 1 }
    }

    /// The stream item a kept line is, counted; nil for a header that looked canonical but whose
    /// stamp does not parse (counted as such), or a loader line that says nothing usable.
    mutating func item(_ line: SelectedLine, in region: UnsafeRawBufferPointer, redacted: LineSample) -> StreamItem? {
        let location = SourceLocation(input: name, line: line.number)
        switch line.kind {
        case .boundary:
            return .boundary
        case .loaderMessage:
            if let message = line.bytes.with(region, { LoaderMessage.parse($0, source: location) }) {
                return .loaderMessage(message)
            }
            malformed += 1
            sampleMalformed([line.number])
            add(skipped: [.unusableLoaderMessage: LineSample(line.number)], redacted: redacted)
            return nil
        case .record:
            if case .record(let record) = line.bytes.with(region, { PastedText.parseUnescaped($0, source: location) }) {
                kept(record)
                return .record(record)
            }
            malformed += 1
            sampleMalformed([line.number])
            add(skipped: [.unreadableStamp: LineSample(line.number)], redacted: redacted)
            return nil
        }
    }
}

public enum StreamItem: Sendable {
    case record(Record)
    /// `ausearch` marks where one event ends and the next begins.
    case boundary
    /// Not a record, but glibc's own words about an executable-stack request.
    case loaderMessage(LoaderMessage)
}

/// How an input is cut for scanning. Tests and fuzzers make the sizes small, so a small input
/// crosses thousands of chunk and split boundaries.
public struct ScanLayout: Sendable {
    /// Bytes read before lines are handed out: large enough to amortise the per-region work,
    /// small enough that a region is still in the core's cache when its lines are selected
    /// and parsed after the prescan (8 MB regions cost a cache miss on every kept line).
    public var chunkSize: Int
    /// Regions at least this large are pre-scanned as two halves, in parallel (see `RegionPrescan`).
    public var parallelThreshold: Int
    /// Longer lines are cut here, and counted.
    public var maxLineLength: Int

    public init(chunkSize: Int, parallelThreshold: Int, maxLineLength: Int) {
        self.chunkSize = max(chunkSize, 1)
        self.parallelThreshold = max(parallelThreshold, 2)
        self.maxLineLength = max(maxLineLength, 1)
    }

    public static let standard = ScanLayout(chunkSize: 1 << 20, parallelThreshold: 256 << 10, maxLineLength: 1 << 20)
}

/// Reads one input and yields the records the diagnosis needs, in order, counting what it skipped.
///
/// The input is read in large chunks. Each is pre-scanned in place (two halves at once on a
/// multi-core machine: line ends, record headers, which lines matter; ahead of its turn while
/// that is heavy, see `prescanAhead`), then one pass in input order keeps SELinux records and
/// the records of their events, copying and parsing only those.
public struct RecordStream {
    private var input: ChunkedInput
    /// The file this stream opened, closed with it (not standard input).
    private let ownedFile: FileDescriptor?
    private let layout: ScanLayout
    private var scanner: LineScanner
    private var queue: [SelectedLine] = []
    private var queueIndex = 0
    /// Set once the input has no more pieces.
    private var inputEnded = false
    /// The queue's lines before this index may be handed out; decided once per region.
    private var handOutEnd = 0
    /// The region the queue's lines point into. Only a read made once the queue is drained (but
    /// for a held record, copied first) may reuse its bytes: a read ahead keeps them (see
    /// `ChunkedInput.next(keepingLast:)`).
    private var region = UnsafeRawBufferPointer(start: nil, count: 0)
    /// The `ausearch -i` lookups of the two halves of a prescan, kept from region to region
    /// (a region's halves are pre-scanned after the previous region's are done).
    private var halfLookups = [InterpretedLookups(), InterpretedLookups()]
    /// The piece after the one whose lines are handed out; nil before the first is read.
    private var ahead: Ahead?
    /// Whether a large region's prescan starts as soon as it is read, to run while the region
    /// before is selected, rather than when its turn comes: only while the input holds
    /// `ausearch -i` lines, whose conversion makes the prescan worth overlapping. A light
    /// prescan is better run just before the selection, by the main thread too: the lines are
    /// then still in its core's cache when it reads them again (overlapping cost a raw log
    /// 15% more CPU in cache misses, and no time).
    private var prescanAhead = false

    /// A piece of input read ahead of its turn.
    private enum Ahead {
        /// A large region, pre-scanned in halves (meanwhile, if its prescan was started).
        case prescanning(RegionPrescan)
        /// A small region (or one without a line end past its middle), scanned in one pass in turn.
        case lines(UnsafeRawBufferPointer)
        case truncatedLine(UnsafeRawBufferPointer)
        case end
        case failed(any Error)
    }
    public private(set) var stats: InputStats
    /// Bytes handed to the scanner so far, for progress reports.
    public private(set) var bytesScanned = 0
    /// Called after each chunk with `bytesScanned`: most chunks yield nothing to return.
    public var onChunk: ((Int) -> Void)?

    public static let defaultMaxLineLength = ScanLayout.standard.maxLineLength

    /// Where large regions' prescan halves are offered to another thread (see `SpareWork`);
    /// nil: a Dispatch worker runs them.
    public var spareWork: SpareWork?

    /// Opens the source. Throws `Errno` if the file cannot be opened.
    /// `keepEverything` keeps every record, not just those the diagnosis reads.
    public init(_ source: InputSource, layout: ScanLayout = .standard, keepEverything: Bool = false) throws {
        let (bytes, owned) = try source.open()
        self.init(bytes, ownedFile: owned, name: source.name, layout: layout, keepEverything: keepEverything)
    }

    /// Bytes already in memory (gzip'd or not), read as a file would be.
    public init(bytes: [UInt8], name: String, layout: ScanLayout = .standard, keepEverything: Bool = false) throws {
        let source = try PrefixedSource.sniffing(MemorySource(bytes: bytes))
        self.init(source, ownedFile: nil, name: name, layout: layout, keepEverything: keepEverything)
    }

    private init(_ source: any ChunkSource, ownedFile: FileDescriptor?, name: String, layout: ScanLayout, keepEverything: Bool) {
        self.ownedFile = ownedFile
        self.layout = layout
        input = ChunkedInput(source: source, chunkSize: layout.chunkSize, maxLineLength: layout.maxLineLength)
        scanner = LineScanner()
        scanner.keepEverything = keepEverything
        scanner.maxLineLength = layout.maxLineLength
        stats = InputStats(name: name)
    }

    /// The next record, event boundary or loader message; nil at end of input.
    public mutating func next() throws -> StreamItem? {
        while true {
            while queueIndex < handOutEnd {
                let line = queue[queueIndex]
                queueIndex += 1
                if let item = stats.item(line, in: region, redacted: scanner.forms.redacted) { return item }
            }
            queue.removeFirst(queueIndex)
            queueIndex = 0
            // Held records outlive their region.
            for i in queue.indices { queue[i].bytes = .copied(queue[i].bytes.array(region)) }
            if inputEnded { return nil }
            let piece = ahead ?? read(keepingLast: false)
            ahead = nil
            var prescans: [Prescan] = []
            if case .prescanning(let job) = piece { prescans = finish(job) }
            // While the prescans are heavy, the next piece is read now and its prescan started,
            // to run while this piece is selected and its records handed out. (Nothing is read
            // past the end or a read error: a caller asking again then has the reader asked.)
            switch piece {
            case .end, .failed: break
            case .prescanning, .lines, .truncatedLine: if prescanAhead { ahead = read(keepingLast: true) }
            }
            var tally = ScanTally()
            switch piece {
            case .end:
                inputEnded = true
                scanner.finishInput(selected: &queue, tally: &tally)
                record(tally)
                handOutEnd = queue.count
                continue
            case .failed(let error):
                throw error
            case .prescanning(let job):
                region = job.region
                bytesScanned += region.count
                for prescan in prescans { scanner.select(prescan, in: region, selected: &queue, tally: &tally) }
                scanner.finish(region)
            case .lines(let lines):
                region = lines
                bytesScanned += region.count
                scanner.scan(region, selected: &queue, tally: &tally)
            case .truncatedLine(let line):
                region = line
                bytesScanned += region.count
                stats.truncated += 1
                scanner.scan(region, headOfLongerLine: true, selected: &queue, tally: &tally)
            }
            record(tally)
            // The record a continuation would extend, and what follows it, wait for the next
            // region, whose first line may be its wrapped rest (a pasted ticket).
            handOutEnd = LineScanner.continuable(in: queue, chainStart: scanner.chainStart) ?? queue.count
            onChunk?(bytesScanned)
        }
    }

    private mutating func record(_ tally: ScanTally) {
        stats.add(tally, redacted: scanner.forms.redacted)
    }

    /// The next piece, its prescan started if it is large and `prescanAhead`; a read error is
    /// kept for its turn (after the lines read before it), not thrown at once. `keepingLast`:
    /// the region before is still to be selected and read.
    private mutating func read(keepingLast: Bool) -> Ahead {
        let piece: ChunkedInput.Piece?
        do { piece = try input.next(keepingLast: keepingLast) } catch { return .failed(error) }
        switch piece {
        case nil: return .end
        case .truncatedLine(let line): return .truncatedLine(line)
        case .lines(let lines):
            guard lines.count >= layout.parallelThreshold,
                  let job = RegionPrescan(lines, lookups: halfLookups, maxLineLength: layout.maxLineLength, keepEverything: scanner.keepEverything,
                                          spare: spareWork)
            else { return .lines(lines) }
            if prescanAhead { job.start() }
            return .prescanning(job)
        }
    }

    /// The prescans of a region read ahead, the halves in order; their lookups go to the next.
    private mutating func finish(_ job: RegionPrescan) -> [Prescan] {
        let (prescans, lookups) = job.finish()
        halfLookups = lookups
        prescanAhead = prescans.contains { $0.convertedLines }
        return prescans
    }

    public func close() {
        // A worker may still be reading the region read ahead, in the buffer about to go.
        if case .prescanning(let job)? = ahead { job.abandon() }
        input.deallocate()
        try? ownedFile?.close()
    }
}
