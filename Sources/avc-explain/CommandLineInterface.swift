import ArgumentParser

/// The command line as people type it, for `avc-explain --help` and the completion scripts:
/// explain's options at the top, where `avc-explain FILE` takes them, and `check` beside it.
/// Never run. Parsing goes through ``AVCExplain``, whose `explain` is a default subcommand:
/// there, explain's options would be listed only under `avc-explain help explain`, and the
/// completion scripts would offer none of them after `avc-explain` (swift-argument-parser
/// completes a default subcommand's options only after its name). A root that took the files
/// itself cannot have `check` beside it: its file arguments are parsed before any subcommand
/// name is looked for, so `check` would be read as a file.
struct CommandLineInterface: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "avc-explain",
        abstract: AVCExplain.configuration.abstract,
        usage: """
        avc-explain [explain] [<options>] [<file> ...]
        avc-explain check [<options>] <path> ...
        """,
        discussion: AVCExplain.configuration.discussion,
        version: AVCExplain.configuration.version,
        subcommands: [Explain.self, Check.self],
        defaultSubcommand: Explain.self
    )

    @OptionGroup var options: ExplainOptions
    @OptionGroup var common: CommonOptions

    /// The arguments to parse with this type, for the requests it answers (the top-level help
    /// and the completion scripts); nil for everything else. `help` alone becomes `--help`:
    /// here the file arguments would take it for a file.
    static func request(_ arguments: [String]) -> [String]? {
        guard let first = arguments.first else { return nil }
        if arguments.count == 1, ["-h", "--help", "help"].contains(first) { return ["--help"] }
        let completion = first == "--generate-completion-script" || first.hasPrefix("--generate-completion-script=")
        return completion ? arguments : nil
    }
}
