import Diagnosis

/// What an sosreport said of its host, for the reports' Host block and the JSON `host`
/// object: each fact with the file it was read from, or unknown.
struct HostBlock {
    let host: HostFacts
    /// The executables of the host's exec* findings, to pick them out of the process list.
    let programs: Set<String>

    init(host: HostFacts, findings: some Sequence<Finding>) {
        self.host = host
        programs = Set(findings.lazy.compactMap(\.process.exe))
    }

    /// A report's blocks: the plain sosreport's, titled "Host", then each node's own, titled
    /// "Host NODE", each with the exec* findings explained under it.
    static func all(_ report: Report) -> [(title: String, node: String?, block: HostBlock)] {
        let hosts = report.hosts
        var out: [(String, String?, HostBlock)] = []
        if let fallback = hosts.fallback {
            out.append(("Host", nil, HostBlock(host: fallback, findings: report.execFindings.lazy.filter { hosts.ownFactsNode(of: $0) == nil })))
        }
        for (node, facts) in hosts.byNode.sorted(by: { $0.key < $1.key }) {
            out.append(("Host \(node)", node, HostBlock(host: facts, findings: report.execFindings.lazy.filter { hosts.ownFactsNode(of: $0) == node })))
        }
        return out
    }

    /// The exec* booleans are the ones that decide which policy change to offer.
    static func isExecBoolean(_ name: String) -> Bool {
        ["execmem", "execstack", "execheap", "execmod"].contains { name.contains($0) }
    }

    /// The listed processes running a finding's executable (the command's first word). Not by
    /// pid alone: the list was taken later, and the pid may be another program's by then.
    var deniedProcesses: [HostFacts.RunningProcess] {
        guard let list = host.processes?.value else { return [] }
        return list.filter { p in p.command.split(separator: " ").first.map { programs.contains(String($0)) } ?? false }
    }

    /// A line's start in the text and summary reports: the label, indented, in a column of its own.
    static func labelColumn(_ label: String) -> String {
        "  " + label + String(repeating: " ", count: max(1, 10 - label.count))
    }

    /// `(label, text)` lines, unsanitised.
    var lines: [(String, String)] {
        func shown<V>(_ fact: HostFacts.Fact<V>?, _ text: (V) -> String) -> String {
            fact.map { "\(text($0.value)) (\($0.source))" } ?? "unknown"
        }
        var kernel = shown(host.kernelRelease) { $0 }
        if let arch = host.architecture, let release = host.kernelRelease {
            kernel = "\(release.value), \(arch.value) (\(release.source))"
        }
        var selinux = shown(host.selinuxMode) { $0 }
        if let mode = host.selinuxMode, let policy = host.policyName {
            selinux = mode.source == policy.source ? "\(mode.value), policy \(policy.value) (\(mode.source))"
                : "\(mode.value) (\(mode.source)), policy \(policy.value) (\(policy.source))"
        }
        let booleans = shown(host.booleans) { values in
            let exec = values.filter { Self.isExecBoolean($0.key) }.sorted { $0.key < $1.key }
            return "\(values.count) read" + (exec.isEmpty ? "" : "; " + exec.map { "\($0.key) \($0.value ? "on" : "off")" }.joined(separator: ", "))
        }
        let running = shown(host.processes) { list in
            let denied = deniedProcesses
            return "\(list.count) processes" + (denied.isEmpty ? ", none of them a denied program"
                : "; " + denied.map { "pid \($0.pid) \($0.command) as \($0.context)" }.joined(separator: "; "))
        }
        let cut = host.auditLogCut.map { [("audit log", shown($0) { $0 })] } ?? []
        return [("hostname", shown(host.hostname) { $0 }), ("kernel", kernel), ("glibc", shown(host.glibcVersion) { $0 }),
                ("SELinux", selinux), ("booleans", booleans), ("running", running)] + cut
    }

    var json: JSON {
        func fact<V>(_ fact: HostFacts.Fact<V>?, _ value: (V) -> JSON) -> JSON {
            fact.map { .object([("value", value($0.value)), ("source", .string($0.source))]) } ?? .null
        }
        // Only when the log was cut: a whole log's report keeps the members it always had.
        let cut = host.auditLogCut.map { [("audit_log_cut", fact($0, JSON.string))] } ?? []
        return .object([
            ("hostname", fact(host.hostname, JSON.string)),
            ("kernel_release", fact(host.kernelRelease, JSON.string)),
            ("architecture", fact(host.architecture, JSON.string)),
            ("glibc_version", fact(host.glibcVersion, JSON.string)),
            ("selinux_mode", fact(host.selinuxMode, JSON.string)),
            ("policy_name", fact(host.policyName, JSON.string)),
            ("booleans", fact(host.booleans) { .object($0.sorted { $0.key < $1.key }.map { ($0.key, .bool($0.value)) }) }),
            ("processes", fact(host.processes) { list in
                .array(list.map { .object([("pid", .int($0.pid)), ("user", .string($0.user)),
                                           ("context", .string($0.context)), ("command", .string($0.command))]) })
            }),
        ] + cut)
    }
}
