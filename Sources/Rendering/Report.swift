import AuditInput
import Diagnosis

/// Everything one run found, ready to render.
public struct Report: Sendable {
    public var findings: [Finding]
    public var events: Int
    public var denials: Int
    public var inputs: [InputStats]
    /// The directory analysed as `/`, when not the real root.
    public var sysroot: String?
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
    /// What an sosreport said of the host the logs came from; nil when the input was no sosreport.
    public var host: HostFacts?

    public init(findings: [Finding], events: Int, denials: Int, inputs: [InputStats], sysroot: String?, unkeptDenials: Int = 0,
                policy: PolicyEnvironment = PolicyEnvironment()) {
        self.policy = policy
        self.findings = findings
        self.unkeptDenials = unkeptDenials
        self.events = events
        self.denials = denials
        self.inputs = inputs
        self.sysroot = sysroot
    }

    public var execFindings: [Finding] { findings.filter(\.isExec) }
    public var otherFindings: [Finding] { findings.filter { !$0.isExec } }
}
