import AuditInput

/// An SELinux security context `user:role:type[:level]`.
public struct SecurityContext: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var role: String
    public var type: String
    public var level: String?

    public init?(_ text: String) {
        let u = text.utf8
        guard let c1 = u.firstIndex(of: UInt8(ascii: ":")),
              let c2 = u[u.index(after: c1)...].firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let afterRole = u.index(after: c2)
        let c3 = u[afterRole...].firstIndex(of: UInt8(ascii: ":"))
        user = String(text[..<c1])
        role = String(text[text.index(after: c1)..<c2])
        type = String(text[afterRole..<(c3 ?? u.endIndex)])
        level = c3.map { String(text[text.index(after: $0)...]) }
    }

    public var description: String { [user, role, type].joined(separator: ":") + (level.map { ":" + $0 } ?? "") }
}

/// One SELinux access decision from a kernel AVC record, or from the `msg='…'` of a USER_AVC.
public struct AVC: Sendable {
    public var result: String
    public var permissions: [String]
    public var pid: Int64?
    public var comm: String?
    public var exe: String?
    /// `path=`, or `name=` when the kernel only knew the last component.
    public var path: String?
    public var name: String?
    public var scontext: SecurityContext?
    public var tcontext: SecurityContext?
    public var tclass: String?
    /// nil on kernels older than 4.17, which did not log it.
    public var permissive: Bool?
    public var fromUserSpace: Bool
    public var source: SourceLocation

    public var denied: Bool { result == "denied" }

    init?(_ record: Record) {
        var fields = record.fields
        var user = false
        if record.type == "USER_AVC" {
            guard let inner = fields["msg"] else { return nil }
            fields = Fields(parsing: inner)
            user = true
        } else if record.type != "AVC" {
            return nil
        }
        guard let result = fields.avcResult else { return nil }   // AppArmor also writes type=AVC
        self.result = result
        permissions = fields.avcPermissions
        pid = fields.int("pid")
        comm = fields["comm"]
        exe = fields["exe"]
        path = fields["path"]
        name = fields["name"]
        scontext = fields["scontext"].flatMap(SecurityContext.init)
        tcontext = fields["tcontext"].flatMap(SecurityContext.init)
        tclass = fields["tclass"]
        permissive = fields["permissive"].map { $0 == "1" }
        fromUserSpace = user
        source = record.source
    }
}

/// The SYSCALL record: which call, with which first four arguments, by which process.
public struct Syscall: Sendable {
    public var arch: UInt32?
    public var number: Int?
    public var success: Bool?
    public var exit: Int64?
    /// a0…a3 as the kernel logged them; nil where a value was missing or unreadable.
    public var args: [UInt64?]
    public var pid: Int64?
    public var ppid: Int64?
    public var comm: String?
    public var exe: String?
    public var subject: SecurityContext?
    /// `per=`, logged only when the personality is not PER_LINUX.
    public var personality: UInt64?
    /// Read back from `ausearch -i` output, which drops PROT_GROWSDOWN from a2.
    public var interpreted: Bool

    init(_ record: Record) {
        let f = record.fields
        arch = f.hex("arch").flatMap { UInt32(exactly: $0) }
        number = f.int("syscall").map { Int($0) }
        success = f["success"].map { $0 == "yes" }
        exit = f.int("exit")
        args = ["a0", "a1", "a2", "a3"].map { f.hex($0) }
        pid = f.int("pid")
        ppid = f.int("ppid")
        comm = f["comm"]
        exe = f["exe"]
        subject = f["subj"].flatMap(SecurityContext.init)
        personality = f.hex("per")
        interpreted = record.enrichment?.contains(InterpretedForm.marker) ?? false
    }

    /// The machine name libaudit gives the `arch=` value.
    public var machine: String? { arch.flatMap(AuditNames.machine(arch:)) }

    /// The syscall's name on that machine, from libaudit.
    public var name: String? {
        guard let arch, let number else { return nil }
        return AuditNames.syscall(number, arch: arch)
    }
}

/// The MMAP record: the fd and flags of a file-backed mmap (arguments the SYSCALL record cannot hold).
public struct MmapRecord: Sendable {
    public var fd: Int64?
    public var flags: UInt64?
}

extension Event {
    public var avcs: [AVC] { records.compactMap(AVC.init) }
    public var syscall: Syscall? { records.first { $0.type == "SYSCALL" }.map(Syscall.init) }
    public var proctitle: String? { records.first { $0.type == "PROCTITLE" }?.fields["proctitle"] }
    public var mmap: MmapRecord? {
        records.first { $0.type == "MMAP" }.map { r in
            let f = r.fields
            return MmapRecord(fd: f.int("fd"), flags: f.hex("flags"))
        }
    }
    /// The path an AVC_PATH record gives (kernels before 2.6.2x logged it separately).
    public var avcPath: String? { records.first { $0.type == "AVC_PATH" }?.fields["path"] }
}
