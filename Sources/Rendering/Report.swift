import AuditInput
import Diagnosis

/// Everything one run found, ready to render.
public struct Report: Sendable {
    /// Exec* findings first, then the others, each group in order of first appearance.
    public private(set) var findings: [Finding]
    /// How many of `findings` are exec* ones (they come first).
    public let execCount: Int
    public var events: Int
    public var denials: Int
    public var inputs: [InputStats]
    /// The directory analysed as `/`, when not the real root.
    public var sysroot: String?
    /// `--sysroot NODE=DIR`: the directory each such node's files were read under, by node name.
    public var nodeSysroots: [(node: String, directory: String)] = []
    /// Denials not kept because the number of distinct findings reached its bound.
    public var unkeptDenials: Int
    /// The policy family and boolean values, as far as known.
    public var policy: PolicyEnvironment
    /// Enforcing-mode changes seen in the logs.
    public var timeline: [StatusChange] = []
    /// SELINUX_ERR texts and counts.
    public var selinuxErrors: [(text: String, count: Int)] = []
    /// Bounds the input reached: what the report leaves out.
    public var limits: [LimitReached] = []
    /// What the sosreports said of the hosts the logs came from: a plain one's, each node's own.
    public var hosts = NodeHosts()

    public init(findings: [Finding], events: Int, denials: Int, inputs: [InputStats], sysroot: String?, unkeptDenials: Int = 0,
                policy: PolicyEnvironment = PolicyEnvironment()) {
        self.policy = policy
        // The Diagnoser gives exec* findings first already (then this is no copy); anything else
        // is put in that order.
        self.findings = findings.execFirst
        execCount = self.findings.prefix { $0.isExec }.count
        self.unkeptDenials = unkeptDenials
        self.events = events
        self.denials = denials
        self.inputs = inputs
        self.sysroot = sysroot
    }

    /// A finding with its prose, written under everything the report knows.
    public func explained(_ f: Finding) -> Finding {
        f.explained(under: policy, host: hosts.facts(for: f), timeline: timeline)
    }

    /// `explained(_:)`, with the policy's advice shared through `memo` by the findings of one
    /// rendering.
    public func explained(_ f: Finding, memo: inout PolicyAdviceMemo) -> Finding {
        f.explained(under: policy, host: hosts.facts(for: f), timeline: timeline, memo: &memo)
    }

    /// `explained(_:memo:)` in place, for a renderer that holds its own copy of the finding.
    public func explain(_ f: inout Finding, memo: inout PolicyAdviceMemo) {
        f.explain(under: policy, host: hosts.facts(for: f), timeline: timeline, memo: &memo)
    }

    /// Slices, not copies: a report may hold 10,000 findings.
    public var execFindings: ArraySlice<Finding> { findings.prefix(execCount) }
    public var otherFindings: ArraySlice<Finding> { findings.dropFirst(execCount) }
}

/// A renderer that hands its output on piece by piece, so a large report is never held whole.
public protocol StreamingRenderer {
    func render(_ report: Report, to write: (String) -> Void)
}

extension StreamingRenderer {
    /// The whole report as one string (tests, small reports).
    public func render(_ report: Report) -> String {
        var out = ""
        render(report) { out += $0 }
        return out
    }
}
