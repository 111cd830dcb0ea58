// libFuzzer target: one input is a few lines of text. Every line goes through the record grammar
// (RecordParser), the other input forms (LineForms: interpreted, journald, syslog, pasted), the
// loader-message reader and field decoding; the whole input also goes through the batch scanner
// that live input uses. Only crashes and sanitizer reports are findings.
@testable import AuditInput

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecordParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false).map(Array.init)
    var forms = LineForms()
    var previous: [UInt8]?
    for (index, line) in lines.enumerated() {
        let location = SourceLocation(input: "fuzz", line: index + 1)
        if case .record(let record) = RecordParser.parse(line, source: location) {
            decodeFields(of: record)
            forms.sawRecord(number: index + 1)
        }
        let classified = line.withUnsafeBytes { raw in
            withPrevious(previous) { forms.classify(raw, number: index + 1, previous: $0) }
        }
        if case .record(let canonical) = classified, case .record(let record) = canonical.withUnsafeBytes({ RecordParser.parse($0, source: location) }) {
            decodeFields(of: record)
        }
        _ = LoaderMessage.parse(String(decoding: line, as: UTF8.self), source: location)
        previous = line
    }
    var batch = LineBatchParser(name: "fuzz")
    for item in batch.parse(lines) {
        if case .record(let record) = item { decodeFields(of: record) }
    }
    return 0
}

private func withPrevious<T>(_ previous: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> T) -> T {
    guard let previous else { return body(nil) }
    return previous.withUnsafeBytes { body($0) }
}

/// Every accessor the diagnosis uses on a record's fields, on every field name present.
private func decodeFields(of record: Record) {
    let fields = record.fields
    for (name, raw) in fields.pairs {
        _ = fields[name]
        _ = fields.hex(name)
        _ = fields.int(name)
        _ = FieldValue.hexBytes(raw)
        _ = FieldValue.decode(raw, name: "proctitle")
    }
    _ = record.enrichment.map { Fields(parsing: $0).pairs.count }
    _ = record.key.description
}
