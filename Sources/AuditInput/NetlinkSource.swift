import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// The kernel's audit records as they happen: a NETLINK_AUDIT socket bound to the read-only
/// multicast group AUDIT_NLGRP_READLOG (Linux 3.16+, CAP_AUDIT_READ), so it runs beside auditd
/// without taking its place.
public final class NetlinkSource {
    public let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    public enum Failure: Error, CustomStringConvertible {
        case socket(Int32), bind(Int32)
        public var description: String {
            switch self {
            case .socket(let e): return "cannot open the audit netlink socket: \(String(cString: strerror(e)))"
            case .bind(let e) where e == EPERM || e == EACCES:
                return "joining the audit multicast group needs the CAP_AUDIT_READ capability (run as root, or grant it with setcap cap_audit_read+ep)"
            case .bind(let e) where e == EINVAL || e == ENOENT:
                return "this kernel has no audit multicast group (Linux 3.16 or later with CONFIG_AUDIT is needed)"
            case .bind(let e): return "cannot join the audit multicast group: \(String(cString: strerror(e)))"
            }
        }
    }

    public init() throws {
        fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_AUDIT)
        guard fd >= 0 else { throw Failure.socket(errno) }
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        address.nl_groups = UInt32(AUDIT_NLGRP_READLOG.rawValue)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size)) }
        }
        guard bound == 0 else {
            let e = errno
            close(fd)
            throw Failure.bind(e)
        }
        // Bursts of denials come faster than they are explained; a large buffer loses fewer.
        var size: Int32 = 8 << 20
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    public enum Received {
        /// Records in auditd's text form: `type=NAME msg=audit(…): body`.
        case lines([[UInt8]])
        /// The kernel dropped messages: the socket's buffer overflowed (ENOBUFS).
        case overflow
    }

    /// One datagram's records. Call when `poll` says the socket is readable.
    public func receive() throws -> Received {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if n < 0 {
            if errno == ENOBUFS { return .overflow }
            if errno == EAGAIN || errno == EINTR { return .lines([]) }
            throw NetlinkSource.Failure.socket(errno)
        }
        var lines: [[UInt8]] = []
        var offset = 0
        let header = MemoryLayout<nlmsghdr>.size
        while offset + header <= n {
            let (length, type) = buffer.withUnsafeBytes { raw -> (Int, UInt16) in
                let h = raw.loadUnaligned(fromByteOffset: offset, as: nlmsghdr.self)
                return (Int(h.nlmsg_len), h.nlmsg_type)
            }
            guard length >= header, offset + length <= n else { break }
            let payload = buffer[(offset + header)..<(offset + length)]
            lines.append(Self.recordLine(type: Int(type), payload: payload))
            offset += (length + 3) & ~3
        }
        return .lines(lines)
    }

    /// What auditd's format_raw() writes: `type=NAME msg=` then the payload, newlines as spaces.
    static func recordLine(type: Int, payload: ArraySlice<UInt8>) -> [UInt8] {
        var body = Array(payload.prefix { $0 != 0 })
        for i in body.indices where body[i] == 0x0a { body[i] = 0x20 }
        while body.last == 0x20 { body.removeLast() }
        return Array("type=\(AuditNames.recordType(type)) msg=".utf8) + body
    }
}
