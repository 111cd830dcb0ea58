import AuditInput
import AuditEvents

/// The process a finding is about.
public struct ProcessInfo: Sendable, Equatable {
    public var exe: String?
    public var comm: String?
    public var pids: PidList
    /// False once a pid was met that the full list (`Finding.maxEventIDs`) could not take.
    public var pidsComplete = true
    public var scontext: String?
    /// The type of the source context (the SELinux domain), e.g. `unconfined_service_t`.
    public var domain: String?
    /// 32 or 64: the executable's ELF class, else the syscall ABI the record names.
    public var bits: Int? = nil
}

/// The memory call behind the finding, as logged.
public struct CallSummary: Sendable, Equatable {
    public var name: String
    public var arch: String?
    public var number: Int?
    public var args: [UInt64?]
    public var exit: Int64?
    public var success: Bool?
    /// The call as C, e.g. `mprotect(0x7ffc…, 4096, PROT_READ|…)`. Written when asked for,
    /// not kept: ten thousand findings would hold 1.7 MB of it.
    public var rendered: String { memoryCall.rendered(exit: exit, success: success) }

    /// What the arguments mean for this call.
    var memoryCall: MemoryCall { MemoryCall(name: name, machine: arch, args: args) }
}

/// What the ELF side could or could not establish.
public enum ELFStatus: Sendable, Equatable {
    case analysed
    case unavailable(String)
    case notNeeded
}

/// One explained denial, or several identical ones (same mechanism, program, culprits, domain).
public struct Finding: Sendable {
    public var mechanism: Mechanism?
    public var permissions: [Permission]
    public var tclass: String?
    public var target: String?
    public var tcontext: String?
    /// How many occurrences were refused and how many only logged (permissive).
    public var outcomes: Outcomes
    /// The distinct permission sets single occurrences were denied: a sentence about two
    /// permissions denied together must hold for one event, not only for the union.
    public var permissionSets: [[Permission]]
    public var process: ProcessInfo
    public var count: Int
    /// Denied permission instances (an event with execstack and execmem counts two).
    public var denials: Int
    public var firstSeen: EventID
    public var lastSeen: EventID
    /// The first `maxEventIDs` occurrences' ids.
    public var events: EventList
    public var call: CallSummary?
    public var proctitle: String?
    public var why: String
    public var evidence: [String]
    public var evidenceNeeded: [String]
    public var culprits: [Culprit]
    public var booleans: [PolicyBoolean]
    public var fixes: [Fix]
    /// Read-only commands for the host where the program lives, when its files were not readable
    /// here; written with the prose, by `explained(under:)`.
    public var commandsToRun: [String]
    public var elf: ELFStatus
    /// Where the first record of the first event was read.
    public var source: SourceLocation
    /// For a finding read from glibc's own error message: its strerror text.
    public var loaderError: String? = nil
    /// Facts read from /proc while the process still ran (live mode only).
    public var liveFacts: [String] = []
    /// The nodes of an aggregated log it was seen on, with a count each; empty without `node=`.
    public var nodes = NodeCounts()
    /// Processes of the host's report (`ps auxZww`) that are this finding's: the denied pid, or
    /// the same program. Found by `explained(under:host:)`.
    public var stillRunning: [HostFacts.RunningProcess] = []
    /// "still running as pid 2412 in context system_u:system_r:httpd_t:s0: /usr/sbin/httpd -DFOREGROUND".
    public var stillRunningFacts: [String] {
        stillRunning.map { "still running as pid \($0.pid) in context \($0.context): \($0.command)" }
    }

    /// False for findings from loader messages, which carry no audit time.
    public var hasTime: Bool { !events.isEmpty }

    public var isExec: Bool { mechanism != nil }

    /// True when any occurrence was refused.
    public var blocked: Bool { outcomes.blocked > 0 }

    /// Findings keep at most this many event ids and pids; `count` has the full number.
    static let maxEventIDs = 64
}

/// Occurrences of a finding by what happened to the access: enforcing refused it, permissive
/// mode only logged it.
public struct Outcomes: Sendable, Equatable {
    public var blocked = 0
    public var allowed = 0

    public init(blocked: Bool) {
        if blocked { self.blocked = 1 } else { allowed = 1 }
    }

    public var isMixed: Bool { blocked > 0 && allowed > 0 }

    /// "blocked 3 times, allowed 1 time (permissive)", for a finding whose occurrences differ.
    public var counted: String {
        func times(_ n: Int) -> String { n == 1 ? "1 time" : "\(n) times" }
        return "blocked \(times(blocked)), allowed \(times(allowed)) (permissive)"
    }
}

/// SELinux switched between enforcing and permissive (MAC_STATUS), or a boolean changed
/// (MAC_CONFIG_CHANGE): what decides whether a later denial is blocked.
public struct StatusChange: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        case enforcing(Bool, previous: Bool?)
        case boolean(String, Bool, previous: Bool?)
    }

    public var when: EventKey
    public var change: Change
    /// The login uid that made the change; 4294967295 is unset.
    public var auid: Int64?
}

extension Array where Element == Finding {
    /// Exec* findings first, then the others, each group in its order: the order of reports.
    public var execFirst: [Finding] {
        // Already in that order (as when every finding is an exec* one): the same array, not a
        // copy of thousands of findings.
        let exec = prefix { $0.isExec }.count
        if !self[exec...].contains(where: \.isExec) { return self }
        var out: [Finding] = []
        out.reserveCapacity(underestimatedCount)
        out.append(contentsOf: lazy.filter(\.isExec))
        out.append(contentsOf: lazy.filter { !$0.isExec })
        return out
    }
}
