/// Why a line of input was not used, for the per-input report: no line is dropped silently.
public enum SkipReason: String, Sendable, CaseIterable, Comparable {
    case notAuditRecord = "not an audit record"
    case unreadableStamp = "an audit record whose stamp could not be read"
    case noPermission = "an AVC with no stamp and no permission"
    case summaryOfRecordRead = "setroubleshoot's summary of a denial already read from its record"
    case unusableLoaderMessage = "a glibc loader error naming no object, or longer than glibc writes one"

    public static func < (a: SkipReason, b: SkipReason) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How many lines had some property, and the first few of their numbers.
public struct LineSample: Sendable, Equatable {
    public var count = 0
    /// The first line numbers, in order; the rest are only counted.
    public var lines: [Int] = []

    public init() {}

    init(_ number: Int) { add(number) }

    static let size = 5

    mutating func add(_ number: Int) {
        add(number...number)
    }

    /// Consecutive lines, counted at once.
    mutating func add(_ numbers: ClosedRange<Int>) {
        count += numbers.count
        if lines.count < Self.size || numbers.lowerBound < lines[Self.size - 1] { merge(Array(numbers.prefix(Self.size))) }
    }

    mutating func add(_ other: LineSample) {
        count += other.count
        merge(other.lines)
    }

    /// Numbers may arrive out of order (a region's tally, then lines of that region whose
    /// stamp fails to parse): the sample keeps the input's first ones.
    private mutating func merge(_ numbers: [Int]) {
        lines = Array((lines + numbers).sorted().prefix(Self.size))
    }

    /// `(line 4)`, `(lines 1, 6, 7, …)`.
    public var described: String {
        let more = count > lines.count ? ", …" : ""
        return "(line\(lines.count == 1 ? "" : "s") \(lines.map(String.init).joined(separator: ", "))\(more))"
    }
}
