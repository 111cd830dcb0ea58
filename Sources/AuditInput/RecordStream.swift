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
                    if stats.malformedSample.count < InputStats.sampleSize { stats.malformedSample.append(line.number) }
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
            for n in tally.malformedSample where stats.malformedSample.count < InputStats.sampleSize { stats.malformedSample.append(n) }
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
        let first = UnsafeRawBufferPointer(rebasing: region[0..<split])
        let second = UnsafeRawBufferPointer(rebasing: region[split...])
        var secondScanner = LineScanner()
        secondScanner.keepEverything = scanner.keepEverything
        secondScanner.maxLineLength = scanner.maxLineLength
        var firstLines: [SelectedLine] = [], secondLines: [SelectedLine] = []
        var firstTally = ScanTally(), secondTally = ScanTally()
        let firstLine = nextLine
        withUnsafeMutablePointer(to: &scanner) { a in
            withUnsafeMutablePointer(to: &secondScanner) { b in
                nonisolated(unsafe) let jobs = (a, b, first, second)
                nonisolated(unsafe) let out = (withUnsafeMutablePointer(to: &firstLines) { $0 }, withUnsafeMutablePointer(to: &secondLines) { $0 },
                                               withUnsafeMutablePointer(to: &firstTally) { $0 }, withUnsafeMutablePointer(to: &secondTally) { $0 })
                DispatchQueue.concurrentPerform(iterations: 2) { i in
                    if i == 0 {
                        jobs.0.pointee.scan(jobs.2, firstLine: firstLine, selected: &out.0.pointee, tally: &out.2.pointee)
                    } else {
                        jobs.1.pointee.scan(jobs.3, firstLine: 0, selected: &out.1.pointee, tally: &out.3.pointee)
                    }
                }
            }
        }
        let offset = firstLine + firstTally.lines
        for i in secondLines.indices { secondLines[i].number += offset }
        queue += firstLines
        queue += secondLines
        tally.lines = firstTally.lines + secondTally.lines
        tally.recordLines = firstTally.recordLines + secondTally.recordLines
        tally.truncated = firstTally.truncated + secondTally.truncated
        tally.malformed = firstTally.malformed + secondTally.malformed
        tally.malformedSample = firstTally.malformedSample + secondTally.malformedSample.map { $0 + offset }
        tally.loaderMessages = firstTally.loaderMessages + secondTally.loaderMessages
        tally.refused = firstTally.refused ?? secondTally.refused
        // The next region follows the second half: its scanner's recent records carry over.
        scanner = secondScanner
    }

    public func close() {
        input.deallocate()
        if ownsDescriptor { try? fd.close() }
    }
}
