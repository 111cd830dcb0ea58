import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// The kernel's audit records as they happen: a NETLINK_AUDIT socket bound to the read-only
/// multicast group AUDIT_NLGRP_READLOG (Linux 3.16+, CAP_AUDIT_READ), so it runs beside auditd
/// without taking its place.
public final class NetlinkSource: Sendable {
    public let fd: Int32
    /// The receive buffer the kernel granted, as getsockopt(SO_RCVBUF) tells it (the kernel
    /// doubles what is asked, for its bookkeeping), and whether it was forced past
    /// net.core.rmem_max.
    public let receiveBuffer: ReceiveBuffer

    public struct ReceiveBuffer: Sendable, Equatable {
        public var bytes: Int
        /// true: SO_RCVBUFFORCE was permitted (root or CAP_NET_ADMIN); false: SO_RCVBUF, capped
        /// by net.core.rmem_max.
        public var forced: Bool
    }

    /// What is asked for. A denial storm writes four records of up to a few hundred bytes per
    /// event, each charged about 2 KB of kernel memory: 64 MiB (128 accounted) holds some
    /// 60,000 records while the analysis catches up. The memory is the kernel's, used only
    /// while a backlog lasts.
    public static let requestedBuffer: Int32 = 64 << 20

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

    public init(requestedBuffer: Int32 = NetlinkSource.requestedBuffer) throws {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_AUDIT)
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
        self.fd = fd
        receiveBuffer = Self.raiseReceiveBuffer(fd, to: requestedBuffer)
    }

    /// SO_RCVBUFFORCE when permitted, else SO_RCVBUF (which the kernel caps at
    /// net.core.rmem_max, about 200 KB on a default kernel: a burst of some 45 denials).
    static func raiseReceiveBuffer(_ fd: Int32, to requested: Int32) -> ReceiveBuffer {
        var size = requested
        let length = socklen_t(MemoryLayout<Int32>.size)
        let forced = setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, length) == 0
        if !forced { _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, length) }
        var granted: Int32 = 0
        var grantedLength = length
        _ = getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &grantedLength)
        return ReceiveBuffer(bytes: Int(granted), forced: forced)
    }

    /// Over a socket already open (a test's datagram socket pair): it takes the descriptor.
    init(adopting fd: Int32) {
        self.fd = fd
        receiveBuffer = ReceiveBuffer(bytes: 0, forced: false)
    }

    deinit { close(fd) }

    public enum Received: Equatable {
        /// One datagram of this many bytes, in the buffer given.
        case datagram(Int)
        /// The kernel dropped messages: the socket's buffer overflowed (ENOBUFS).
        case overflow
        /// Nothing to read now.
        case none
    }

    /// One datagram into `buffer`, without waiting.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> Received {
        let n = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
        if n < 0 {
            if errno == ENOBUFS { return .overflow }
            if errno == EAGAIN || errno == EINTR { return .none }
            throw NetlinkSource.Failure.socket(errno)
        }
        return .datagram(n)
    }

    /// A datagram's records in auditd's text form: `type=NAME msg=audit(…): body`.
    public static func lines(of datagram: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var offset = 0
        let header = MemoryLayout<nlmsghdr>.size
        while offset + header <= datagram.count {
            let (length, type) = datagram.withUnsafeBytes { raw -> (Int, UInt16) in
                let h = raw.loadUnaligned(fromByteOffset: offset, as: nlmsghdr.self)
                return (Int(h.nlmsg_len), h.nlmsg_type)
            }
            guard length >= header, offset + length <= datagram.count else { break }
            lines.append(Self.recordLine(type: Int(type), payload: datagram[(offset + header)..<(offset + length)]))
            offset += (length + 3) & ~3
        }
        return lines
    }

    /// What auditd's format_raw() writes: `type=NAME msg=` then the payload, newlines as spaces.
    static func recordLine(type: Int, payload: ArraySlice<UInt8>) -> [UInt8] {
        var body = Array(payload.prefix { $0 != 0 })
        for i in body.indices where body[i] == 0x0a { body[i] = 0x20 }
        while body.last == 0x20 { body.removeLast() }
        return Array("type=\(AuditNames.recordType(type)) msg=".utf8) + body
    }
}
