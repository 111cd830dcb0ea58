import AuditInput
import AuditEvents

/// The prose of a finding — why, which booleans, which fixes — written from its facts when it
/// is rendered, once every identical denial has been folded in, so it speaks of all the
/// permissions the finding gathered. Findings keep only facts: a run with thousands of them
/// never holds the prose of all of them at once.
extension Finding {
    /// `host`: what the log's host report says (kernel, glibc, booleans, processes);
    /// `timeline`: the log's policy changes, to date a boolean change the denial predates.
    public func explained(under environment: PolicyEnvironment, host: HostFacts = HostFacts(), timeline: [StatusChange] = []) -> Finding {
        var memo = PolicyAdviceMemo()
        return explained(under: environment, host: host, timeline: timeline, memo: &memo)
    }

    /// `explained(under:host:timeline:)`, with the policy's advice taken from `memo` where
    /// an earlier finding of the run had the same.
    public func explained(under environment: PolicyEnvironment, host: HostFacts = HostFacts(), timeline: [StatusChange] = [],
                          memo: inout PolicyAdviceMemo) -> Finding {
        var f = self
        f.explain(under: environment, host: host, timeline: timeline, memo: &memo)
        return f
    }

    /// `explained(under:host:timeline:memo:)` in place: a renderer copies each finding (a large
    /// value) once, not once to read it and again to explain it.
    public mutating func explain(under environment: PolicyEnvironment, host: HostFacts = HostFacts(), timeline: [StatusChange] = [],
                                 memo: inout PolicyAdviceMemo) {
        Self.explain(&self, under: environment, host: host, timeline: timeline, memo: &memo)
    }

    private static func explain(_ f: inout Finding, under environment: PolicyEnvironment, host: HostFacts, timeline: [StatusChange],
                                memo: inout PolicyAdviceMemo) {
        f.stillRunning = host.running(f)
        guard f.isExec else { return }
        var policy = environment.filling(from: host)
        policy.family = policy.family(for: f)
        let mechanism = f.mechanism ?? .unknown
        let permissions = Set(f.permissions)
        let changes = BooleanChanges(timeline: timeline, lastDenial: f.hasTime ? f.lastSeen : nil)
        if let error = f.loaderError {
            let byGlibc = error.hasPrefix("Invalid argument")
            let denied: Set<Permission> = mechanism == .textRelocation ? [.execmod] : [.execstack, .execmem]
            f.booleans = byGlibc ? [] : PolicyKnowledge.booleans(for: denied, domain: nil, policy: policy)
            f.why = Advice.whyLoaderError(error, mechanism: mechanism, culprits: f.culprits)
            f.evidence += [Advice.loaderErrorOnHost(error, mechanism: mechanism, host: host)].compactMap { $0 }
            f.fixes = Advice.fixes(mechanism: mechanism, permissions: mechanism == .textRelocation ? denied : [], culprits: f.culprits,
                                   booleans: f.booleans, domain: nil, family: policy.family, changes: changes)
            if byGlibc, mechanism == .loaderExecStack { f.fixes.insert(Advice.execstackTunable(program: f.process.exe), at: min(2, f.fixes.count)) }
            return
        }
        if case .unavailable = f.elf, let exe = f.process.exe { f.commandsToRun = Diagnoser.commandsForOtherHost(exe, host: host) }
        if mechanism == .loaderExecStack, let note = Advice.execStackAVCOnHost(host) { f.evidence.append(note) }
        let advice = memo.advice(permissions: permissions, domain: f.process.domain, policy: policy, tcontext: f.tcontext, changes: changes)
        f.booleans = advice.booleans
        f.why = Advice.why(f, permissions: permissions, android: policy.family == .android, host: host)
        f.fixes = Advice.remedies(mechanism: mechanism, permissions: permissions, culprits: f.culprits, family: policy.family,
                                  executable: f.process.exe,
                                  readImpliesExec: mechanism == .readImpliesExec ? Advice.readImpliesExecOnHost(f, host: host) : nil)
            + advice.fixes
        return
    }
}

/// The policy's side of the advice (the booleans, the last-resort fixes) by what it depends on:
/// the permissions, the domain, the policy family and the booleans' values. Thousands of
/// findings of a long report share a handful of these, so each is worked out once a run.
public struct PolicyAdviceMemo {
    private struct Key: Hashable {
        var permissions: Set<Permission>
        var domain: String?
        var family: PolicyBoolean.Family?
        var values: [String: Bool]
        /// Only Android's device-policy rule names the target's type.
        var tcontext: String?

        /// The domain and the permissions only: the booleans' values are the same for every
        /// finding of a host, and hashing a dictionary (each entry with a hasher of its own)
        /// cost more than all the rest of the look-up. Equality still compares every part.
        func hash(into hasher: inout Hasher) {
            hasher.combine(domain)
            hasher.combine(permissions)
        }
    }

    private var known: [Key: (booleans: [PolicyBoolean], fixes: [Fix])] = [:]
    /// Distinct domains come from the log: past this many, advice is worked out each time.
    static let capacity = 1_000

    public init() {}

    mutating func advice(permissions: Set<Permission>, domain: String?, policy: PolicyEnvironment, tcontext: String?,
                         changes: BooleanChanges) -> (booleans: [PolicyBoolean], fixes: [Fix]) {
        let key = Key(permissions: permissions, domain: domain, family: policy.family, values: policy.values,
                      tcontext: policy.family == .android ? tcontext : nil)
        if let advice = known[key] { return advice }
        let booleans = PolicyKnowledge.booleans(for: permissions, domain: domain, policy: policy)
        let fixes = Advice.policyFixes(permissions: permissions, booleans: booleans, domain: domain, family: policy.family,
                                       tcontext: tcontext, changes: changes)
        // A boolean already allowing the access makes the fix speak of when it was set, which
        // depends on the finding's last denial: such advice is not kept.
        if known.count < Self.capacity, !booleans.contains(where: { $0.current == $0.allowingValue }) {
            known[key] = (booleans, fixes)
        }
        return (booleans, fixes)
    }
}

/// The boolean changes of a log, for saying when the value that allows a denial was set.
struct BooleanChanges {
    var timeline: [StatusChange] = []
    /// The finding's last occurrence; nil for a loader message, which has no time.
    var lastDenial: EventID? = nil

    /// The last change of `name` to `value` after the last denial.
    func setAfterDenial(_ name: String, to value: Bool) -> StatusChange? {
        guard let lastDenial else { return nil }
        return timeline.last { change in
            guard case .boolean(name, value, _) = change.change else { return false }
            return change.when.id > lastDenial
        }
    }
}
