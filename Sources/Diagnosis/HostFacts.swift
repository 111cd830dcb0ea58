/// What is known of the host a log came from, each fact with the file it was read from (an
/// sosreport's `uname`, `installed-rpms`, `sos_commands/selinux/sestatus_-b`, …). The kernel
/// and glibc versions, the booleans in force and the running processes change the answer:
/// READ_IMPLIES_EXEC for 64-bit programs exists only before Linux 5.8; TEXTREL libraries are
/// denied execmod with glibc 2.28 and older, execmem after; glibc 2.41 refuses exec-stack
/// dlopen() by itself; the booleans on now decide which policy change to offer.
public struct HostFacts: Sendable, Equatable {
    /// A value and where it was read.
    public struct Fact<Value: Sendable & Equatable>: Sendable, Equatable {
        public var value: Value
        /// The file it came from, relative to the report's top (`sos_commands/kernel/uname_-a`).
        public var source: String

        public init(_ value: Value, from source: String) {
            self.value = value
            self.source = source
        }
    }

    /// A process running when the report was taken (`ps auxZww`).
    public struct RunningProcess: Sendable, Equatable {
        public var pid: Int64
        public var user: String
        /// The SELinux context, `system_u:system_r:httpd_t:s0`.
        public var context: String
        public var command: String

        public init(pid: Int64, user: String, context: String, command: String) {
            self.pid = pid
            self.user = user
            self.context = context
            self.command = command
        }
    }

    public var hostname: Fact<String>?
    /// `uname -r`: `4.18.0-553.el8_10.x86_64`.
    public var kernelRelease: Fact<String>?
    /// `uname -m`: `x86_64`.
    public var architecture: Fact<String>?
    /// The C library's version: `2.28`.
    public var glibcVersion: Fact<String>?
    /// `enforcing`, `permissive` or `disabled`.
    public var selinuxMode: Fact<String>?
    /// `targeted`, `mls`, …
    public var policyName: Fact<String>?
    /// Boolean values in force when the report was taken.
    public var booleans: Fact<[String: Bool]>?
    public var processes: Fact<[RunningProcess]>?
    /// How sos cut the audit log (it keeps the tail of one over its size limit); nil when whole.
    public var auditLogCut: Fact<String>?

    public init() {}

    /// Nothing is known.
    public var isEmpty: Bool { self == HostFacts() }
}
