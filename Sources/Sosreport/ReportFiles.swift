import AuditInput
import ELFLoader
#if canImport(Glibc)
import Glibc
#endif

/// A fact file looked up in a report, by its path under the report's top.
enum FileLookup {
    /// Read whole; `path` is where it really is (a top-level `uname` is a link to `sos_commands/kernel/uname_-a`).
    case found(path: String, bytes: [UInt8])
    case missing
    case tooLarge(path: String)
}

/// The files of a report, wherever they are: an extracted directory or a tarball. Paths are
/// relative to the report's top (`sos_commands/kernel/uname_-a`) and resolve inside it only.
protocol ReportFiles {
    /// What the report is called in messages.
    var name: String { get }
    func file(_ path: String) -> FileLookup
    /// `var/log/audit/audit.log` and its rotations, oldest first, as inputs; messages about any skipped.
    func auditLogs() -> (logs: [InputSource], skipped: [String])
    /// A log-like file (the ausearch output) as an input, if the report has it.
    func input(_ path: String) -> InputSource?
    /// Where a regular file really is (links followed inside the report) and its size.
    func resolvedFile(_ path: String) -> (path: String, size: Int64)?
}

enum ReportLimits {
    /// A fact file (`installed-rpms`, `ps auxZww`) larger than this is skipped.
    static let factFile = 16 << 20
    static let logDirectory = "var/log/audit"
    static let logName = "audit.log"
}

/// An extracted sosreport: a directory treated as a root, so that no link leads out of it.
struct DirectoryReport: ReportFiles {
    let name: String
    let root: FileSystemRoot

    init(directory: String) {
        name = directory
        root = FileSystemRoot(directory: directory)
    }

    func file(_ path: String) -> FileLookup {
        guard let real = root.regularFile("/" + path) else { return .missing }
        let relative = String(real.dropFirst())
        var st = stat()
        guard stat(root.hostPath(real), &st) == 0, st.st_size <= ReportLimits.factFile,
              let bytes = root.contents(real, limit: ReportLimits.factFile) else { return .tooLarge(path: relative) }
        return .found(path: relative, bytes: bytes)
    }

    func auditLogs() -> (logs: [InputSource], skipped: [String]) {
        guard let directory = root.resolve("/" + ReportLimits.logDirectory),
              case .success(let names) = InputOrder.rotations(named: ReportLimits.logName, in: root.hostPath(directory)) else { return ([], []) }
        let logs = names.compactMap { root.regularFile(directory + "/" + $0) }.map { InputSource.file(root.hostPath($0)) }
        return (logs, [])
    }

    func input(_ path: String) -> InputSource? {
        root.regularFile("/" + path).map { .file(root.hostPath($0)) }
    }

    func resolvedFile(_ path: String) -> (path: String, size: Int64)? {
        var st = stat()
        guard let real = root.regularFile("/" + path), stat(root.hostPath(real), &st) == 0 else { return nil }
        return (String(real.dropFirst()), Int64(st.st_size))
    }
}
