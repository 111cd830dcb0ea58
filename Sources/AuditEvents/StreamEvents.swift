import AuditInput

extension RecordStream {
    /// Reads the stream to its end through `assembler`, handing on each event as it completes and
    /// each loader message as it is read. Events still open at the end, or when reading fails,
    /// are flushed before the error is thrown, so a reader that stops early still sees them.
    /// For one-pass readers (tests, fuzz targets); the tool's own loops also admit records by
    /// scope and report progress between items.
    public mutating func readEvents(
        into assembler: inout Assembler,
        _ takeEvent: (Event) -> Void,
        loaderMessages takeMessage: (LoaderMessage) -> Void = { _ in }
    ) throws {
        defer { assembler.flush().forEach(takeEvent) }
        while let item = try next() {
            switch item {
            case .record(let record): assembler.add(record).forEach(takeEvent)
            case .boundary: assembler.boundary().forEach(takeEvent)
            case .loaderMessage(let message): takeMessage(message)
            }
        }
    }
}
