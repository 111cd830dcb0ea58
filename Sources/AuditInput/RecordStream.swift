import SystemPackage

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
    public var records = 0
    public var malformed = 0
    /// The first few malformed line numbers; the rest are only counted.
    public var malformedSample: [Int] = []
    public var truncated = 0
    /// glibc loader messages found among the lines (see `LoaderMessage`).
    public var loaderMessages = 0

    static let sampleSize = 5
}

public enum StreamItem: Sendable {
    case record(Record)
    /// `ausearch` marks where one event ends and the next begins.
    case boundary
    /// Not a record, but glibc's own words about an executable-stack request.
    case loaderMessage(LoaderMessage)
}

/// Reads one input and yields its records in order, counting what it had to skip.
public struct RecordStream {
    private var reader: LineReader
    private let fd: FileDescriptor
    private let ownsDescriptor: Bool
    public private(set) var stats: InputStats

    /// Opens the source. Throws `Errno` if the file cannot be opened.
    public init(_ source: InputSource, maxLineLength: Int = LineReader.defaultMaxLineLength) throws {
        switch source {
        case .standardInput:
            fd = .standardInput
            ownsDescriptor = false
        case .file(let path):
            fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
            ownsDescriptor = true
        }
        reader = LineReader(fd: fd, maxLineLength: maxLineLength)
        stats = InputStats(name: source.name)
    }

    /// The next record or event boundary, nil at end of input.
    public mutating func next() throws -> StreamItem? {
        while let line = try reader.next() {
            stats.lines += 1
            if line.truncated { stats.truncated += 1 }
            switch RecordParser.parse(line.bytes, source: SourceLocation(input: stats.name, line: line.number)) {
            case .record(let record):
                stats.records += 1
                return .record(record)
            case .separator(.eventBoundary):
                return .boundary
            case .separator(.blank):
                continue
            case .malformed:
                let location = SourceLocation(input: stats.name, line: line.number)
                if let message = LoaderMessage.parse(String(decoding: line.bytes, as: UTF8.self), source: location) {
                    stats.loaderMessages += 1
                    return .loaderMessage(message)
                }
                stats.malformed += 1
                if stats.malformedSample.count < InputStats.sampleSize { stats.malformedSample.append(line.number) }
            }
        }
        return nil
    }

    public func close() {
        if ownsDescriptor { try? fd.close() }
    }
}
