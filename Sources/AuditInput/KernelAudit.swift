import CAudit
#if canImport(Glibc)
import Glibc
#endif

/// Whether the kernel's audit is switched on, asked over an audit netlink socket.
///
/// libaudit's `audit_is_enabled()` asks the same, but it sits in the one object of libaudit.a that
/// also holds the audit-rule builders, which call getpwnam()/getgrnam() and pull in libcap-ng:
/// linked statically, that object brings glibc's NSS into the release binary, which needs glibc's
/// shared libraries at run time. `audit_send`/`audit_get_reply` live in libaudit's netlink object,
/// which calls neither.
public enum KernelAudit {
    /// true: audit is on (or locked on); false: off, or no audit in this kernel; nil: the kernel
    /// could not be asked (no socket, no permission, no answer within four seconds).
    public static func isEnabled() -> Bool? {
        let fd = audit_open()
        guard fd >= 0 else { return nil }
        defer { audit_close(fd) }
        let sent = audit_send(fd, Int32(AUDIT_GET), nil, 0)
        // The kernel refuses the connection when it was built without audit.
        guard sent != -ECONNREFUSED else { return false }
        guard sent > 0 else { return nil }
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        for _ in 0..<40 {
            _ = poll(&ready, 1, 100)
            var reply = audit_reply()
            let received = audit_get_reply(fd, &reply, GET_REPLY_NONBLOCKING, 0)
            guard received != -ECONNREFUSED else { return false }
            guard received > 0 else { continue }
            if reply.type == NLMSG_DONE || reply.type == NLMSG_ERROR { return nil }
            if reply.type == AUDIT_GET, let status = reply.status { return status.pointee.enabled != 0 }
        }
        return nil
    }
}
