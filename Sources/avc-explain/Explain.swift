import ArgumentParser
import AuditEvents
import AuditInput
import Diagnosis
import ELFLoader
import Rendering
#if canImport(Glibc)
import Glibc
#endif

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain the exec* denials in audit logs (the default subcommand).",
        discussion: """
        Reads audit records (audit.log, `ausearch --raw` or default `ausearch` output), joins each AVC \
        with its SYSCALL, PROCTITLE and MMAP records, decodes the memory call, and walks the \
        executable's ELF dependencies the way ld.so does to name the library that asked for \
        executable memory.

        EXIT STATUS
          0  at least one exec* denial was explained
          1  no exec* denial was found (other denials may be listed)
          2  an input could not be read (the others were still read and reported)
         64  the command line was wrong
        """
    )

    @Argument(help: ArgumentHelp(
        "Audit logs to read, in order; '-' is standard input.",
        discussion: "Without files: standard input when it is a pipe, otherwise /var/log/audit/audit.log.",
        valueName: "file"))
    var files: [String] = []

    @Option(help: ArgumentHelp("Only events at or after this time: now, recent, boot, today, yesterday, this-week, week-ago, this-month, this-year, a local date (2026-11-27 or 11/27/2026) with an optional time (09:14 or 09:14:03), ISO 8601 as the JSON output prints it (2026-11-29T01:07:59Z, 2026-11-29T01:07:59+01:00; without a zone, local), or @SECONDS. Years 1970 to 9999; impossible dates are refused.", valueName: "time"),
            transform: TimeSpec.argument)
    var since: TimeSpec?

    @Option(help: ArgumentHelp("Only events at or before this time (same forms as --since).", valueName: "time"), transform: TimeSpec.argument)
    var until: TimeSpec?

    @Option(help: ArgumentHelp("Only events from this node (node= prefix); repeatable.", valueName: "name"))
    var node: [String] = []

    @Option(help: ArgumentHelp("Only events of this process id; repeatable.", valueName: "pid"))
    var pid: [Int64] = []

    @Option(help: ArgumentHelp("Only events of this command name (comm); repeatable.", valueName: "comm"))
    var comm: [String] = []

    @Option(help: ArgumentHelp("Only events of this executable path; repeatable.", valueName: "path"))
    var exe: [String] = []

    @Option(help: ArgumentHelp("Only denials of this permission (execmem, execstack, …); repeatable.", valueName: "permission"))
    var perm: [String] = []

    @Flag(help: "Explain denials as they happen, from the kernel's audit multicast group (needs CAP_AUDIT_READ; runs beside auditd). Stops on SIGINT or SIGTERM with a summary.")
    var live = false

    @Option(help: ArgumentHelp("Follow this log as it grows, like tail -F (across rotation and truncation); repeatable, and combines with --live.", valueName: "file"))
    var follow: [String] = []

    @Flag(help: "Read auditd's plugin stream on standard input (plugins.d, format = string); see contrib/avc-explain.conf.")
    var plugin = false

    @Option(help: ArgumentHelp("With --live, also append every record received to this file, as auditd would log it.", valueName: "file"))
    var saveRecords: String?

    @Option(help: ArgumentHelp("In live modes, identical denials within this many seconds are counted, not printed again.", valueName: "seconds"))
    var repeatWindow: UInt64 = 60

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if (live || plugin || !follow.isEmpty) && !files.isEmpty {
            throw ValidationError("files cannot be given with --live, --follow or --plugin")
        }
        if plugin && live { throw ValidationError("--plugin reads auditd's stream; --live reads the kernel's: choose one") }
        if saveRecords != nil && !live { throw ValidationError("--save-records goes with --live") }
        if (live || plugin || !follow.isEmpty) && [.summary, .markdown].contains(common.format) {
            throw ValidationError("--format \(common.format.rawValue) needs the whole report: live modes print text or json")
        }
    }

    private var filter: EventFilter {
        var f = EventFilter()
        f.since = since?.seconds
        f.until = until?.seconds
        f.nodes = Set(node)
        f.pids = Set(pid)
        f.comms = Set(comm)
        f.exes = Set(exe)
        f.permissions = Set(perm)
        return f
    }

    func run() throws {
        if live || plugin || !follow.isEmpty { return try runLive() }
        let loader = common.makeLoader()
        let outcome = Analysis.run(sources: inputSources(), loader: loader, policy: PolicyEnvironment.read(root: loader.root),
                                   filter: filter, progress: ProgressLine.forStandardError()) { Diagnostics.warn($0) }
        var report = Report(findings: outcome.findings, events: outcome.events, denials: outcome.denials,
                            inputs: outcome.inputs, sysroot: common.sysroot, unkeptDenials: outcome.unkeptDenials,
                            policy: outcome.policy)
        report.timeline = outcome.timeline
        report.selinuxErrors = outcome.selinuxErrors
        report.limits = outcome.limits
        var out = BufferedOutput(fd: 1)
        switch common.format {
        case .text:
            TextRenderer(color: common.color.enabled(forDescriptor: 1), conventions: .detect(forDescriptor: 1)).render(report) { out.write($0) }
        case .summary: SummaryRenderer(conventions: .detect(forDescriptor: 1)).render(report) { out.write($0) }
        case .markdown: MarkdownRenderer(conventions: .detect(forDescriptor: 1)).render(report) { out.write($0) }
        case .json:
            JSONRenderer.write(report) { out.write($0) }
            out.write("\n")
        }
        out.flush()
        if outcome.inputFailed { throw ExitCode(2) }
        if report.execFindings.isEmpty { throw ExitCode(1) }
    }

    private func runLive() throws {
        let loader = common.makeLoader()
        var session = LiveSession(diagnoser: Diagnoser(loader: loader, policy: PolicyEnvironment.read(root: loader.root)),
                                  filter: filter, format: common.format,
                                  text: TextRenderer(color: common.color.enabled(forDescriptor: 1), conventions: .detect(forDescriptor: 1)),
                                  window: repeatWindow)
        do {
            if live {
                try LiveSession.checkKernel()
                session.netlink = try NetlinkSource()
            }
        } catch {
            Diagnostics.warn("\(error)")
            throw ExitCode(2)
        }
        if let path = saveRecords {
            session.recordsOut = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard session.recordsOut >= 0 else {
                Diagnostics.warn("\(path): cannot open for writing: \(String(cString: strerror(errno)))")
                throw ExitCode(2)
            }
        }
        session.followed = follow.map { (FollowedFile(path: $0), LineBatchParser(name: $0)) }
        if plugin { session.plugin = (LineAccumulator(), LineBatchParser(name: "(auditd plugin stream)")) }
        try session.run()
    }

    private func inputSources() -> [InputSource] {
        if files.isEmpty {
            return isatty(0) == 1 ? [.file("/var/log/audit/audit.log")] : [.standardInput]
        }
        return files.map { $0 == "-" ? .standardInput : .file($0) }
    }
}
