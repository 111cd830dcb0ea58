/// The nodes a finding was seen on, with how often on each: the `node=` names a central auditd
/// (audisp-remote, `tcp_listen_port`) or a syslog relay writes into one aggregated log. A log
/// without `node=` leaves it empty. Bounded: a hostile log can name any number of nodes.
public struct NodeCounts: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// Occurrences (events) on the node.
        public var count: Int
        /// Denied permission instances in them.
        public var denials: Int
    }

    /// The nodes named, in order of first sighting (`mostSeenFirst` sorts them for reports).
    public private(set) var listed: [Entry] = []
    private var position: [String: Int] = [:]
    /// Occurrences on nodes met after the list was full, and their denials: counted, not named.
    public private(set) var unlistedOccurrences = 0
    public private(set) var unlistedDenials = 0

    /// Nodes named per finding; past it, occurrences are only counted and the bound is reported.
    public static let maxListed = 256

    public init() {}

    public var isEmpty: Bool { listed.isEmpty }
    /// False once a node was met that the list could not take: the number of nodes is then a floor.
    public var isComplete: Bool { unlistedOccurrences == 0 }

    mutating func count(_ node: String?, denials: Int) {
        guard let node else { return }
        if let i = position[node] {
            listed[i].count += 1
            listed[i].denials += denials
        } else if listed.count < Self.maxListed {
            position[node] = listed.count
            listed.append(Entry(name: node, count: 1, denials: denials))
        } else {
            unlistedOccurrences += 1
            unlistedDenials += denials
        }
    }

    /// Most seen first; ties in order of first sighting.
    public var mostSeenFirst: [Entry] {
        listed.enumerated().sorted { a, b in a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset }.map(\.element)
    }
}
