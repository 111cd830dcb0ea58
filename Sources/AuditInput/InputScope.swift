/// How a run takes one input's records, beyond what they say themselves: which node they are
/// of when they name none (the logs of a node's own sosreport), and, for an sosreport's ausearch
/// output read beside its logs, only the events older than the logs' first record.
public struct InputScope: Sendable, Equatable {
    /// The node of records without `node=`.
    public var node: String?
    /// Only records before this; the later ones are the logs' as well, and would count twice.
    public var before: EventID?
    /// Only records after this: the event a cut log holds only part of is read whole elsewhere.
    public var after: EventID?

    public init(node: String? = nil, before: EventID? = nil, after: EventID? = nil) {
        self.node = node
        self.before = before
        self.after = after
    }

    /// `record` as the run takes it, or nil when it is outside the scope.
    public func admit(_ record: Record) -> Record? {
        if let before, record.key.id >= before { return nil }
        if let after, record.key.id <= after { return nil }
        guard let node, record.key.node == nil else { return record }
        var named = record
        named.key.node = node
        return named
    }
}
