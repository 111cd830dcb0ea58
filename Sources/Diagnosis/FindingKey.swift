import AuditEvents

/// What makes occurrences one finding: those with equal keys are folded together. Each kind
/// names its own parts, so no two parts can run into each other as they could in one string.
enum FindingKey: Hashable {
    /// An exec* denial. `program` is the executable, else the comm, else "?"; `files`: whether the
    /// program's files could be read (under per-node roots one node's may be missing, and "no
    /// object explains it" is not "could not read it"); `factsNode`: the node, when it has host
    /// facts of its own (the same denial may get another answer there).
    case exec(mechanism: Mechanism, program: String, culprits: [String], domain: String?, files: ProgramFiles, factsNode: String?)
    /// Any other denial.
    case other(permissions: [Permission], tclass: String?, domain: String?, targetType: String?, program: String)
    /// glibc's own error line.
    case loader(textRelocation: Bool, object: String, program: String, reason: String)

    enum ProgramFiles: Hashable { case noneNamed, unreadable, read }
}

/// A key with its hash worked out once. The index of findings compares hashes before keys, so
/// a lookup probing past other findings' keys neither compares nor copies their strings
/// (with 100,000 findings that was most of a new finding's lookup).
struct HashedFindingKey: Hashable {
    let key: FindingKey
    private let hash: Int

    init(_ key: FindingKey) {
        self.key = key
        hash = key.hashValue
    }

    static func == (a: Self, b: Self) -> Bool { a.hash == b.hash && a.key == b.key }
    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}
