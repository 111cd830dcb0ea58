import AuditInput

/// An SELinux security context `user:role:type[:level]`, kept as logged and split when a part
/// is asked for.
public struct SecurityContext: Sendable, Hashable, CustomStringConvertible {
    private let text: String
    /// The first three colons: after user, role and type (no third: no level).
    private let c1, c2: String.Index
    private let c3: String.Index?
    private let isASCII: Bool

    public init?(_ text: String) {
        var text = text
        // One pass over the contiguous bytes (a context is parsed for every new finding), its
        // offsets then made indices of the UTF-8 view, which costs nothing in native text.
        // The colons in locals, not an array: no allocation.
        let (colons, found, ascii) = text.withUTF8 { bytes in
            var colons = (0, 0, 0), found = 0
            var ascii = true
            for (i, byte) in bytes.enumerated() {
                if byte >= 0x80 { ascii = false }
                guard byte == UInt8(ascii: ":") else { continue }
                switch found {
                case 0: colons.0 = i
                case 1: colons.1 = i
                case 2: colons.2 = i
                default: continue
                }
                found += 1
            }
            return (colons, found, ascii)
        }
        guard found >= 2 else { return nil }
        let u = text.utf8
        self.text = text
        c1 = u.index(u.startIndex, offsetBy: colons.0)
        c2 = u.index(u.startIndex, offsetBy: colons.1)
        c3 = found > 2 ? u.index(u.startIndex, offsetBy: colons.2) : nil
        isASCII = ascii
    }

    public var user: String { String(text[..<c1]) }
    public var role: String { String(text[text.index(after: c1)..<c2]) }
    public var type: String { String(text[text.utf8.index(after: c2)..<(c3 ?? text.endIndex)]) }
    public var level: String? { c3.map { String(text[text.index(after: $0)...]) } }

    /// In ASCII the parts joined again are the text as logged, so no String is built; other
    /// text is split by character, as the parts are.
    public var description: String {
        isASCII ? text : [user, role, type].joined(separator: ":") + (level.map { ":" + $0 } ?? "")
    }

    public static func == (a: SecurityContext, b: SecurityContext) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }
}

/// One SELinux access decision from a kernel AVC record, or from the `msg='…'` of a USER_AVC.
/// Only the result and the permissions are read up front; the other fields are decoded from the
/// record's bytes when asked for.
public struct AVC: Sendable {
    private let fields: Fields
    /// The result word is `denied` (else `granted`).
    public let denied: Bool
    public let permissions: [Permission]
    public let fromUserSpace: Bool
    public let source: SourceLocation

    public var pid: Int64? { fields.int("pid") }
    public var comm: String? { fields["comm"] }
    public var exe: String? { fields["exe"] }
    /// `path=`, or `name=` when the kernel only knew the last component.
    public var path: String? { fields["path"] }
    public var name: String? { fields["name"] }
    public var scontext: SecurityContext? { fields["scontext"].flatMap(SecurityContext.init) }
    public var tcontext: SecurityContext? { fields["tcontext"].flatMap(SecurityContext.init) }
    public var tclass: String? { fields["tclass"] }
    /// nil on kernels older than 4.17, which did not log it.
    public var permissive: Bool? { fields["permissive"].map { $0 == "1" } }

    init?(_ record: Record) {
        // The type first: every record of an event is offered, and decoding fields is a scan.
        let user = record.type == "USER_AVC"
        guard user || record.type == "AVC" else { return nil }
        var fields = record.fields
        if user {
            guard let inner = fields.nested("msg") else { return nil }
            fields = inner
        }
        guard let denied = fields.avcResult(is: "denied") else { return nil }   // AppArmor also writes type=AVC
        self.fields = fields
        self.denied = denied
        var permissions: [Permission] = []
        fields.forEachAVCPermission { permissions.append(Permission(bytes: $0)) }
        self.permissions = permissions
        fromUserSpace = user
        source = record.source
    }
}

/// The SYSCALL record: which call, with which first four arguments, by which process; each
/// field decoded from the record's bytes when asked for.
public struct Syscall: Sendable {
    private let fields: Fields
    /// Read back from `ausearch -i` output, which drops PROT_GROWSDOWN from a2.
    public let interpreted: Bool

    public var arch: UInt32? { fields.hex("arch").flatMap { UInt32(exactly: $0) } }
    public var number: Int? { fields.int("syscall").map { Int($0) } }
    public var success: Bool? { fields["success"].map { $0 == "yes" } }
    public var exit: Int64? { fields.int("exit") }
    /// a0…a3 as the kernel logged them; nil where a value was missing or unreadable.
    public var args: [UInt64?] { ["a0", "a1", "a2", "a3"].map { fields.hex($0) } }
    public var pid: Int64? { fields.int("pid") }
    public var ppid: Int64? { fields.int("ppid") }
    public var comm: String? { fields["comm"] }
    public var exe: String? { fields["exe"] }
    public var subject: SecurityContext? { fields["subj"].flatMap(SecurityContext.init) }
    /// `per=`, logged only when the personality is not PER_LINUX.
    public var personality: UInt64? { fields.hex("per") }

    init(_ record: Record) {
        fields = record.fields
        interpreted = record.enrichmentContains(InterpretedForm.marker)
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
