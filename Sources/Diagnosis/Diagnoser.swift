import AuditInput
import AuditEvents
import ELFLoader

/// Turns events into findings: classifies each exec* denial, names the objects at fault
/// through the ELF closure of the process's executable, and folds identical denials together.
public struct Diagnoser {
    /// The root ELF files are read under, for events of nodes without one of their own.
    public let loader: LoaderSearch
    /// Every root: `loader` first, then those of nodes given their own (`--sysroot NODE=DIR`).
    let roots: [LoaderSearch]
    /// A node's index in `roots`; a node not named here is analysed under `loader` (0).
    private let rootOfNode: [String: Int]
    /// Analysed programs by (root, path): one path may be two files on two nodes.
    var programs: [RootedPath: ProgramFacts] = [:]
    /// Programs that could not be read, and why: held apart, and more of them, as each is small
    /// and a log of a fleet may name thousands not on this host (looking for one again costs a
    /// lookup in the file system; a table shared with analyses made them evict each other).
    var unreadPrograms: [RootedPath: ELFError] = [:]
    /// What each root's ELF objects taught, parallel to `roots`: shared by all its programs.
    var objects: [ObjectCaches]
    /// Set for a live session, where a library can be replaced between two denials: each new
    /// program's files are then looked up again rather than trusted from an earlier program's
    /// lookup, and a program analysed before is read again when its files changed (a log is
    /// read as one snapshot of its tree).
    public var filesChangeWhileRunning = false
    private(set) var findings: [Finding] = []
    /// Set where nothing reads the findings until the input is read (a log, not a live
    /// session): repeats are then journalled and added to their findings in batches, finding
    /// by finding (`CountJournal`), and readers see them all the same.
    public var defersCounts = false
    private var pendingCounts = CountJournal()
    private var index: [HashedFindingKey: Int] = [:]
    public private(set) var eventsSeen = 0
    public private(set) var denialCount = 0
    /// Denials that would have opened a new finding once no more could be kept (`hasRoomForFindings`).
    public private(set) var unkeptDenials = 0
    /// Occurrences (events, loader messages) of those: counted, not kept.
    private(set) var unkeptOccurrences = 0
    /// The programs exec* findings are kept for (at most `maxFindings`): past a bound, a denial
    /// of any other program cannot join a finding.
    var keptExecPrograms: Set<String> = []
    /// Programs whose closure walk stopped at its bound, one entry each.
    var closureCuts: [LimitReached] = []

    /// Bounds on what a hostile or enormous log can make this hold.
    static let maxFindings = 10_000
    /// The text kept findings hold (`Finding.textBytes`): their strings come from the log, and a
    /// path may be 4 KB. Real findings hold one or two KB each, so the number bounds them first.
    static let maxFindingText = 12 << 20
    /// `Finding.textBytes` of the findings kept.
    private(set) var findingText = 0
    /// Whether another finding may be kept (neither bound is reached).
    var hasRoomForFindings: Bool { findings.count < Self.maxFindings && findingText < Self.maxFindingText }
    /// Caches only: a program evicted is analysed (or looked for) again, so reaching either
    /// costs time, not answers.
    static let maxPrograms = 4_096
    static let maxUnreadPrograms = 16_384
    /// Bounds of the cache of known repeats, in signatures and in their bytes (about 600 for a
    /// denial with its SYSCALL). Past either, the cache is emptied and the limit reported.
    public struct RepeatBound: Sendable {
        public var signatures: Int
        public var bytes: Int
        /// Well over `maxFindings`: a log or a storm cycling through every finding the report
        /// can hold is still folded, not read in full event by event (at 4,096, a 500,000-event
        /// log of 10,000 findings took 3.4 times the CPU). Within the 64 MB bound since the
        /// input is read in 1 MB chunks (MemoryBoundTests).
        public static let standard = RepeatBound(signatures: 24_576, bytes: 12 << 20)
    }

