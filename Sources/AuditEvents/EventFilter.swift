import AuditInput

/// `--since`, `--until`, `--node`, `--pid`, `--comm`, `--exe`, `--perm`: which events to explain.
/// Empty sets mean "any"; each option narrows, as ausearch's do.
public struct EventFilter: Sendable, Equatable {
    public var since: UInt64?
    public var until: UInt64?
    public var nodes: Set<String> = []
    public var pids: Set<Int64> = []
    public var comms: Set<String> = []
    public var exes: Set<String> = []
    public var permissions: Set<Permission> = []

    public init() {}

    public var isEmpty: Bool {
        since == nil && until == nil && nodes.isEmpty && pids.isEmpty && comms.isEmpty && exes.isEmpty && permissions.isEmpty
    }

    public func accepts(_ event: Event) -> Bool {
        let seconds = event.key.id.seconds
        if let since, seconds < since { return false }
        if let until, seconds > until { return false }
        if !nodes.isEmpty, !nodes.contains(event.key.node ?? "") { return false }
        if pids.isEmpty && comms.isEmpty && exes.isEmpty && permissions.isEmpty { return true }
        let avcs = event.avcs
        let syscall = event.syscall
        if !pids.isEmpty, !([syscall?.pid] + avcs.map(\.pid)).contains(where: { $0.map(pids.contains) ?? false }) { return false }
        if !comms.isEmpty, !([syscall?.comm] + avcs.map(\.comm)).contains(where: { $0.map(comms.contains) ?? false }) { return false }
        if !exes.isEmpty, !([syscall?.exe] + avcs.map(\.exe)).contains(where: { $0.map(exes.contains) ?? false }) { return false }
        if !permissions.isEmpty, !avcs.contains(where: { !permissions.isDisjoint(with: $0.permissions) }) { return false }
        return true
    }

    /// Loader messages carry only a program name and no time or domain.
    public func accepts(_ message: LoaderMessage) -> Bool {
        guard since == nil, until == nil, nodes.isEmpty, pids.isEmpty, permissions.isEmpty else { return false }
        let program = message.program ?? ""
        let base = program.split(separator: "/").last.map(String.init) ?? program
        if !comms.isEmpty, !comms.contains(base) { return false }
        if !exes.isEmpty, !exes.contains(program) { return false }
        return true
    }
}
