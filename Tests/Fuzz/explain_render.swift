// libFuzzer target: a log through the whole diagnosis and every report format. The input is read
// as a file would be, its events assembled and diagnosed against an empty root (no program is
// found, so every path in the log is reported as the log gives it), and the report rendered as
// text with and without colour, as a summary, as Markdown and as JSON. Hostile field values
// (paths, comms, contexts, command lines, numbers) meet the renderers' byte-level escaping,
// wrapping and digests here. Only crashes and sanitizer reports are findings.
import AuditEvents
import AuditInput
import Diagnosis
import ELFLoader
import Rendering
#if canImport(Glibc)
import Glibc
#endif

/// A directory with nothing in it, made once per fuzzing process.
private let emptyRoot: String = {
    var template = Array("/tmp/avc-explain-fuzz-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { fatalError("fuzz: cannot make a temporary directory") }
    return String(cString: made)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExplainRender(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let log = Array(UnsafeBufferPointer(start: data, count: size))
    guard var stream = try? RecordStream(bytes: log, name: "fuzz") else { return 0 }
    defer { stream.close() }
    var assembler = Assembler()
    var diagnoser = Diagnoser(loader: LoaderSearch(root: FileSystemRoot(directory: emptyRoot)))
    diagnoser.defersCounts = true
    while let item = try? stream.next() {
        switch item {
        case .record(let record): for event in assembler.add(record) { diagnoser.add(event) }
        case .boundary: for event in assembler.boundary() { diagnoser.add(event) }
        case .loaderMessage(let message): diagnoser.add(message)
        }
    }
    for event in assembler.flush() { diagnoser.add(event) }
    diagnoser.addPendingCounts()
    var report = Report(findings: diagnoser.takeFacts(), events: diagnoser.eventsSeen, denials: diagnoser.denialCount,
                        inputs: [stream.stats], sysroot: nil, unkeptDenials: diagnoser.unkeptDenials, policy: diagnoser.policyInForce)
    report.timeline = diagnoser.timeline
    var bytes = 0
    let sink: (String) -> Void = { bytes &+= $0.utf8.count }
    TextRenderer(color: false).render(report, to: sink)
    TextRenderer(color: true, conventions: OutputConventions(width: 40, unicode: false)).render(report, to: sink)
    SummaryRenderer().render(report, to: sink)
    MarkdownRenderer().render(report, to: sink)
    JSONRenderer.write(report, to: sink)
    return bytes == -1 ? 1 : 0
}
