import AuditInput
import AuditEvents
import Diagnosis
import ELFLoader
import SystemPackage

/// The one-way flow of a run: inputs → records → events → findings. Problems with an input
/// are reported through `warn` and the run goes on with the next one.
enum Analysis {
    struct Outcome {
        var findings: [Finding]
        var events: Int
        var denials: Int
        var inputs: [InputStats]
        var inputFailed: Bool
        var unkeptDenials: Int
        var policy: PolicyEnvironment
        var timeline: [StatusChange]
        var selinuxErrors: [(text: String, count: Int)]
        var limits: [LimitReached]
    }

    static func run(sources: [InputSource], loader: LoaderSearch, nodeLoaders: [String: LoaderSearch] = [:], policy: PolicyEnvironment,
                    hosts: NodeHosts = NodeHosts(), scopes: [InputSource: InputScope] = [:], filter: EventFilter = EventFilter(),
                    progress: ProgressLine? = nil, warn: (String) -> Void) -> Outcome {
        var progress = progress
        var assembler = Assembler()
        var diagnoser = Diagnoser(loader: loader, nodeLoaders: nodeLoaders, policy: policy, hosts: hosts)
        // Nothing reads the findings before the last event is in.
        diagnoser.defersCounts = true
        var inputs: [InputStats] = []
        var failed = false
        for source in InputOrder.chronological(sources) {
            let stream: RecordStream
            do {
                stream = try RecordStream(source)
            } catch {
                warn("\(source.name): cannot open: \(describe(error))")
                failed = true
                continue
            }
            var s = stream
            defer { s.close() }
            let scope = scopes[source]
            var outOfScope = 0
            if progress != nil {
                s.onChunk = { bytes in progress?.update(bytes: bytes, denials: diagnoser.denialCount) }
            }
            do {
                while let item = try s.next() {
                    let done: [Event]
                    switch item {
                    case .record(let record):
                        guard let scope else { done = assembler.add(record); break }
                        guard let admitted = scope.admit(record) else { outOfScope += 1; done = []; break }
                        done = assembler.add(admitted)
                    case .boundary: done = assembler.boundary()
                    case .loaderMessage(let message):
                        if filter.accepts(message) { diagnoser.add(message) }
                        done = []
                    }
                    for event in done where filter.accepts(event) { diagnoser.add(event) }
                }
                progress?.finishInput(bytes: s.bytesScanned)
            } catch {
                warn("\(source.name): read error after line \(s.stats.lines): \(describe(error))")
                failed = true
            }
            if let why = s.stats.refused {
                warn("\(source.name): \(why)")
                failed = true
            }
            var stats = s.stats
            // The records left out are the logs' own: kept there, not here.
            stats.kept -= min(stats.kept, outOfScope)
            if scope?.before != nil {
                warn("\(source.name): \(stats.kept) record\(stats.kept == 1 ? "" : "s") older than the report's audit logs read from here; the \(outOfScope) later ones are the logs' own")
            }
            report(stats, warn: warn)
            inputs.append(stats)
        }
        for event in assembler.flush() where filter.accepts(event) { diagnoser.add(event) }
        diagnoser.addPendingCounts()
        progress?.clear()
        // An input whose denials were all of other permissions says so, once the last events are in.
        for stats in inputs {
            guard let denied = diagnoser.deniedByInput[stats.name], denied.exec == 0, denied.other > 0 else { continue }
            warn("\(stats.name): no exec* denial: \(denied.other) denial\(denied.other == 1 ? " is" : "s are") of other permissions (\(denied.otherPermissions.map(\.name).joined(separator: ", "))), listed under other denials; audit2why explains those")
        }
        // The policy is guessed from the findings' domains before they are moved out.
        let policy = diagnoser.policyInForce
        let limits = diagnoser.limitsReached
        return Outcome(findings: diagnoser.takeFacts(), events: diagnoser.eventsSeen, denials: diagnoser.denialCount,
                       inputs: inputs, inputFailed: failed, unkeptDenials: diagnoser.unkeptDenials,
                       policy: policy, timeline: diagnoser.timeline,
                       selinuxErrors: diagnoser.selinuxErrors.map { ($0.text, $0.count) }, limits: limits)
    }

    /// The one-line reports on stderr about what an input held that was not used, and why an
    /// input gave no denial at all.
    static func report(_ stats: InputStats, warn: (String) -> Void) {
        if stats.refused == nil {
            for (reason, sample) in stats.skipped.sorted(by: { $0.key < $1.key }) {
                let lines = sample.count == 1 ? "1 line that is" : "\(sample.count) lines that are"
                let what = reason == .notAuditRecord ? (sample.count == 1 ? "not an audit record" : "not audit records") : reason.rawValue
                warn("\(stats.name): skipped \(lines) \(what) \(sample.described)")
            }
        }
        if stats.redacted.count > 0 {
            warn("\(stats.name): \(stats.redacted.count) record\(stats.redacted.count == 1 ? "'s stamp was" : "s' stamps were") hidden by the poster (`audit(XXX)`, `audit(..)`); read with the time unknown \(stats.redacted.described)")
        }
        if stats.truncated > 0 {
            warn("\(stats.name): \(stats.truncated) line\(stats.truncated == 1 ? " was" : "s were") longer than \(RecordStream.defaultMaxLineLength >> 20) MiB and cut there")
        }
        guard stats.lines > 0, stats.loaderMessages == 0, stats.refused == nil else { return }
        if stats.records == 0 {
            warn("\(stats.name): no audit records found; expected audit.log lines or `ausearch --raw` output")
        } else if stats.denialRecords == 0 {
            warn("\(stats.name): no SELinux denial found: \(stats.records) audit record\(stats.records == 1 ? "" : "s"), none of them an AVC or USER_AVC")
        }
    }

    private static func describe(_ error: Error) -> String {
        if let errno = error as? Errno { return errno.description }
        return "\(error)"
    }
}
