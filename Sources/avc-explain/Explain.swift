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

    @OptionGroup var options: ExplainOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if options.isLive && [.summary, .markdown].contains(common.format) {
            throw ValidationError("--format \(common.format.rawValue) needs the whole report: live modes print text or json")
        }
        if options.byNode && common.format != .summary { throw ValidationError("--by-node goes with --format summary") }
    }

    func run() throws {
        if options.isLive { return try runLive() }
        let loader = common.makeLoader()
        let selection = InputSelection(root: loader.root).sources(files: options.files, inputs: options.input,
                                                                  sosreports: options.sosreports, configuredLogs: options.inputLogs)
        for line in selection.notes + selection.problems { Diagnostics.warn(line) }
        let outcome = Analysis.run(sources: selection.sources, loader: loader, nodeLoaders: common.makeNodeLoaders(),
                                   policy: PolicyEnvironment.read(root: loader.root), hosts: selection.hosts, scopes: selection.scopes,
                                   filter: options.filter, progress: ProgressLine.forStandardError()) { Diagnostics.warn($0) }
        var report = Report(findings: outcome.findings, events: outcome.events, denials: outcome.denials,
                            inputs: outcome.inputs, sysroot: common.defaultSysroot, unkeptDenials: outcome.unkeptDenials,
                            policy: outcome.policy)
        report.timeline = outcome.timeline
        report.selinuxErrors = outcome.selinuxErrors
        report.limits = outcome.limits
        report.nodeSysroots = common.sysroots.byNode
        report.hosts = selection.hosts
        var out = BufferedOutput(fd: 1)
        switch common.format {
        case .text:
            TextRenderer(color: common.color.enabled(forDescriptor: 1), conventions: .detect(forDescriptor: 1)).render(report, bytes: { out.write(bytes: $0) })
        case .summary: SummaryRenderer(conventions: .detect(forDescriptor: 1), byNode: options.byNode).render(report) { out.write($0) }
        case .markdown: MarkdownRenderer(conventions: .detect(forDescriptor: 1)).render(report) { out.write($0) }
        case .json:
            JSONRenderer.write(report) { out.write($0) }
            out.write("\n")
        }
        out.flush()
        if outcome.inputFailed || !selection.problems.isEmpty { throw ExitCode(2) }
        if report.execFindings.isEmpty { throw ExitCode(1) }
    }

    private func runLive() throws {
        let loader = common.makeLoader()
        var diagnoser = Diagnoser(loader: loader, nodeLoaders: common.makeNodeLoaders(), policy: PolicyEnvironment.read(root: loader.root))
        diagnoser.filesChangeWhileRunning = true
        var session = LiveSession(diagnoser: diagnoser,
                                  filter: options.filter, output: LiveOutput(format: common.format),
                                  text: TextRenderer(color: common.color.enabled(forDescriptor: 1), conventions: .detect(forDescriptor: 1)),
                                  window: options.repeatWindow)
        session.verbose = options.verbose
        do {
            if options.live {
                try LiveSession.checkKernel()
                session.netlink = NetlinkReceiver(source: try NetlinkSource())
            }
        } catch {
            Diagnostics.warn("\(error)")
            throw ExitCode(2)
        }
        if let path = options.saveRecords { session.recordsOut = try Self.openForAppending(path) }
        if let path = options.output { session.output.recordsFile = try Self.openForAppending(path) }
        if options.plugin {
            session.output.syslog = SyslogChannel(ident: options.syslogIdent ?? "avc-explain", facility: options.syslogFacility ?? .user)
        }
        session.followed = options.follow.map { (FollowedFile(path: $0), LineBatchParser(name: $0)) }
        if options.plugin { session.plugin = (LineAccumulator(), LineBatchParser(name: "(auditd plugin stream)")) }
        try session.run()
    }

    /// A file the live session appends to, or exit status 2 with the reason on stderr.
    private static func openForAppending(_ path: String) throws -> AppendedFile {
        switch AppendedFile.open(path) {
        case .success(let file): return file
        case .failure(let error):
            Diagnostics.warn(error.description)
            throw ExitCode(2)
        }
    }
}
