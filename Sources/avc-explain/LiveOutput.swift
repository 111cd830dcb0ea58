import CLinux
import Rendering
#if canImport(Glibc)
import Glibc
#endif

/// Where a live session's output goes. Standard output gets text or JSON Lines, as `--format`
/// says; `--output FILE` appends the JSON Lines records to FILE as well; with `--plugin`, a line
/// per finding, repeat, loss and summary goes to syslog(3) too, because auditd starts its
/// plugins with standard output and standard error on /dev/null.
struct LiveOutput {
    let format: OutputFormat
    /// `--output`: JSON Lines appended here.
    var recordsFile: AppendedFile?
    var syslog: SyslogChannel?

    /// Whether JSON Lines records go anywhere: each costs a serialization.
    var wantsRecords: Bool { format == .json || recordsFile != nil }

    /// A JSON Lines record, for standard output (with `--format json`) and the `--output` file.
    func record(_ line: @autoclosure () -> String) {
        guard wantsRecords else { return }
        let line = line()
        if format == .json { Descriptor.write(line, to: 1) }
        recordsFile?.write(Array(line.utf8))
    }

    /// Text for people: `stdout` unless standard output carries JSON, `log` to syslog.
    func text(_ stdout: @autoclosure () -> String, log: @autoclosure () -> String, priority: Int32 = LOG_INFO) {
        if format != .json { Descriptor.write(stdout(), to: 1) }
        syslog?.log(log(), priority: priority)
    }
}

/// A file a live session appends to (`--output`, `--save-records`): created private (0600), not
/// inherited, and opened again on SIGHUP, so logrotate can move it away as it does auditd's.
struct AppendedFile {
    let path: String
    private(set) var fd: Int32

    /// Opens `path`; nil, with the reason, when it cannot be.
    static func open(_ path: String) -> Result<AppendedFile, AppendError> {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .failure(AppendError(description: "\(path): cannot open for writing: \(String(cString: strerror(errno)))")) }
        return .success(AppendedFile(path: path, fd: fd))
    }

    func write(_ bytes: [UInt8]) { Descriptor.write(bytes, to: fd) }

    /// The file at `path` now (after a rotation, a new one); the old one stays in use if the
    /// new one cannot be opened, and the reason is returned.
    mutating func reopen() -> String? {
        switch Self.open(path) {
        case .success(let fresh):
            close(fd)
            fd = fresh.fd
            return nil
        case .failure(let error):
            return error.description + "; still writing to the file opened before"
        }
    }
}

struct AppendError: Error, CustomStringConvertible {
    var description: String
}
