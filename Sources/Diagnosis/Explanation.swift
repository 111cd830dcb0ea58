/// The prose of a finding — why, which booleans, which fixes — written from its facts when it
/// is rendered, once every identical denial has been folded in, so it speaks of all the
/// permissions the finding gathered. Findings keep only facts: a run with thousands of them
/// never holds the prose of all of them at once.
extension Finding {
    public func explained(under policy: PolicyEnvironment) -> Finding {
        var f = self
        guard f.isExec else { return f }
        let mechanism = f.mechanism ?? .unknown
        let permissions = Set(f.permissions)
        if let error = f.loaderError {
            let byGlibc = error.hasPrefix("Invalid argument")
            f.booleans = byGlibc ? [] : PolicyKnowledge.booleans(for: ["execstack", "execmem"], domain: nil, policy: policy)
            f.why = Advice.whyLoaderError(error, culprits: f.culprits)
            f.fixes = Advice.fixes(mechanism: mechanism, permissions: [], culprits: f.culprits, booleans: f.booleans, domain: nil)
            if byGlibc { f.fixes.insert(Advice.execstackTunable, at: min(2, f.fixes.count)) }
            return f
        }
        if case .unavailable = f.elf, let exe = f.process.exe { f.commandsToRun = Diagnoser.commandsForOtherHost(exe) }
        f.booleans = PolicyKnowledge.booleans(for: permissions, domain: f.process.domain, policy: policy)
        f.why = Advice.why(mechanism: mechanism, permissions: permissions, blocked: f.blocked, culprits: f.culprits)
        f.fixes = Advice.fixes(mechanism: mechanism, permissions: permissions, culprits: f.culprits,
                               booleans: f.booleans, domain: f.process.domain)
        return f
    }
}
