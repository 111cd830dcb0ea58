import AuditInput
import Diagnosis
import ELFLoader
import Sosreport
#if canImport(Glibc)
import Glibc
#endif

/// Which inputs a run reads, chosen as ausearch chooses them: the files and directories given
/// (`-if DIR` and a bare `DIR` read its `audit.log*`), standard input when it carries data, and
/// otherwise the log auditd.conf names with its rotations.
struct InputSelection {
    /// The root the configured logs are read under: `/`, or `--sysroot` (an sosreport's logs).
    var root: FileSystemRoot

    static let auditdConf = "/etc/audit/auditd.conf"
    /// auditd's own default when auditd.conf does not set `log_file`.
    static let defaultLogFile = "/var/log/audit/audit.log"

    struct Selected {
        var sources: [InputSource] = []
        /// An input that could not be listed, one message each: the run goes on, exit status 2.
        var problems: [String] = []
        /// What the sosreports say of their hosts: the first plain one's, each node's own.
        var hosts = NodeHosts()
        /// How an sosreport's inputs are read (their node, the part of the ausearch output used).
        var scopes: [InputSource: InputScope] = [:]
        /// Lines for stderr that are no failure: which logs an sosreport gave, which facts it lacks.
        var notes: [String] = []

        mutating func add(sosreport path: String, node: String? = nil) {
            switch Sosreport.open(path, node: node) {
            case .success(let report):
                sources += report.logs
                scopes.merge(report.scopes) { first, _ in first }
                if let node { hosts.byNode[node] = report.host } else if hosts.fallback == nil { hosts.fallback = report.host }
                notes += report.notes
                problems += report.problems
            case .failure(let why): problems.append(why.description)
            }
        }
    }

    /// `files` then `inputs`, each a file, a directory, an sosreport (extracted, or its tarball)
    /// or `-`, then `sosreports`, the plain ones, then each node's; the configured logs after them when asked for, or when nothing
    /// is given and standard input carries no data.
    func sources(files: [String], inputs: [String], sosreports: Sosreports = Sosreports(), configuredLogs: Bool) -> Selected {
        var selected = Selected()
        for path in files + inputs {
            if path == "-" { selected.sources.append(.standardInput); continue }
            if Sosreport.looksLike(path) { selected.add(sosreport: path); continue }
            guard Self.isDirectory(path) else { selected.sources.append(.file(path)); continue }
            switch InputOrder.rotations(named: "audit.log", in: path) {
            case .success(let logs) where logs.isEmpty:
                selected.problems.append("\(path): a directory with no audit.log or rotated audit.log.N in it")
            case .success(let logs): selected.sources += logs.map { .file(path + "/" + $0) }
            case .failure(let why): selected.problems.append("\(path): cannot read the directory: \(why)")
            }
        }
        for path in sosreports.plain { selected.add(sosreport: path) }
        for (node, path) in sosreports.byNode { selected.add(sosreport: path, node: node) }
        let nothingGiven = files.isEmpty && inputs.isEmpty && sosreports.plain.isEmpty && sosreports.byNode.isEmpty
        if nothingGiven && !configuredLogs && Self.standardInputCarriesData() {
            selected.sources = [.standardInput]
        } else if configuredLogs || nothingGiven {
            selected.sources += configuredLogSources()
        }
        return selected
    }

    /// A pipe, a socket (ksh's pipes are socket pairs) or a redirected file. A terminal, and
    /// /dev/null or another device (cron, systemd, `ssh host cmd </dev/null`), carries no log:
    /// reading it would answer "no denial" about nothing.
    static func standardInputCarriesData() -> Bool {
        var st = stat()
        guard fstat(0, &st) == 0 else { return false }
        let kind = st.st_mode & S_IFMT
        return kind == S_IFIFO || kind == S_IFREG || kind == S_IFSOCK
    }

    /// auditd.conf's `log_file` (default /var/log/audit/audit.log) and its rotations, oldest
    /// first, as host paths; the log alone when its directory cannot be listed, so that opening
    /// it names the problem.
    func configuredLogSources() -> [InputSource] {
        let conf = root.contents(Self.auditdConf).map { String(decoding: $0, as: UTF8.self) }
        let logFile = conf.flatMap(Self.logFile(inAuditdConf:)) ?? Self.defaultLogFile
        let slash = logFile.lastIndex(of: "/")!
        let directory = slash == logFile.startIndex ? "/" : String(logFile[..<slash])
        let name = String(logFile[logFile.index(after: slash)...])
        guard let real = root.resolve(directory),
              case .success(let names) = InputOrder.rotations(named: name, in: root.hostPath(real)), !names.isEmpty else {
            return [.file(root.hostPath(logFile))]
        }
        // Each entry is resolved inside the root: a symlinked rotation cannot lead out of --sysroot.
        return names.compactMap { entry in
            root.regularFile((real == "/" ? "" : real) + "/" + entry).map { .file(root.hostPath($0)) }
        }
    }

    /// The value of the last `log_file = PATH` line, as auditd reads it (`#` starts a comment
    /// line; spaces around `=`); nil when absent or not an absolute path, as auditd refuses those.
    static func logFile(inAuditdConf text: String) -> String? {
        var found: String?
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard !trimmed.hasPrefix("#"), let eq = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<eq].trimmingSpaces
            guard key == "log_file" else { continue }
            let value = trimmed[trimmed.index(after: eq)...].trimmingSpaces
            found = value.hasPrefix("/") && !value.hasSuffix("/") ? String(value) : nil
        }
        return found
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }
}

private extension Substring {
    var trimmingSpaces: Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
