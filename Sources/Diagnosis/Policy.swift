import AuditEvents
/// A policy boolean that would allow the denied access, and in which policy family it exists.
public struct PolicyBoolean: Sendable, Equatable {
    /// Android has no booleans: its family only decides which advice applies.
    public enum Family: String, Sendable { case fedora, refpolicy, android }

    public var name: String
    public var family: Family
    /// The value that allows the access (deny_execmem must be *off*).
    public var allowingValue: Bool
    public var grants: [Permission]
    public var note: String?
    /// The value in force, where the analysed root exposes it.
    public var current: Bool? = nil

    public var command: String { ShellCommand(["setsebool", "-P", .value(name), allowingValue ? "on" : "off"]).rendered }
}

/// Which booleans govern exec* for which domains, from fedora-selinux/selinux-policy and
/// SELinuxProject/refpolicy (policy/global_tunables and the domain modules).
enum PolicyKnowledge {
    /// Domains covered by the user/unconfined templates, where the global booleans apply.
    static let userDomains: Set<String> = [
        "unconfined_t", "unconfined_service_t", "user_t", "staff_t", "sysadm_t", "guest_t", "xguest_t",
        "unconfined_dbusd_t", "initrc_t", "init_t",
    ]

    /// Service booleans that grant `{ execmem execstack }` (or more) to their domains.
    static let serviceBooleans: [(domains: [String], fedora: String?, refpolicy: String?, grants: [Permission])] = [
        (["httpd_t", "httpd_sys_script_t", "httpd_suexec_t"], "httpd_execmem", "httpd_execmem", [.execmem, .execstack]),
        (["java_t"], "java_execstack", "allow_java_execstack", [.execmem, .execstack]),
        (["mozilla_t", "mozilla_plugin_t"], nil, "mozilla_execstack", [.execmem, .execstack]),
        (["mplayer_t", "mencoder_t"], "mplayer_execstack", nil, [.execmem, .execstack]),
        (["xserver_t"], "xserver_execmem", nil, [.execheap, .execmem, .execstack]),
        (["svirt_t", "svirt_tcg_t", "svirt_kvm_net_t"], "virt_use_execmem", "virt_use_execmem", [.execmem, .execstack]),
        (["cupsd_t"], "cups_execmem", nil, [.execmem, .execstack]),
        (["tomcat_t"], "tomcat_use_execmem", nil, [.execmem, .execstack]),
        (["postgresql_t"], nil, "psql_allow_execmem", [.execmem]),
        (["pulseaudio_t"], nil, "pulseaudio_execmem", [.execmem]),
        (["spamd_t"], nil, "spamd_execmem", [.execmem]),
    ]

    /// A warning when the only booleans found are the global ones and the domain is not one
    /// they reach (the user and unconfined templates).
    /// The names of `serviceBooleans`, made once: every finding's fixes ask.
    private static let serviceBooleanNames = Set(serviceBooleans.flatMap { [$0.fedora, $0.refpolicy].compactMap { $0 } })

    static func caveat(for booleans: [PolicyBoolean], domain: String?) -> String? {
        let serviceNames = serviceBooleanNames
        guard let domain, !userDomains.contains(domain), !booleans.contains(where: { serviceNames.contains($0.name) }) else { return nil }
        return "these global booleans cover user and unconfined domains; \(domain) may need its own boolean or a local policy module"
    }

    /// The booleans for these permissions and this domain, narrowed to the policy family when
    /// it is known, with their current values when those are.
    static func booleans(for permissions: Set<Permission>, domain: String?, policy: PolicyEnvironment) -> [PolicyBoolean] {
        booleans(for: permissions, domain: domain)
            .filter { policy.family == nil || $0.family == policy.family }
            .map { var b = $0; b.current = policy.values[b.name]; return b }
    }

    static func booleans(for permissions: Set<Permission>, domain: String?) -> [PolicyBoolean] {
        var out: [PolicyBoolean] = []
        if let domain, let entry = serviceBooleans.first(where: { $0.domains.contains(domain) }),
           !permissions.isDisjoint(with: entry.grants) {
            if let f = entry.fedora { out.append(PolicyBoolean(name: f, family: .fedora, allowingValue: true, grants: entry.grants)) }
            if let r = entry.refpolicy { out.append(PolicyBoolean(name: r, family: .refpolicy, allowingValue: true, grants: entry.grants)) }
            return out
        }
        let unconfinedOnly = "only for unconfined domains"
        if permissions.contains(.execstack) {
            out.append(PolicyBoolean(name: "selinuxuser_execstack", family: .fedora, allowingValue: true, grants: [.execstack],
                                     note: "execstack is followed by an execmem check, so deny_execmem must also be off"))
        }
        if permissions.contains(.execmem) || permissions.contains(.execstack) {
            out.append(PolicyBoolean(name: "deny_execmem", family: .fedora, allowingValue: false, grants: [.execmem]))
        }
        if permissions.contains(.execheap) {
            out.append(PolicyBoolean(name: "selinuxuser_execheap", family: .fedora, allowingValue: true, grants: [.execheap], note: unconfinedOnly))
        }
        if permissions.contains(.execmod) {
            out.append(PolicyBoolean(name: "selinuxuser_execmod", family: .fedora, allowingValue: true, grants: [.execmod]))
        }
        if permissions.contains(.execmem) || permissions.contains(.execstack) {
            out.append(PolicyBoolean(name: "allow_execmem", family: .refpolicy, allowingValue: true, grants: [.execmem]))
        }
        if permissions.contains(.execstack) {
            out.append(PolicyBoolean(name: "allow_execstack", family: .refpolicy, allowingValue: true, grants: [.execmem, .execstack],
                                     note: "refpolicy grants execstack to user domains only when allow_execmem is on too"))
        }
        if permissions.contains(.execheap) {
            out.append(PolicyBoolean(name: "allow_execheap", family: .refpolicy, allowingValue: true, grants: [.execheap], note: unconfinedOnly))
        }
        if permissions.contains(.execmod) {
            out.append(PolicyBoolean(name: "allow_execmod", family: .refpolicy, allowingValue: true, grants: [.execmod]))
        }
        return out
    }
}
