import Dispatch
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Where records come from: a file, or standard input.
public enum InputSource: Sendable, Equatable {
    case standardInput
    case file(String)

    /// The name used in messages: the path, or `(standard input)`.
    public var name: String {
        switch self {
        case .standardInput: return "(standard input)"
        case .file(let path): return path
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

    static let sampleSize = 5

    /// Records malformed line numbers in the sample, which keeps the input's first ones in order:
    /// numbers arrive out of order (a scanned region's tally, then the lines of that region whose
    /// stamp fails to parse).
    mutating func sampleMalformed(_ numbers: some Sequence<Int>) {
        malformedSample = Array((malformedSample + numbers).sorted().prefix(Self.sampleSize))
    }
}

public enum StreamItem: Sendable {
    case record(Record)
    /// `ausearch` marks where one event ends and the next begins.
    case boundary
    /// Not a record, but glibc's own words about an executable-stack request.
    case loaderMessage(LoaderMessage)
}

/// Reads one input and yields the records the diagnosis needs, in order, counting what it skipped.
///
/// The input is read in large chunks and scanned in place (two halves at once on a multi-core
/// machine); only SELinux records and the records of their events are copied and parsed.
public struct RecordStream {
    private var input: ChunkedInput
    private let fd: FileDescriptor
    private let ownsDescriptor: Bool
    private var scanner: LineScanner
    private var queue: [SelectedLine] = []
    private var queueIndex = 0
    private var nextLine = 1
    public private(set) var stats: InputStats
    /// Bytes handed to the scanner so far, for progress reports.
    public private(set) var bytesScanned = 0
    /// Called after each chunk with `bytesScanned`: most chunks yield nothing to return.
    public var onChunk: ((Int) -> Void)?

    public static let defaultMaxLineLength = 1 << 20
    static let chunkSize = 8 << 20
    /// Regions at least this large are scanned as two halves in parallel.
    static let parallelThreshold = 2 << 20

    /// Opens the source. Throws `Errno` if the file cannot be opened.
    /// `keepEverything` keeps every record, not just those the diagnosis reads.
    public init(_ source: InputSource, keepEverything: Bool = false, maxLineLength: Int = RecordStream.defaultMaxLineLength) throws {
        switch source {
        case .standardInput:
            fd = .standardInput
            ownsDescriptor = false
        case .file(let path):
            fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
            ownsDescriptor = true
        }
        let bytes: any ChunkSource
        do {
            bytes = try PrefixedSource.sniffing(DescriptorSource(fd))
        } catch {
            if ownsDescriptor { try? fd.close() }
            throw error
        }
        input = ChunkedInput(source: bytes, chunkSize: Self.chunkSize, maxLineLength: maxLineLength)
        scanner = LineScanner()
        scanner.keepEverything = keepEverything
        scanner.maxLineLength = maxLineLength
        stats = InputStats(name: source.name)
    }

    /// The next record, event boundary or loader message; nil at end of input.
    public mutating func next() throws -> StreamItem? {
        while true {
            while queueIndex < queue.count {
                let line = queue[queueIndex]
                queueIndex += 1
                let location = SourceLocation(input: stats.name, line: line.number)
                switch line.kind {
                case .boundary:
                    return .boundary
                case .loaderMessage:
                    if let m = LoaderMessage.parse(String(decoding: line.bytes, as: UTF8.self), source: location) { return .loaderMessage(m) }
                case .record:
                    if case .record(let record) = RecordParser.parse(line.bytes, source: location) {
                        stats.kept += 1
                        return .record(record)
                    }
                    // A header that looked canonical but whose stamp does not parse.
                    stats.malformed += 1
                    stats.sampleMalformed([line.number])
                }
            }
            queue.removeAll(keepingCapacity: true)
            queueIndex = 0
            guard let piece = try input.next() else { return nil }
            var tally = ScanTally()
            switch piece {
            case .lines(let region):
                bytesScanned += region.count
                scan(region, into: &tally)
            case .truncatedLine(let region):
                bytesScanned += region.count
                stats.truncated += 1
                scanner.scan(region, firstLine: nextLine, selected: &queue, tally: &tally)
            }
            nextLine += tally.lines
            stats.lines += tally.lines
            stats.records += tally.recordLines
            stats.truncated += tally.truncated
            stats.malformed += tally.malformed
            stats.loaderMessages += tally.loaderMessages
            stats.sampleMalformed(tally.malformedSample)
            if let why = tally.refused, stats.refused == nil { stats.refused = why }
            onChunk?(bytesScanned)
        }
    }

    /// Scans one region, as two halves on two threads when it is large.
    private mutating func scan(_ region: UnsafeRawBufferPointer, into tally: inout ScanTally) {
        guard region.count >= Self.parallelThreshold, let base = region.baseAddress,
              let mid = memchr(base + region.count / 2, 0x0a, region.count - region.count / 2) else {
            scanner.scan(region, firstLine: nextLine, selected: &queue, tally: &tally)
            return
        }
        let split = base.distance(to: mid) + 1
        var second = LineScanner()
        second.keepEverything = scanner.keepEverything
        second.maxLineLength = scanner.maxLineLength
        // Each half is scanned by one thread only; the halves share nothing but the read-only region.
        let halves = [HalfScan(scanner, UnsafeRawBufferPointer(rebasing: region[0..<split]), firstLine: nextLine),
                      HalfScan(second, UnsafeRawBufferPointer(rebasing: region[split...]), firstLine: 0)]
        DispatchQueue.concurrentPerform(iterations: 2) { halves[$0].run() }
        let (a, b) = (halves[0], halves[1])
        let offset = nextLine + a.tally.lines
        for i in b.lines.indices { b.lines[i].number += offset }
        queue += a.lines
        queue += b.lines
        tally.lines = a.tally.lines + b.tally.lines
        tally.recordLines = a.tally.recordLines + b.tally.recordLines
        tally.truncated = a.tally.truncated + b.tally.truncated
        tally.malformed = a.tally.malformed + b.tally.malformed
        tally.malformedSample = a.tally.malformedSample + b.tally.malformedSample.map { $0 + offset }
        tally.loaderMessages = a.tally.loaderMessages + b.tally.loaderMessages
        tally.refused = a.tally.refused ?? b.tally.refused
        // The next region follows the second half: its scanner's recent records carry over.
        scanner = b.scanner
    }

    public func close() {
        input.deallocate()
        if ownsDescriptor { try? fd.close() }
    }
}

/// One half of a region and what scanning it found; touched by a single thread at a time.
private final class HalfScan: @unchecked Sendable {
    var scanner: LineScanner
    let region: UnsafeRawBufferPointer
    let firstLine: Int
    var lines: [SelectedLine] = []
    var tally = ScanTally()

    init(_ scanner: LineScanner, _ region: UnsafeRawBufferPointer, firstLine: Int) {
        self.scanner = scanner
        self.region = region
        self.firstLine = firstLine
    }

    func run() { scanner.scan(region, firstLine: firstLine, selected: &lines, tally: &tally) }
}
