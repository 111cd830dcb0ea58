import CAudit

/// Names that libaudit knows better than a hand-written table: syscalls per machine,
/// machines per audit arch, record types per number.
public enum AuditNames {
    /// The machine name for an audit `arch=` value (`c000003e` → `x86_64`), nil if libaudit does not know it.
    public static func machine(arch: UInt32) -> String? {
        // libaudit names 32-bit ARM by the first entry of its table, "armeb", though the arch
        // value with the little-endian bit set is little-endian ARM: `uname -m` says armv7l there.
        if arch == 0x4000_0028 { return "arm" }
        let m = audit_elf_to_machine(arch)
        guard m >= 0, let name = audit_machine_to_name(m) else { return nil }
        return String(cString: name)
    }

    /// The syscall name for a number on the machine an audit `arch=` names.
    public static func syscall(_ number: Int, arch: UInt32) -> String? {
        let m = audit_elf_to_machine(arch)
        guard m >= 0, number >= 0, number <= Int(Int32.max), let name = audit_syscall_to_name(Int32(number), m) else { return nil }
        return String(cString: name)
    }

    /// The record type name for a number (1400 → `AVC`), or `UNKNOWN[n]` as auditd writes it.
    public static func recordType(_ number: Int) -> String {
        guard number >= 0, number <= Int(Int32.max), let name = audit_msg_type_to_name(Int32(number)) else { return "UNKNOWN[\(number)]" }
        return String(cString: name)
    }
}
