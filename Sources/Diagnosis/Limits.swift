import ELFLoader

/// A bound on what a run holds that the input reached: the answer is then incomplete, so
/// it is reported (text header, JSON `summary.limits_reached`), never left silent.
/// Caches that only cost speed when full (analysed programs, `ObjectCaches`) are not limits,
/// but for the repeat cache: past it a denial storm is read in full, event by event, several
/// times slower, which in a live session can mean messages lost.
public struct LimitReached: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Enforcing and boolean changes (MAC_STATUS, MAC_CONFIG_CHANGE) kept for the timeline.
        case timeline
        /// Distinct SELINUX_ERR / USER_SELINUX_ERR texts listed.
        case selinuxErrors = "selinux_errors"
        /// Distinct findings kept; denials that would open another one are only counted.
        case findings
        /// The text kept findings hold (`Diagnoser.maxFindingText`, in bytes): reached before
        /// their number when the log's paths or command lines are long.
        case findingText = "finding_text"
        /// Objects in one program's DT_NEEDED closure.
        case loadClosure = "load_closure"
        /// Nodes named per finding (`NodeCounts.maxListed`); occurrences on further nodes are only counted.
        case nodes
        /// Signatures of events already read (`Diagnoser.RepeatBound`); the answers are
        /// complete, events the emptied cache no longer knew were read in full again.
        case repeatSignatures = "repeat_signatures"
    }

    public var kind: Kind
    /// The bound itself, in the kind's own terms (changes, distinct texts, findings, objects).
    public var bound: Int
    /// How much of the input the report holds, in `unit`s.
    public var kept: Int
    /// How much there was, in `unit`s: what lies past the bound is counted, not kept.
    public var seen: Int
    /// The program, for a load closure.
    public var subject: String?

    public init(_ kind: Kind, bound: Int, kept: Int, seen: Int, subject: String? = nil) {
        self.kind = kind
        self.bound = bound
        self.kept = kept
        self.seen = seen
        self.subject = subject
    }

    /// What `kept` and `seen` count.
    public var unit: String {
        switch kind {
        case .timeline: return "policy changes"
        case .selinuxErrors: return "records"
        case .findings, .findingText: return "occurrences"
        case .loadClosure: return "DT_NEEDED entries"
        case .nodes: return "occurrences"
        case .repeatSignatures: return "signatures"
        }
    }

    /// One sentence for people, the same in text and JSON.
    public var detail: String {
        let n = Self.grouped
        switch kind {
        case .timeline:
            return "timeline kept the first \(n(kept)) of \(n(seen)) policy changes"
        case .selinuxErrors:
            return "SELinux errors kept the first \(n(bound)) distinct texts: \(n(seen - kept)) of \(n(seen)) records had other texts and are not listed"
        case .findings:
            return "findings kept the first \(n(bound)) distinct ones: \(n(seen - kept)) of \(n(seen)) occurrences would have opened further findings and are not shown; narrow the input (--since, --comm, --perm)"
        case .findingText:
            return "findings stopped at \(bound >> 20) MiB of text (their paths, contexts and command lines come from the log): \(n(seen - kept)) of \(n(seen)) occurrences would have opened further findings and are not shown; narrow the input (--since, --comm, --perm)"
        case .loadClosure:
            let left = seen - kept
            return "the load closure of \(subject ?? "a program") was cut at \(n(bound)) objects: \(n(left)) DT_NEEDED \(left == 1 ? "entry was" : "entries were") not searched, so an object at fault may lie beyond the cut"
        case .nodes:
            return "node lists name the first \(n(bound)) nodes of each finding: \(n(seen - kept)) of \(n(seen)) occurrences of the findings seen on more nodes came from nodes not named; narrow the input (--node)"
        case .repeatSignatures:
            return "the repeat cache holds \(n(bound)) event signatures and was emptied after \(n(seen - kept)) of \(n(seen)) signatures stored: repeats of those were read in full again, which is slower but finds the same"
        }
    }

    /// 1234567 as "1,234,567", as the text report prints counts.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (value < 0 ? "-" : "") + out
    }
}

extension LimitReached {
    /// A closure walk that stopped at its bound: kept and seen count DT_NEEDED entries, the
    /// kept objects' entries that were searched against all that were met.
    static func loadClosure(_ cut: ClosureCut, closure: LoadClosure, executable: String) -> LimitReached {
        let searched = closure.objects.reduce(0) { $0 + ($1.elf.dynamic?.needed.count ?? 0) } - cut.unsearchedEntries
        return LimitReached(.loadClosure, bound: cut.objects, kept: searched, seen: searched + cut.unsearchedEntries, subject: executable)
    }
}

extension Diagnoser {
    /// Every bound the input reached so far, in a fixed order: timeline, SELinux errors, findings, nodes, repeat signatures, closures.
    public var limitsReached: [LimitReached] {
        var out: [LimitReached] = []
        let findings = countedFindings
        if timelineSeen > timeline.count {
            out.append(LimitReached(.timeline, bound: Self.maxTimeline, kept: timeline.count, seen: timelineSeen))
        }
        if selinuxErrorRecordsUnlisted > 0 {
            out.append(LimitReached(.selinuxErrors, bound: Self.maxErrors, kept: selinuxErrorRecords - selinuxErrorRecordsUnlisted,
                                    seen: selinuxErrorRecords))
        }
        if unkeptOccurrences > 0 {
            let kept = findings.reduce(0) { $0 + $1.count }
            // Whichever bound stopped new findings (both hold once either does).
            if findings.count >= Self.maxFindings {
                out.append(LimitReached(.findings, bound: Self.maxFindings, kept: kept, seen: kept + unkeptOccurrences))
            } else {
                out.append(LimitReached(.findingText, bound: Self.maxFindingText, kept: kept, seen: kept + unkeptOccurrences))
            }
        }
        let crowded = findings.filter { !$0.nodes.isComplete }
        if !crowded.isEmpty {
            let seen = crowded.reduce(0) { $0 + $1.count }
            let unnamed = crowded.reduce(0) { $0 + $1.nodes.unlistedOccurrences }
            out.append(LimitReached(.nodes, bound: NodeCounts.maxListed, kept: seen - unnamed, seen: seen))
        }
        if repeats.resets > 0 {
            out.append(LimitReached(.repeatSignatures, bound: repeats.maxEntries, kept: repeats.count, seen: repeats.stored))
        }
        return out + closureCuts
    }
}

extension Finding {
    /// The bytes of the text it holds, for `Diagnoser.maxFindingText`: the log's strings (paths,
    /// contexts, the command line, the call) and the prose and commands made from them.
    var textBytes: Int {
        func bytes(_ s: String?) -> Int { s?.utf8.count ?? 0 }
        func bytes(_ list: [String]) -> Int { list.reduce(0) { $0 + $1.utf8.count } }
        var total = bytes(tclass) + bytes(target) + bytes(tcontext) + bytes(proctitle) + bytes(why) + bytes(loaderError)
        total += bytes(process.exe) + bytes(process.comm) + bytes(process.scontext) + bytes(process.domain)
        total += bytes(call?.name) + bytes(call?.arch) + bytes(source.input)
        total += bytes(evidence) + bytes(evidenceNeeded) + bytes(commandsToRun) + bytes(liveFacts)
        total += culprits.reduce(0) { $0 + bytes($1.path) + bytes($1.detail) + bytes($1.chain) + bytes($1.foundVia) + bytes($1.origin) }
        total += fixes.reduce(0) { $0 + bytes($1.text) + bytes($1.commands) }
        return total
    }
}
