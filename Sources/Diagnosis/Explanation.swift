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
        var f = self
        f.stillRunning = host.running(f)
        guard f.isExec else { return f }
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
            return f
        }
        if case .unavailable = f.elf, let exe = f.process.exe { f.commandsToRun = Diagnoser.commandsForOtherHost(exe, host: host) }
        if mechanism == .loaderExecStack, let note = Advice.execStackAVCOnHost(host) { f.evidence.append(note) }
        f.booleans = PolicyKnowledge.booleans(for: permissions, domain: f.process.domain, policy: policy)
        f.why = Advice.why(f, android: policy.family == .android, host: host)
        f.fixes = Advice.fixes(mechanism: mechanism, permissions: permissions, culprits: f.culprits,
                               booleans: f.booleans, domain: f.process.domain,
                               family: policy.family, executable: f.process.exe, tcontext: f.tcontext,
                               readImpliesExec: mechanism == .readImpliesExec ? Advice.readImpliesExecOnHost(f, host: host) : nil,
                               changes: changes)
        return f
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
