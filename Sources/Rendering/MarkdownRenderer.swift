import Diagnosis

/// The report as Markdown, for pasting into tickets and GitHub issues: a heading per finding,
/// its facts in a table, commands in ```sh blocks. Every value from a log is escaped, so a
/// crafted comm or path can neither format the ticket nor leave its code block.
public struct MarkdownRenderer: StreamingRenderer {
    public var conventions: OutputConventions

    public init(conventions: OutputConventions = OutputConventions()) {
        self.conventions = conventions
    }

    /// Piece by piece, as the text report: one finding's prose in memory at a time.
    public func render(_ report: Report, to write: (String) -> Void) {
        let facts = FindingFacts(value: Self.escaped)
        var out = "**" + Self.escaped(FindingFacts.headline(report)) + "**\n"
        var notes: [String] = []
        if let root = report.sysroot { notes.append("Files read under \(Self.escaped(root)) as if it were /.") }
        if let roots = facts.nodeRootsLine(report) { notes.append(roots) }
        if let policy = facts.policyLine(report) { notes.append(policy) }
        if !report.limits.isEmpty { notes.append("Limits reached: " + report.limits.map { Self.escaped($0.detail) }.joined(separator: "; ") + ".") }
        if report.execFindings.isEmpty { notes.append("No execmem, execstack, execheap or execmod denials found.") }
        if !notes.isEmpty { out += "\n" + notes.joined(separator: "\n") + "\n" }
        for (title, _, block) in HostBlock.all(report) {
            out += "\n## \(Self.escaped(title))\n\n| fact | value |\n| --- | --- |\n"
            out += block.lines.map { "| \($0.0) | \(Self.escaped($0.1)) |\n" }.joined()
        }
        write(conventions.shown(out))
        var memo = PolicyAdviceMemo()
        for (i, f) in report.execFindings.enumerated() {
            write(conventions.shown("\n" + section(report.explained(f, memo: &memo), number: i + 1, facts: facts)))
        }
        out = ""
        func list(_ title: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            out += "\n## \(title)\n\n" + items.map { "- " + $0 + "\n" }.joined()
        }
        list("Other denials (not exec\\*)", report.otherFindings.map(facts.otherDenial))
        list("Policy changes", report.timeline.map(facts.policyChange))
        list("SELinux errors", report.selinuxErrors.map { Self.escaped($0.text) + ($0.count > 1 ? " (\($0.count) times)" : "") })
        write(conventions.shown(out))
    }

    private func section(_ f: Finding, number: Int, facts: FindingFacts) -> String {
        let mech = f.mechanism ?? .unknown
        var out = "## \(number). \(facts.title(f)) — \(mech.rawValue)\n\n"
        out += mech.summary.prefix(1).uppercased() + mech.summary.dropFirst() + ".\n\n"
        out += "| fact | value |\n| --- | --- |\n"
        func row(_ label: String, _ value: String?) { if let value { out += "| \(label) | \(value) |\n" } }
        let outcome = facts.outcome(f)
        row("process", facts.process(f))
        row("domain", facts.domain(f))
        row("object", f.target.map { Self.escaped($0) + (f.tcontext.map { " (\(Self.escaped($0)))" } ?? "") })
        row("outcome", "**\(outcome.word)**" + outcome.rest)
        row("seen", facts.seen(f))
        row("nodes", facts.nodes(f))
        row("error", facts.loaderError(f))
        row("call", facts.call(f).map(Self.escaped))
        row("command", facts.command(f))
        row("log", facts.log(f))

        out += "\n### Why\n\n" + Self.escaped(f.why) + "\n"
        out += "\n### At fault\n\n"
        if f.culprits.isEmpty {
            switch f.elf {
            case .analysed: out += "No object in the program's DT\\_NEEDED closure explains it.\n"
            case .unavailable(let reason): out += "Not determined: could not read the executable: \(Self.escaped(reason)).\n"
            case .notNeeded: out += "Not determined: could not read the executable.\n"
            }
        }
        for c in f.culprits {
            out += "- **\(Self.escaped(c.path))**: \(Self.escaped(c.detail))" + (c.origin.map { "; " + Self.escaped($0) } ?? "") + "\n"
            if c.chain.count > 1 {
                let links = zip(c.chain.dropFirst(), c.foundVia.dropFirst()).map { "\(Self.escaped($0)) (\(Self.escaped($1)))" }
                out += "  - chain: " + ([Self.escaped(c.chain[0])] + links).joined(separator: " → ") + "\n"
            }
        }
        if !f.culprits.isEmpty, case .unavailable(let reason) = f.elf {
            out += "\nCould not read ELF: \(Self.escaped(f.process.exe ?? "?")): \(Self.escaped(reason)).\n"
        }
        func bullets(_ title: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            out += "\n### \(title)\n\n" + items.map { "- " + Self.escaped($0) + "\n" }.joined()
        }
        bullets("Seen in the running process", f.liveFacts)
        bullets("Still running (the host report's process list)", f.stillRunningFacts)
        bullets("Evidence", f.evidence)
        bullets("What would settle it", f.evidenceNeeded)
        if !f.commandsToRun.isEmpty {
            out += "\n### Run where the program is installed\n\nThey only read files.\n\n" + Self.codeBlock(f.commandsToRun, indent: "")
        }
        if !f.fixes.isEmpty {
            out += "\n### Fix, safest first\n\n"
            for (i, fix) in f.fixes.enumerated() {
                out += "\(i + 1). **\(fix.kind.rawValue)**: \(Self.escaped(fix.text))\n"
                if !fix.commands.isEmpty { out += "\n" + Self.codeBlock(fix.commands, indent: "   ") + "\n" }
            }
        }
        return out
    }

    /// A ```sh block whose fence is longer than any run of backticks in the commands, so no
    /// command can close it early.
    static func codeBlock(_ commands: [String], indent: String) -> String {
        let lines = commands.map(TerminalText.sanitize)
        var longest = 0
        for line in lines {
            var run = 0
            for c in line {
                run = c == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return indent + fence + "sh\n" + lines.map { indent + $0 + "\n" }.joined() + indent + fence + "\n"
    }

    /// A value shown as itself: terminal controls escaped, and every character Markdown (or the
    /// HTML GitHub allows in it) would act on.
    static func escaped(_ s: String) -> String {
        let clean = TerminalText.sanitize(s)
        // In ASCII text bytes are characters: escaped byte by byte into one buffer. A walk by
        // characters, appending each, was most of this report's time; other text still takes it.
        guard clean.allBytes({ $0 < 0x80 }) else {
            var out = ""
            for c in clean {
                if let escape = escapes[c] { out += escape } else { out.append(c) }
            }
            return out
        }
        var out: [UInt8] = []
        out.reserveCapacity(clean.utf8.count + 16)
        for byte in clean.utf8 {
            if let escape = asciiEscapes[Int(byte)] { out += escape } else { out.append(byte) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// What `escaped` writes for each character Markdown would act on.
    static let escapes: [Character: String] = {
        var table: [Character: String] = ["<": "&lt;", ">": "&gt;", "&": "&amp;"]
        for c in "\\`*_|[]#~" { table[c] = "\\" + String(c) }
        return table
    }()

    /// `escapes` by ASCII byte.
    private static let asciiEscapes: [[UInt8]?] = (0..<128).map { escapes[Character(Unicode.Scalar(UInt8($0)))].map { Array($0.utf8) } }
}
