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
        var diagnoser = Diagnoser(loader: loader, nodeLoaders: nodeLoaders, policy: policy, hosts: hosts)
        // Nothing reads the findings before the last event is in.
        diagnoser.defersCounts = true
        var inputs: [InputStats] = []
        var failed = false
        func take(_ batch: [ReadItem]) {
            for item in batch {
                switch item {
                case .event(let event): diagnoser.add(event)
                case .loaderMessage(let message): diagnoser.add(message)
                case .scanned(let bytes): progress?.update(bytes: bytes, denials: diagnoser.denialCount)
                case .finished(let end):
                    progress?.finishInput(bytes: end.bytes)
                    for line in end.warnings { warn(line) }
                    failed = failed || end.failed
                    guard let stats = end.stats else { break }
                    report(stats, warn: warn)
                    inputs.append(stats)
                }
            }
        }
        // Reading and assembling on one thread, diagnosing on this one (see `EventReader`).
        var reader = EventReader(sources: InputOrder.chronological(sources), scopes: scopes, filter: filter,
                                 reportsProgress: progress != nil)
        // Room for the reader to run ahead while the first denials of new programs are explained.
        let handoff = Handoff<ReadItem>(maxBytes: 2 << 20)
        // This thread pre-scans the reader's regions while it has no events to diagnose.
        let spare = SpareWork(wake: handoff.wake)
        reader.spareWork = spare
        if let thread = ReadingThread({ [reader] in reader.run(send: handoff.send) }) {
            while case let batch = handoff.receive(whileWaiting: spare.help), !batch.isEmpty {
                take(batch)
                handoff.giveBack(batch)
            }
            thread.join()
        } else {
            // Alone, with no one to offer prescan halves to.
            reader.spareWork = nil
            reader.run { batch, _ in take(batch) }
        }
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
}
