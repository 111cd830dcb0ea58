import ArgumentParser
import AuditInput
import Diagnosis
import ELFLoader
import Rendering
#if canImport(Glibc)
import Glibc
#endif

@main
struct AVCExplain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "avc-explain",
        abstract: "Explain SELinux execmem, execstack, execheap and execmod denials, and name the object at fault.",
        discussion: """
        Reads audit records (audit.log, `ausearch --raw` or default `ausearch` output), joins each AVC \
        with its SYSCALL, PROCTITLE and MMAP records, decodes the memory call, and walks the \
        executable's ELF dependencies the way ld.so does to name the library that asked for \
        executable memory. Nothing read from a log is ever executed.

        EXIT STATUS
          0  at least one exec* denial was explained
          1  no exec* denial was found (other denials may be listed)
          2  an input could not be read (the others were still read and reported)
         64  the command line was wrong
        """,
        version: "0.1.0"
    )

    @Argument(help: ArgumentHelp(
        "Audit logs to read, in order; '-' is standard input.",
        discussion: "Without files: standard input when it is a pipe, otherwise /var/log/audit/audit.log.",
        valueName: "file"))
    var files: [String] = []

    @Option(help: "Output format: 'text' for people, 'json' for scripts (schema avc-explain/1).")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp(
        "Read executables, libraries and ld.so.cache under this directory, as if it were /.",
        discussion: "For logs from another host: point it at an sosreport or an unpacked image. No path, symlinks included, leads out of it.",
        valueName: "dir"))
    var sysroot: String?

    @Option(help: "When to colour text output: auto (only on a terminal, never with NO_COLOR), always, never.")
    var color: ColorChoice = .auto

    func validate() throws {
        if let sysroot {
            var st = stat()
            guard stat(sysroot, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
                throw ValidationError("--sysroot \(sysroot): not a directory")
            }
        }
    }

    func run() throws {
        let sources = inputSources()
        let root = sysroot.map(FileSystemRoot.init(directory:)) ?? .system
        let outcome = Analysis.run(sources: sources, loader: LoaderSearch(root: root)) { message in
            Diagnostics.warn(message)
        }
        let report = Report(findings: outcome.findings, events: outcome.events, denials: outcome.denials,
                            inputs: outcome.inputs, sysroot: sysroot, unkeptDenials: outcome.unkeptDenials)
        switch format {
        case .text: print(TextRenderer(color: color.enabled(forDescriptor: 1)).render(report), terminator: "")
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

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    func enabled(forDescriptor fd: Int32) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
            if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
            return isatty(fd) == 1
        }
    }
}

/// Messages for stderr, prefixed with the program name as Linux tools do.
enum Diagnostics {
    static func warn(_ message: String) {
        var line = "avc-explain: " + TerminalText.sanitize(message) + "\n"
        line.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
