import ArgumentParser
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
        `avc-explain [explain] LOG…` reads audit records and explains each exec* denial; the options \
        below are explain's. `avc-explain check PATH…` says, before anything is denied, which \
        binaries and libraries will need exec* permissions and why ('avc-explain help check'). \
        Nothing read from a log or a file is ever executed. `man avc-explain` tells more.
        """,
        version: avcExplainVersion,
        subcommands: [Explain.self, Check.self],
        defaultSubcommand: Explain.self
    )

    /// ArgumentParser's own main, but an error is printed with terminal controls escaped: its
    /// messages quote the argument as given, which may hold ESC or a bidi override (U+202E).
    /// The top-level help and the completion scripts come from ``CommandLineInterface``, which
    /// shows the default subcommand's options where people type them: first.
    static func main() {
        MallocTuning.keepFreedMemory()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let request = CommandLineInterface.request(arguments) {
            run(CommandLineInterface.self, request)
        } else {
            run(AVCExplain.self, arguments)
        }
    }

    private static func run(_ root: ParsableCommand.Type, _ arguments: [String]) -> Never {
        do {
            var command = try root.parseAsRoot(arguments)
            try command.run()
            Glibc.exit(0)
        } catch {
            let code = root.exitCode(for: error)
            guard code != .success else { root.exit(withError: error) }   // --help, --version: as ArgumentParser prints them
            let message = root.fullMessage(for: error)
            if !message.isEmpty {
                let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.sanitize(String($0)) }
                Descriptor.write(lines.joined(separator: "\n") + "\n", to: 2)
            }
            Glibc.exit(code.rawValue)
        }
    }
}

/// Options both subcommands share, documented once.
struct CommonOptions: ParsableArguments {
    @Option(help: "Output format: 'text' for people, 'summary' (a line per finding), 'markdown' (for tickets), 'json' for scripts.")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp(
        "Read executables, libraries and ld.so.cache under this directory, as if it were /; NODE=DIR for one node of an aggregated log (repeatable).",
        discussion: "For files from another host: an sosreport or an unpacked image. No path, symlinks included, leads out of it. With NODE=DIR, the events whose records say node=NODE are analysed with that node's files; other nodes with the plain --sysroot DIR, else /.",
        valueName: "[node=]dir"),
            completion: .directory)
    var sysroot: [String] = []

    @Option(help: ArgumentHelp(
        "LD_LIBRARY_PATH of the program, when known: searched as ld.so would, after RPATH and before RUNPATH.",
        valueName: "dirs"),
            completion: .directory)
    var libraryPath: String?

    @Option(help: "When to colour text output: auto (only on a terminal, never with NO_COLOR), always, never.")
    var color: ColorChoice = .auto

    /// The `--sysroot` values, checked by `validate`.
    var sysroots: Sysroots { (try? Sysroots(sysroot)) ?? Sysroots() }

    /// The plain `--sysroot DIR`: the root of every node without its own.
    var defaultSysroot: String? { sysroots.fallback }

    /// The loader search these options describe; limits it reached reading ld.so.conf are told on stderr.
    func makeLoader() -> LoaderSearch {
        makeLoader(root: defaultSysroot)
    }

    /// A loader for each `--sysroot NODE=DIR`, by node name.
    func makeNodeLoaders() -> [String: LoaderSearch] {
        Dictionary(uniqueKeysWithValues: sysroots.byNode.map { ($0.node, makeLoader(root: $0.directory)) })
    }

    private func makeLoader(root directory: String?) -> LoaderSearch {
        let root = directory.map(FileSystemRoot.init(directory:)) ?? .system
        let dirs = libraryPath.map { $0.split(separator: ":").map(String.init).filter { !$0.isEmpty } } ?? []
        let loader = LoaderSearch(root: root, libraryPath: dirs)
        for warning in loader.configurationWarnings { Diagnostics.warn((directory.map { "--sysroot \($0): " } ?? "") + warning) }
        return loader
    }

    func validate() throws {
        _ = try Sysroots(sysroot)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, summary, markdown, json
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
        Descriptor.write("avc-explain: " + TerminalText.sanitize(message) + "\n", to: 2)
    }
}

/// Unbuffered writes of whole strings: stdout and stderr interleave in order, and live output
/// reaches a pipe the moment it is written.
enum Descriptor {
    static func write(_ text: String, to fd: Int32) {
        write(Array(text.utf8), to: fd)
    }

    static func write(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBytes { write($0, to: fd) }
    }

    static func write(_ raw: UnsafeRawBufferPointer, to fd: Int32) {
        var offset = 0
        while offset < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// Output written as it is produced, in pieces of at least 64 KiB: a report of thousands of
/// findings is never held whole, and is not written a line per system call either.
struct BufferedOutput {
    let fd: Int32
    private var pending: [UInt8] = []

    init(fd: Int32) {
        self.fd = fd
        pending.reserveCapacity(Self.threshold)
    }

    static let threshold = 64 << 10

    mutating func write(_ text: String) {
        pending.append(contentsOf: text.utf8)
        if pending.count >= Self.threshold { flush() }
    }

    mutating func write(bytes: UnsafeBufferPointer<UInt8>) {
        // A renderer's piece of 64 KiB or more goes out from where it lies, not copied first.
        if bytes.count >= Self.threshold {
            flush()
            return Descriptor.write(UnsafeRawBufferPointer(bytes), to: fd)
        }
        pending.append(contentsOf: bytes)
        if pending.count >= Self.threshold { flush() }
    }

    mutating func flush() {
        Descriptor.write(pending, to: fd)
        pending.removeAll(keepingCapacity: true)
    }
}

