import ELFLoader

/// What is known of the policy the denials came from: its family, and the booleans' values
/// where the analysed root exposes them (/sys/fs/selinux/booleans on the affected host).
public struct PolicyEnvironment: Sendable, Equatable {
    public var family: PolicyBoolean.Family?
    /// How the family was decided: "booleans in /sys/fs/selinux", "the contexts in the log", …
    public var familySource: String?
    /// Current values of the booleans this tool may name.
    public var values: [String: Bool]
    /// Whether `values` came from a host report rather than a live /sys/fs/selinux: another
    /// node's report then says better what is in force on that node.
    public private(set) var valuesFromReport = false

    public init(family: PolicyBoolean.Family? = nil, familySource: String? = nil, values: [String: Bool] = [:]) {
        self.family = family
        self.familySource = familySource
        self.values = values
    }

    /// Every boolean name the knowledge tables use. Made once: `filling(from:)` asks for each
    /// boolean of a host report, for every finding.
    static let knownNames: Set<String> = {
        var names: Set<String> = ["deny_execmem", "selinuxuser_execstack", "selinuxuser_execheap", "selinuxuser_execmod",
                                  "allow_execmem", "allow_execstack", "allow_execheap", "allow_execmod"]
        for entry in PolicyKnowledge.serviceBooleans { names.formUnion([entry.fedora, entry.refpolicy].compactMap { $0 }) }
        return names
    }()

    /// Reads `/sys/fs/selinux/booleans/NAME` ("current pending") inside the root, for the names this tool knows.
    public static func read(root: FileSystemRoot) -> PolicyEnvironment {
        var values: [String: Bool] = [:]
        for name in knownNames {
            guard let bytes = root.contents("/sys/fs/selinux/booleans/" + name, limit: 64),
                  let first = bytes.first else { continue }
            values[name] = first == UInt8(ascii: "1")
        }
        if values["deny_execmem"] != nil { return PolicyEnvironment(family: .fedora, familySource: "booleans in /sys/fs/selinux", values: values) }
        if values["allow_execmem"] != nil { return PolicyEnvironment(family: .refpolicy, familySource: "booleans in /sys/fs/selinux", values: values) }
        return PolicyEnvironment(values: values)
    }

    /// The booleans a host's report listed (`sestatus -b`), when nothing live was read: the same
    /// values, from a report instead of /sys/fs/selinux. A node's own report replaces what
    /// another report said.
    public func filling(from host: HostFacts) -> PolicyEnvironment {
        guard values.isEmpty || valuesFromReport, let booleans = host.booleans else { return self }
        let known = booleans.value.filter { Self.knownNames.contains($0.key) }
        let source = "booleans in \(booleans.source)"
        var copy = self
        copy.values = known
        copy.valuesFromReport = true
        if known["deny_execmem"] != nil {
            copy.family = .fedora
            copy.familySource = source
        } else if known["allow_execmem"] != nil {
            copy.family = .refpolicy
            copy.familySource = source
        }
        return copy
    }

    /// Types that only Fedora/RHEL's policy defines; refpolicy has no unconfined_service_t.
    static let fedoraOnlyTypes: Set<String> = ["unconfined_service_t", "container_t", "spc_t", "svirt_tcg_t", "container_runtime_t"]

    /// Guesses the family from the findings' contexts and programs, when nothing better is known.
    func guessing(from guess: FamilyGuess) -> PolicyEnvironment {
        guard family == nil, let (family, source) = guess.best else { return self }
        var copy = self
        copy.family = family
        copy.familySource = source
        return copy
    }

    /// What the findings so far say of the family, noted one finding at a time as each is
    /// made: a live session asks for it on every finding it prints.
    struct FamilyGuess {
        /// The first Android finding's reason; it wins over any other.
        private var android: String?
        /// The first Fedora-only domain's.
        private var fedora: String?

        mutating func note(_ finding: Finding) {
            if android == nil, Platform.isAndroid(finding) {
                android = finding.process.scontext.map { "the context \($0), which is Android's shape" }
                    ?? "the path \(finding.process.exe ?? finding.target ?? "?"), which is Android's"
            }
            if fedora == nil, let domain = finding.process.domain, PolicyEnvironment.fedoraOnlyTypes.contains(domain) {
                fedora = "the domain \(domain), which only Fedora/RHEL policy defines"
            }
        }

        var best: (PolicyBoolean.Family, String?)? {
            if let android { return (.android, android) }
            if let fedora { return (.fedora, fedora) }
            return nil
        }
    }

    /// The family for one finding: an Android context or program settles it, whatever else the
    /// log held.
    func family(for finding: Finding) -> PolicyBoolean.Family? {
        Platform.isAndroid(finding) ? .android : family
    }
}
