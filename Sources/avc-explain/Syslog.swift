import ArgumentParser
import CLinux
import Rendering
#if canImport(Glibc)
import Glibc
#endif

/// syslog(3), as auditd's own syslog plugin (audisp-syslog) writes. Each line of a message is
/// logged on its own, with control and bidi characters escaped and its length bounded: the
/// names in it come from audit records.
struct SyslogChannel {
    /// Bytes of one message, leaving room for the header within RFC 3164's 1,024.
    static let maxLineBytes = 900

    private let socket: SyslogSocket

    init(ident: String, facility: SyslogFacility, socket: SyslogSocket = SyslogSocket()) {
        // openlog(3) keeps the pointer it is given: the copy lives as long as the process.
        openlog(strdup(ident), LOG_PID, facility.code)
        self.socket = socket
    }

    /// `message` is written only when the socket is there.
    func log(_ message: @autoclosure () -> String, priority: Int32) {
        guard socket.admits() else { return }
        for line in message().split(separator: "\n") {
            clinux_syslog(priority, Self.bounded(TerminalText.sanitize(String(line))))
        }
    }

    /// At most `maxLineBytes` of UTF-8, cut between characters and marked with "…".
    static func bounded(_ line: String) -> String {
        guard line.utf8.count > maxLineBytes else { return line }
        var out = ""
        var bytes = 0
        for c in line {
            bytes += c.utf8.count
            if bytes > maxLineBytes - 3 { break }
            out.append(c)
        }
        return out + "…"
    }
}

/// Whether syslog's socket is there to take lines. Where it is not (a container, a rescue
/// system), syslog(3) would try to connect again for every line it is given, a socket and a
/// connect each; instead the socket is tried at growing intervals (1 second, doubling up to
/// a minute), the messages of the time between are not offered, and stderr is told once when
/// it goes missing and once when it is back, with how many messages were not written. Once
/// it is there, syslog(3) keeps its own connection.
final class SyslogSocket {
    let path: String
    private let now: () -> UInt64
    private let warn: (String) -> Void
    static let maxDelay: UInt64 = 60

    private var known = false
    private var up = false
    private var nextTry: UInt64 = 0
    private var delay: UInt64 = 1
    /// Messages not offered to syslog(3) since it was found missing.
    private(set) var unwritten = 0
    /// Connections tried.
    private(set) var tries = 0

    init(path: String = "/dev/log", now: @escaping () -> UInt64 = { UInt64(max(time(nil), 0)) },
         warn: @escaping (String) -> Void = Diagnostics.warn) {
        self.path = path
        self.now = now
        self.warn = warn
    }

    /// Whether a message may be handed to syslog(3) now.
    func admits() -> Bool {
        if up { return true }
        let t = now()
        if known, t < nextTry {
            unwritten += 1
            return false
        }
        tries += 1
        if let why = Self.connectFails(path) {
            if !known { warn("syslog: \(path): \(why): messages for syslog are not written while it is missing (tried again every \(Self.maxDelay) seconds at most)") }
            known = true
            nextTry = t + delay
            delay = min(delay * 2, Self.maxDelay)
            unwritten += 1
            return false
        }
        if known { warn("syslog: \(path) is back: \(unwritten) message\(unwritten == 1 ? " was" : "s were") not written to syslog") }
        known = true
        up = true
        return true
    }

    /// Why a connection to the socket at `path` cannot be made, as syslog(3) makes it (a
    /// datagram socket, else a stream one); nil when it can.
    static func connectFails(_ path: String) -> String? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return "path too long" }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        var error: Int32 = 0
        for type in [Int32(SOCK_DGRAM.rawValue), Int32(SOCK_STREAM.rawValue)] {
            let fd = Glibc.socket(AF_UNIX, type | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return String(cString: strerror(errno)) }
            let status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            error = errno
            close(fd)
            if status == 0 { return nil }
            guard error == EPROTOTYPE else { break }
        }
        return String(cString: strerror(error))
    }
}

/// The facilities audisp-syslog accepts, by syslog.conf's names; `user` is its default too.
enum SyslogFacility: String, CaseIterable, ExpressibleByArgument {
    case user, daemon, auth, authpriv, syslog
    case local0, local1, local2, local3, local4, local5, local6, local7

    var code: Int32 {
        switch self {
        case .user: return LOG_USER
        case .daemon: return LOG_DAEMON
        case .auth: return LOG_AUTH
        case .authpriv: return LOG_AUTHPRIV
        case .syslog: return LOG_SYSLOG
        case .local0: return LOG_LOCAL0
        case .local1: return LOG_LOCAL1
        case .local2: return LOG_LOCAL2
        case .local3: return LOG_LOCAL3
        case .local4: return LOG_LOCAL4
        case .local5: return LOG_LOCAL5
        case .local6: return LOG_LOCAL6
        case .local7: return LOG_LOCAL7
        }
    }
}
