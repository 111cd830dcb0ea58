import Foundation
import Testing
import TestSupport

/// What ships beside the binary (the man pages and the completion scripts) against what the
/// binary says about itself, so neither can drift; and the top-level help.
@Suite struct CommandLineTests {
    static let manPages = ["man/avc-explain.1", "man/avc-explain-check.1"]

    /// `-x`, `-if`, `--input-logs`: every name in the option column of a help text (the
    /// descriptions are left out: they may quote other programs' options).
    static func optionNames(inHelp help: String) -> Set<String> {
        var names = Set<String>()
        for line in help.split(separator: "\n") {
            // Options start in column 3; wrapped descriptions (which may begin with an option) further in.
            guard line.hasPrefix("  -") else { continue }
            let trimmed = line.dropFirst(2)
            let column = trimmed.prefix { $0 != "<" }.components(separatedBy: "  ")[0]
            for word in column.split(whereSeparator: { $0 == " " || $0 == "," }) where word.hasPrefix("-") {
                names.insert(String(word))
            }
        }
        return names
    }

    @Test func topLevelHelpShowsTheDefaultSubcommandsOptions() throws {
        for request in [["--help"], ["-h"], ["help"]] {
            let r = try Tool.run(request)
            #expect(r.status == 0, "\(request)")
            let names = Self.optionNames(inHelp: r.stdout)
            for option in ["--since", "-ts", "--until", "--input", "-if", "--input-logs", "--perm", "--sysroot", "--format", "--live", "-p", "-c", "-x"] {
                #expect(names.contains(option), "\(request) does not list \(option):\n\(r.stdout)")
            }
            #expect(r.stdout.contains("avc-explain check [<options>] <path> ..."), "\(r.stdout)")
        }
        // The subcommands' own help is unchanged, and parsing still goes through them.
        let check = try Tool.run(["check", "--help"])
        #expect(check.status == 0 && check.stdout.contains("--show-jit"), "\(check.stdout)")
        #expect(try Tool.run(["check", "SampleLogs"]).status == 0)
        #expect(try Tool.run(["SampleLogs/seed-fluent-bit.log"]).status == 0)
        #expect(try Tool.run(["explain", "SampleLogs/seed-fluent-bit.log"]).status == 0)
    }

    @Test func manPagesHaveNoWarnings() throws {
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C.UTF-8"
        env["MANWIDTH"] = "80"
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/man") else {
            throw TestFailure("/usr/bin/man is missing: make test installs man-db and groff-base")
        }
        for page in Self.manPages {
            let r = try Shell.run("/usr/bin/man", ["--warnings", "-E", "UTF-8", "-l", page], environment: env, directory: Package.root)
            #expect(r.status == 0 && r.stderr.isEmpty, "\(page):\n\(r.stderr)")
            #expect(r.stdout.contains("EXIT STATUS"), "\(page) did not render")
        }
    }

    /// Every option `--help` lists is in the man page that documents its command.
    @Test func manPagesNameEveryOptionTheHelpLists() throws {
        for (request, page) in [(["--help"], "man/avc-explain.1"), (["help", "check"], "man/avc-explain-check.1")] {
            let help = try Tool.run(request).stdout
            let source = try String(contentsOfFile: Package.root + "/" + page, encoding: .utf8)
                .replacingOccurrences(of: "\\-", with: "-")
            let names = Self.optionNames(inHelp: help)
            #expect(names.count > 4, "no options found in \(request):\n\(help)")
            for name in names.sorted() {
                let documented = source.range(of: "(^|[^A-Za-z0-9-])\(name)([^A-Za-z0-9-]|$)", options: .regularExpression) != nil
                #expect(documented, "\(page) does not document \(name)")
            }
        }
    }

    @Test func committedCompletionScriptsAreTheGeneratedOnes() throws {
        for (shell, file) in [("bash", "avc-explain.bash"), ("zsh", "_avc-explain"), ("fish", "avc-explain.fish")] {
            let r = try Tool.run(["--generate-completion-script", shell])
            #expect(r.status == 0)
            let committed = try String(contentsOfFile: Package.root + "/completions/" + file, encoding: .utf8)
            #expect(r.stdout == committed, "completions/\(file) is stale: regenerate with avc-explain --generate-completion-script \(shell) > completions/\(file)")
        }
    }

    /// The hints themselves, at the top level where `avc-explain FILE` takes explain's options.
    @Test func completionsOfferDirectoriesFilesPermissionsAndTimeWords() throws {
        let bash = try Tool.run(["--generate-completion-script", "bash"]).stdout
        let topLevel = String(bash[bash.range(of: "\n_avc-explain() {")!.lowerBound...])
        func values(of option: String) -> String {
            guard let start = topLevel.range(of: "'\(option)'") else { return "" }
            return String(topLevel[start.upperBound...].prefix { $0 != ";" })
        }
        #expect(values(of: "--sysroot").contains("add_completions -d"))
        #expect(values(of: "--follow").contains("add_completions -f"))
        #expect(values(of: "--save-records").contains("add_completions -f"))
        #expect(values(of: "--input").contains("add_completions -f"))
        #expect(values(of: "--perm").contains("'execmem'") && values(of: "--perm").contains("'execmod'"))
        #expect(values(of: "--since").contains("'yesterday'") && values(of: "--until").contains("'week-ago'"))
        #expect(values(of: "--format").contains("'json'"))
        #expect(values(of: "--color").contains("'never'"))
        let fish = try Tool.run(["--generate-completion-script", "fish"]).stdout
        #expect(fish.contains("-l 'sysroot'") && fish.contains("-rfka 'execmem execstack execheap execmod'"))
    }
}