    /// Live mode refreshes it: booleans change while it runs.
    public var policy: PolicyEnvironment

    /// What is known of the logs' hosts (from sosreports): their versions, booleans and
    /// processes change the prose, written when each finding is rendered.
    public var hosts: NodeHosts

    /// `nodeLoaders`: the roots of nodes whose files are not under `loader`'s root.
    public init(loader: LoaderSearch, nodeLoaders: [String: LoaderSearch] = [:], policy: PolicyEnvironment = PolicyEnvironment(),
                hosts: NodeHosts = NodeHosts(), repeatBound: RepeatBound = .standard) {
        self.loader = loader
        repeats = RepeatCache(maxEntries: repeatBound.signatures, maxBytes: repeatBound.bytes)
        let nodes = nodeLoaders.keys.sorted()
        roots = [loader] + nodes.map { nodeLoaders[$0]! }
        rootOfNode = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1, $0 + 1) })
        objects = roots.map { _ in ObjectCaches() }
        self.policy = policy
        self.hosts = hosts
    }

    /// A path inside one of `roots`.
    struct RootedPath: Hashable {
        var root: Int
        var path: String
    }

    /// The index in `roots` of the root an event's files are read under.
    func root(of event: Event) -> Int {
        guard !rootOfNode.isEmpty, let node = event.key.node else { return 0 }
        return rootOfNode[node] ?? 0
    }

    /// The policy as far as it is known: the live booleans, else the report's, else a guess
    /// from the domains seen.
    public var policyInForce: PolicyEnvironment {
        policy.filling(from: hosts.fallback ?? HostFacts()).guessing(from: familyGuess)
    }

    /// The family the findings suggest, kept up as each finding is made.
    private var familyGuess = PolicyEnvironment.FamilyGuess()

    /// All findings so far, exec* ones first, each group in order of first appearance, as
    /// facts: the prose is written by `explained(under:)` when each is rendered, so a run with
    /// thousands of findings never holds the prose of all of them at once.
    public var facts: [Finding] { countedFindings.execFirst }

    /// How many findings there are, and how many of them exec* ones, without copying them.
    public var findingCount: (all: Int, exec: Int) { (findings.count, findings.reduce(0) { $1.isExec ? $0 + 1 : $0 }) }

    /// `facts`, moved out at the end of a run: the findings are not held twice, and the caches
    /// that served the reading (programs, repeats) are let go before the report is rendered.
    public mutating func takeFacts() -> [Finding] {
        addPendingCounts()
        var all: [Finding] = []
        swap(&all, &findings)
        familyGuess = PolicyEnvironment.FamilyGuess()
        index.removeAll()
        sharedTexts.removeAll()
        keptExecPrograms.removeAll()
        repeats.removeAll()
        programs.removeAll()
        unreadPrograms.removeAll()
        objects = roots.map { _ in ObjectCaches() }
        return all.execFirst
    }

    /// All findings so far, in the order of `facts`, explained.
    public var results: [Finding] {
        let policy = policyInForce
        return facts.map { $0.explained(under: policy, host: hosts.facts(for: $0), timeline: timeline) }
    }

    /// One finding as it stands now (live mode prints each as soon as it appears).
    public func finding(_ index: Int) -> Finding {
        let f = fact(index)
        return f.explained(under: policyInForce, host: hosts.facts(for: f), timeline: timeline)
    }

    /// One finding's facts as they stand now, without its prose.
    public func fact(_ index: Int) -> Finding { pendingCounts.isEmpty ? findings[index] : countedFindings[index] }

    /// Which findings the last `add` created or counted again, in order.
    public internal(set) var touched: [(index: Int, isNew: Bool)] = []

    /// Reads one event. When it made or counted a finding, returns its process id (the
    /// SYSCALL's, else the first AVC's), which a live session needs to look at the process
    /// while it runs: the records are not decoded again for it.
    @discardableResult
    public mutating func add(_ event: Event) -> Int64? {
        touched.removeAll(keepingCapacity: true)
        eventsSeen += 1
        // The node is not in the signature (repeats on other nodes fold together), but its root
        // is: the same record under another root may name other culprits.
        let gathered = RepeatSignature.gather(event, root: root(of: event), factsNode: hosts.ownFactsNode(event.key.node), into: &signatureScratch)
        let signature = signatureScratch
        let hash = gathered == nil ? 0 : signature.withUnsafeBufferPointer(RepeatCache<Effect>.hash)
        if let gathered, let known = signature.withUnsafeBufferPointer({ repeats.value(for: $0, hash: hash) }) {
            replay(known, event, pid: gathered.pid)
            return gathered.pid
        }
        var effect = Effect()
        read(event, into: &effect)
        if gathered != nil, effect.repeatable {
            signature.withUnsafeBufferPointer { repeats.insert(effect, for: $0, hash: hash) }
        }
        return touched.isEmpty ? nil : gathered.map(\.pid) ?? RepeatSignature.pid(of: event)
    }

    /// What reading an event did, to be done again for its repeats.
    struct Effect {
        var denials = 0
        var exec = false
        var others: [[Permission]] = []
        /// The findings the event created or counted again, and what it added to each.
        var counted = CountedList()
        /// False when a finding could not be kept (the bound): the repeat must be read again.
        var repeatable = true
    }

    /// Events already read, by signature: repeats of a denial are folded in from here.
    private(set) var repeats: RepeatCache<Effect>
    private var signatureScratch: [UInt8] = []

    private mutating func read(_ event: Event, into effect: inout Effect) {
        noteStateChanges(event)
        // Filtered in place, and handed on whole when every denial is an exec* one (the common
        // case): an AVC is costly to copy, and a log past the findings bound reads most of its
        // events in full.
        var denied = event.avcs
        denied.removeAll { !$0.denied }
        guard !denied.isEmpty else { return }
        effect.denials = denied.reduce(0) { $0 + $1.permissions.count }
        denialCount += effect.denials
        // Decoded once: each view of the event decodes its record again.
        let syscall = event.syscall
        let forCode = denied.map { Self.isExecuteForCode($0, syscall) }
        let isExec = denied.indices.map { forCode[$0] || denied[$0].permissions.contains(where: Mechanism.isExecPermission) }
        let input = event.records.first?.source.input ?? ""
        if isExec.contains(true) {
            let exec = isExec.allSatisfy { $0 } ? denied : denied.indices.filter { isExec[$0] }.map { denied[$0] }
            addExec(event, syscall, exec, &effect)
            deniedByInput[input, default: InputDenials()].exec += 1
            effect.exec = true
        }
        for i in denied.indices where !forCode[i] && !denied[i].permissions.allSatisfy(Mechanism.isExecPermission) {
            let others = denied[i].permissions.filter { !Mechanism.isExecPermission($0) }
            addOther(event, syscall, denied[i], others, &effect)
            deniedByInput[input, default: InputDenials()].noteOther(others)
            effect.others.append(others)
        }
    }

    /// A repeat: what its first reading did, with this event's id and pid.
    private mutating func replay(_ effect: Effect, _ event: Event, pid: Int64?) {
        denialCount += effect.denials
        let input = event.records.first?.source.input ?? ""
        if effect.exec { deniedByInput[input, default: InputDenials()].exec += 1 }
        for others in effect.others { deniedByInput[input, default: InputDenials()].noteOther(others) }
        // What the first reading counted, with this event's id and pid (this runs for every
        // repeat: nothing in it is reference-counted).
        for counted in effect.counted { count(counted, event: event.key, pid: pid) }
    }

    /// What each input's events were denied, by the input of their first record: an input
    /// that gave no exec* finding is told apart from one that gave nothing at all.
    public private(set) var deniedByInput: [String: InputDenials] = [:]

    mutating func findingForUpdate(_ index: Int) -> Finding {
        addPendingCounts()
        return findings[index]
    }
    mutating func store(_ finding: Finding, at index: Int) {
        findings[index] = finding
        familyGuess.note(finding)
    }

    // MARK: enforcing changes and SELinux errors

    /// Enforcing-mode and boolean changes in log order: whether a denial is blocked depends on them.
    public internal(set) var timeline: [StatusChange] = []
    /// SELINUX_ERR and USER_SELINUX_ERR texts with how often each came.
    public internal(set) var selinuxErrors: [(text: String, count: Int, first: EventKey)] = []
    static let maxTimeline = 1000, maxErrors = 200
    /// Changes met, kept or not; SELinux error records met, and those whose text was not kept.
    var timelineSeen = 0, selinuxErrorRecords = 0, selinuxErrorRecordsUnlisted = 0


    // MARK: other denials

    private mutating func addOther(_ event: Event, _ syscall: Syscall?, _ avc: AVC, _ permissions: [Permission], _ effect: inout Effect) {
        let exe = syscall?.exe ?? avc.exe
        let domain = shared(avc.scontext?.type)
        let key = HashedFindingKey(.other(permissions: permissions, tclass: avc.tclass, domain: domain, targetType: avc.tcontext?.type,
                                          program: exe ?? avc.comm ?? "?"))
        let sighting = Sighting(event: event.key, pid: syscall?.pid ?? avc.pid, blocked: isBlocked([avc], syscall),
                                permissions: permissions, denials: permissions.count)
        if fold(sighting, key: key, &effect) { return }
        let target = avc.path ?? event.avcPath ?? avc.name
        let finding = Finding(
            mechanism: nil, permissions: permissions, tclass: avc.tclass, target: target, tcontext: shared(avc.tcontext?.description),
            outcomes: Outcomes(blocked: sighting.blocked), permissionSets: [permissions],
            process: ProcessInfo(exe: exe, comm: syscall?.comm ?? avc.comm, pids: PidList([sighting.pid].compactMap { $0 }),
                                 scontext: shared(avc.scontext?.description), domain: domain),
            count: 1, denials: permissions.count, firstSeen: event.key.id, lastSeen: event.key.id, events: EventList([event.key]),
            call: syscall.map(Self.summary), proctitle: event.proctitle,
            why: "Not an exec* denial: \(domain ?? "the process") was denied \(permissions.map(\.name).joined(separator: " ")) on a \(avc.tclass ?? "?") labelled \(avc.tcontext?.type ?? "?"). audit2why explains such denials.",
            evidence: [], evidenceNeeded: [], culprits: [], booleans: [], fixes: [], commandsToRun: [], elf: .notNeeded, source: avc.source)
        insert(finding, key: key, sighting: sighting, &effect)
    }

    // MARK: shared

    /// Texts many findings name (contexts, domains), held once: ten thousand findings of one
    /// domain would otherwise hold ten thousand copies of its contexts. Only kept findings'
    /// texts are noted (`insert`), so the set holds no text of its own.
    private var sharedTexts = Set<String>()

    /// The copy a kept finding holds of this text, if one does.
    func shared(_ text: String?) -> String? {
        guard let text, let known = sharedTexts.firstIndex(of: text) else { return text }
        return sharedTexts[known]
    }

    /// One more occurrence of a finding: what folding needs of it.
    struct Sighting {
        var event: EventKey?
        var pid: Int64?
        var blocked: Bool
        var permissions: [Permission]
        var denials: Int
    }

    /// What one more occurrence of an event adds to a finding whose permissions already hold
    /// the event's: kept for its repeats, which only count.
    struct Counted {
        var index: Int
        var blocked: Bool
        var denials: Int
    }

    /// Adds the sighting to the finding with this key; false if there is none yet. The key
    /// comes hashed: a new finding's key is looked up here and then stored by `insert`.
    mutating func fold(_ s: Sighting, key: HashedFindingKey, _ effect: inout Effect) -> Bool {
        guard let i = index[key] else { return false }
        let counted = Counted(index: i, blocked: s.blocked, denials: s.denials)
        count(counted, event: s.event, pid: s.pid)
        for p in s.permissions where !findings[i].permissions.contains(p) { findings[i].permissions.append(p) }
        if !s.permissions.isEmpty, !findings[i].permissionSets.contains(s.permissions) { findings[i].permissionSets.append(s.permissions) }
        effect.counted.append(counted)
        return true
    }

    /// Counts one more occurrence into the finding: the sighting's own event and pid, or a
    /// repeat's. Journalled while `defersCounts` is set.
    private mutating func count(_ c: Counted, event: EventKey?, pid: Int64?) {
        touched.append((c.index, false))
        // Once the journal is in use it stays in use (findings are never dropped), so each
        // finding's counts still come in order.
        guard defersCounts, findings.count >= CountJournal.findingsWorthIt else { return findings[c.index].count(c, event: event, pid: pid) }
        pendingCounts.append(CountJournal.Entry(counted: c, event: event, pid: pid))
        if pendingCounts.isFull(findings: findings.count) { addPendingCounts() }
    }

    /// Adds the counts journalled while `defersCounts` is set to their findings. Every reader
    /// of the findings sees them either way; adding them first spares each a copy.
    public mutating func addPendingCounts() {
        pendingCounts.add(to: &findings)
    }

    /// The findings with every count in: `findings` itself unless counts are pending.
    var countedFindings: [Finding] {
        guard !pendingCounts.isEmpty else { return findings }
        var all = findings
        var pending = pendingCounts
        pending.add(to: &all)
        return all
    }

    /// A new finding, unless the bound on distinct findings is reached.
    /// `finding` is consumed: a finding is a large value, and it is moved into `findings`, not copied.
    mutating func insert(_ finding: consuming Finding, key: HashedFindingKey, sighting: Sighting, _ effect: inout Effect) {
        guard hasRoomForFindings else { return countUnkept(finding.denials, &effect) }
        index[key] = findings.count
        effect.counted.append(Counted(index: findings.count, blocked: sighting.blocked, denials: sighting.denials))
        touched.append((findings.count, true))
        finding.nodes.count(sighting.event?.node, denials: sighting.denials)
        familyGuess.note(finding)
        for text in [finding.process.scontext, finding.process.domain, finding.tcontext] { if let text { sharedTexts.insert(text) } }
        findingText += finding.textBytes
        findings.append(finding)
    }

    /// A denial that would have opened a finding past the bound: counted, not kept.
    mutating func countUnkept(_ denials: Int, _ effect: inout Effect) {
        unkeptDenials += denials
        unkeptOccurrences += 1
        effect.repeatable = false
    }

    /// Enforcing unless the AVC says permissive=1; kernels before 4.17 did not log that,
    /// so a successful syscall is then the sign of permissive mode.
    func isBlocked(_ avcs: [AVC], _ syscall: Syscall?) -> Bool {
        let flags = avcs.compactMap(\.permissive)
        if !flags.isEmpty { return flags.contains(false) }
        if let success = syscall?.success { return !success }
        return true
    }

    static func summary(_ syscall: Syscall) -> CallSummary {
        CallSummary(name: MemoryCall.name(of: syscall), arch: syscall.machine, number: syscall.number, args: syscall.args,
                    exit: syscall.exit, success: syscall.success)
    }

}

/// The denials of one input's events: how many were exec*, and which other permissions.
public struct InputDenials: Sendable {
    public var exec = 0
    public var other = 0
    /// The other permissions denied, first seen first (at most a handful, for one line).
    public var otherPermissions: [Permission] = []

    mutating func noteOther(_ permissions: [Permission]) {
        other += 1
        for p in permissions where otherPermissions.count < 6 && !otherPermissions.contains(p) { otherPermissions.append(p) }
    }
}
