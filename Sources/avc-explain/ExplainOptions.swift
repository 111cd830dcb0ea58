import ArgumentParser
import AuditEvents

/// What `explain` reads and which events it keeps. A group of its own so that the top-level
/// help and the completion scripts (``CommandLineInterface``) show the same options the default
/// subcommand parses. Short and single-dash names follow ausearch's: `-if`, `-ts`, `-te`, `-p`,
/// `-c`, `-x`. ausearch's `-m` is not taken: there it names a record type (`-m avc`), here the
/// filter is on the denied permission (`--perm execmem`), and one letter meaning two things would
/// filter silently wrong.
struct ExplainOptions: ParsableArguments {
    static let permissionNames = ["execmem", "execstack", "execheap", "execmod"]

    @Argument(help: ArgumentHelp(
        "Audit logs to read; '-' is standard input; a directory is read as with --input.",
        discussion: "Without files: standard input when it is a pipe or a regular file, otherwise the logs auditd.conf names (as --input-logs).",
        valueName: "file"),
              completion: .file())
    var files: [String] = []

    @Option(name: [.customLong("input"), .customLong("if", withSingleDash: true)],
            help: ArgumentHelp("Read this log, or a directory's audit.log and its rotations (audit.log.1, …, .gz too), oldest first; repeatable.",
                               valueName: "file|dir"),
            completion: .file())
    var input: [String] = []

    @Option(help: ArgumentHelp("Read this sosreport, an extracted directory or its .tar.xz/.tar.gz, in place: its audit logs and its host's facts (kernel, glibc, SELinux mode, booleans, processes); NODE=PATH for one node of an aggregated log (repeatable). One is recognised by its layout without this option.",
                               discussion: "With NODE=PATH, the report's records without node= are that node's, and the findings of that node are explained under its facts; other nodes under the first plain --sosreport's.",
                               valueName: "[node=]dir|tarball"),
            completion: .file())
    var sosreport: [String] = []

    @Flag(help: "Read the log auditd.conf's log_file names (default /var/log/audit/audit.log) and its rotations, oldest first; under --sysroot, that root's.")
    var inputLogs = false

    @Option(name: [.long, .customLong("ts", withSingleDash: true)],
            help: ArgumentHelp("Only events at or after this time: now, recent, boot, today, yesterday, this-week, week-ago, this-month, this-year, a local date (2026-11-27 or 11/27/2026: midnight) with an optional time (09:14 or 09:14:03), a time alone (today), ISO 8601 as the JSON output prints it (2026-11-29T01:07:59Z, 2026-11-29T01:07:59+01:00; without a zone, local), or @SECONDS. Years 1970 to 9999; impossible dates are refused.", valueName: "time"),
            completion: .list(TimeSpec.words),
            transform: TimeSpec.argument)
    var since: TimeSpec?

    @Option(name: [.long, .customLong("te", withSingleDash: true)],
            help: ArgumentHelp("Only events at or before this time (same forms as --since).", valueName: "time"),
            completion: .list(TimeSpec.words),
            transform: TimeSpec.argument)
    var until: TimeSpec?

    @Option(help: ArgumentHelp("Only events from this node (node= prefix); repeatable.", valueName: "name"))
    var node: [String] = []

    @Flag(help: "With --format summary, a table of the nodes of an aggregated log (node=): findings, denials and exec* mechanisms of each.")
    var byNode = false

    @Option(name: [.long, .short], help: ArgumentHelp("Only events of this process id; repeatable.", valueName: "pid"))
    var pid: [Int64] = []

    @Option(name: [.long, .short], help: ArgumentHelp("Only events of this command name (comm); repeatable.", valueName: "comm"))
    var comm: [String] = []

    @Option(name: [.customLong("exe"), .customShort("x")],
            help: ArgumentHelp("Only events of this executable path; repeatable.", valueName: "path"),
            completion: .file())
    var exe: [String] = []

    @Option(help: ArgumentHelp("Only denials of this permission (execmem, execstack, …); repeatable.", valueName: "permission"),
            completion: .list(permissionNames))
    var perm: [String] = []

    @Flag(help: "Explain denials as they happen, from the kernel's audit multicast group (needs CAP_AUDIT_READ; runs beside auditd). Stops on SIGINT or SIGTERM with a summary.")
    var live = false

    @Option(help: ArgumentHelp("Follow this log as it grows, like tail -F (across rotation and truncation); repeatable, and combines with --live.", valueName: "file"),
            completion: .file())
    var follow: [String] = []

    @Flag(help: "Read auditd's plugin stream on standard input (plugins.d, format = string); see contrib/avc-explain.conf.")
    var plugin = false

    @Option(help: ArgumentHelp("With --live, also append every record received to this file, as auditd would log it.", valueName: "file"),
            completion: .file())
    var saveRecords: String?

    @Option(help: ArgumentHelp("In live modes, also append the JSON Lines records (as --format json prints them) to this file, created 0600.", valueName: "file"),
            completion: .file())
    var output: String?

    @Option(help: ArgumentHelp("With --plugin, the syslog facility of its lines: user (the default, as audisp-syslog's), daemon, auth, authpriv, syslog, local0 to local7.", valueName: "facility"))
    var syslogFacility: SyslogFacility?

    @Option(help: ArgumentHelp("With --plugin, the syslog identifier of its lines (default avc-explain).", valueName: "name"))
    var syslogIdent: String?

    @Option(help: ArgumentHelp("In live modes, identical denials within this many seconds are counted, not printed again.", valueName: "seconds"))
    var repeatWindow: UInt64 = 60

    @Flag(help: "With --live, tell on standard error the socket buffer the kernel granted and, at exit, how far the analysis fell behind.")
    var verbose = false

    var filter: EventFilter {
        var f = EventFilter()
        f.since = since?.seconds
        f.until = until?.seconds
        f.nodes = Set(node)
        f.pids = Set(pid)
        f.comms = Set(comm)
        f.exes = Set(exe)
        f.permissions = Set(perm.map(Permission.init))
        return f
    }

    var isLive: Bool { live || plugin || !follow.isEmpty }

    /// The `--sosreport` values, checked by `validate`.
    var sosreports: Sosreports { (try? Sosreports(sosreport)) ?? Sosreports() }

    func validate() throws {
        _ = try Sosreports(sosreport)
        if isLive && (!files.isEmpty || !input.isEmpty || !sosreport.isEmpty || inputLogs) {
            throw ValidationError("files, --input, --sosreport and --input-logs cannot be given with --live, --follow or --plugin")
        }
        if plugin && live { throw ValidationError("--plugin reads auditd's stream; --live reads the kernel's: choose one") }
        if saveRecords != nil && !live { throw ValidationError("--save-records goes with --live") }
        if output != nil && !isLive { throw ValidationError("--output goes with --live, --follow or --plugin") }
        if (syslogFacility != nil || syslogIdent != nil) && !plugin {
            throw ValidationError("--syslog-facility and --syslog-ident go with --plugin")
        }
        if let ident = syslogIdent,
           ident.isEmpty || ident.count > 32 || !ident.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            throw ValidationError("--syslog-ident: 1 to 32 letters, digits, '-', '_' or '.'")
        }
    }
}
