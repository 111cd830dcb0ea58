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
