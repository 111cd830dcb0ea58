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

    /// Every boolean name the knowledge tables use.
    static var knownNames: Set<String> {
        var names: Set<String> = ["deny_execmem", "selinuxuser_execstack", "selinuxuser_execheap", "selinuxuser_execmod",
                                  "allow_execmem", "allow_execstack", "allow_execheap", "allow_execmod"]
        for entry in PolicyKnowledge.serviceBooleans { names.formUnion([entry.fedora, entry.refpolicy].compactMap { $0 }) }
        return names
    }

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
    func guessing(from findings: [Finding]) -> PolicyEnvironment {
        guard family == nil else { return self }
        var copy = self
        if let hit = findings.first(where: Platform.isAndroid) {
            copy.family = .android
            copy.familySource = hit.process.scontext.map { "the context \($0), which is Android's shape" }
                ?? "the path \(hit.process.exe ?? hit.target ?? "?"), which is Android's"
        } else if let hit = findings.lazy.compactMap(\.process.domain).first(where: Self.fedoraOnlyTypes.contains) {
            copy.family = .fedora
            copy.familySource = "the domain \(hit), which only Fedora/RHEL policy defines"
        }
        return copy
    }

    /// The family for one finding: an Android context or program settles it, whatever else the
    /// log held.
    func family(for finding: Finding) -> PolicyBoolean.Family? {
        Platform.isAndroid(finding) ? .android : family
    }
}
