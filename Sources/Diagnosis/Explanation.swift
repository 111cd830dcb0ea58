/// The prose of a finding — why, which booleans, which fixes — written from its facts when it
/// is rendered, once every identical denial has been folded in, so it speaks of all the
/// permissions the finding gathered. Findings keep only facts: a run with thousands of them
/// never holds the prose of all of them at once.
extension Finding {
    public func explained(under environment: PolicyEnvironment) -> Finding {
        var f = self
        guard f.isExec else { return f }
        var policy = environment
        policy.family = environment.family(for: f)
        let mechanism = f.mechanism ?? .unknown
        let permissions = Set(f.permissions)
        if let error = f.loaderError {
            let byGlibc = error.hasPrefix("Invalid argument")
            let denied: Set<String> = mechanism == .textRelocation ? ["execmod"] : ["execstack", "execmem"]
            f.booleans = byGlibc ? [] : PolicyKnowledge.booleans(for: denied, domain: nil, policy: policy)
            f.why = Advice.whyLoaderError(error, mechanism: mechanism, culprits: f.culprits)
            f.fixes = Advice.fixes(mechanism: mechanism, permissions: mechanism == .textRelocation ? denied : [], culprits: f.culprits,
                                   booleans: f.booleans, domain: nil, family: policy.family)
            if byGlibc, mechanism == .loaderExecStack { f.fixes.insert(Advice.execstackTunable(program: f.process.exe), at: min(2, f.fixes.count)) }
            return f
        }
        if case .unavailable = f.elf, let exe = f.process.exe { f.commandsToRun = Diagnoser.commandsForOtherHost(exe) }
        f.booleans = PolicyKnowledge.booleans(for: permissions, domain: f.process.domain, policy: policy)
        f.why = Advice.why(f, android: policy.family == .android)
        f.fixes = Advice.fixes(mechanism: mechanism, permissions: permissions, culprits: f.culprits,
                               booleans: f.booleans, domain: f.process.domain,
                               family: policy.family, executable: f.process.exe, tcontext: f.tcontext)
        return f
    }
}
