import ArgumentParser
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

    @OptionGroup var common: CommonOptions

    func run() throws {
        let loader = common.loader
        let outcome = Analysis.run(sources: inputSources(), loader: loader,
                                   policy: PolicyEnvironment.read(root: loader.root)) { Diagnostics.warn($0) }
        let report = Report(findings: outcome.findings, events: outcome.events, denials: outcome.denials,
                            inputs: outcome.inputs, sysroot: common.sysroot, unkeptDenials: outcome.unkeptDenials,
                            policy: outcome.policy)
        switch common.format {
        case .text: print(TextRenderer(color: common.color.enabled(forDescriptor: 1)).render(report), terminator: "")
        case .json: print(JSONRenderer.render(report).pretty())
        }
        if outcome.inputFailed { throw ExitCode(2) }
        if report.execFindings.isEmpty { throw ExitCode(1) }
    }

    private func inputSources() -> [InputSource] {
        if files.isEmpty {
            return isatty(0) == 1 ? [.file("/var/log/audit/audit.log")] : [.standardInput]
        }
        return files.map { $0 == "-" ? .standardInput : .file($0) }
    }
}
