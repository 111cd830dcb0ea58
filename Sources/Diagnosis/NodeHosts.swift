/// The host facts of every node a run knows of: one sosreport per node of an aggregated log
/// (`--sosreport web01=a.tar.xz`), and the facts of a plain sosreport for events of any other
/// node or of none. Each finding is explained under the facts of the node it was seen on.
public struct NodeHosts: Sendable, Equatable {
    /// The facts of a plain sosreport: for events without a node, or of a node without its own.
    public var fallback: HostFacts?
    /// Each node's own facts, by node name.
    public var byNode: [String: HostFacts] = [:]

    public init(fallback: HostFacts? = nil, byNode: [String: HostFacts] = [:]) {
        self.fallback = fallback
        self.byNode = byNode
    }

    /// No sosreport was read.
    public var isEmpty: Bool { fallback == nil && byNode.isEmpty }

    /// The node whose own facts an event of `node` is explained under; nil for the fallback.
    /// Findings of such a node are kept apart from the same denial elsewhere: their answer differs.
    public func ownFactsNode(_ node: String?) -> String? {
        guard let node, byNode[node] != nil else { return nil }
        return node
    }

    /// The node whose own facts a finding is explained under (its events are all of that node,
    /// see `ownFactsNode(_:)`); nil for the fallback's.
    public func ownFactsNode(of finding: Finding) -> String? {
        guard !byNode.isEmpty, finding.nodes.listed.count == 1 else { return nil }
        return ownFactsNode(finding.nodes.listed[0].name)
    }

    public func facts(for finding: Finding) -> HostFacts {
        ownFactsNode(of: finding).flatMap { byNode[$0] } ?? fallback ?? HostFacts()
    }
}
