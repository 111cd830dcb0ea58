import AuditInput
import Diagnosis

/// The human-readable report: one block per exec* finding, a short list of other denials.
public struct TextRenderer {
    public var color: Bool
    public var width: Int

    public init(color: Bool, width: Int = 100) {
        self.color = color
        self.width = width
    }

    /// The whole report as one string (tests, small reports).
    public func render(_ report: Report) -> String {
        var out = ""
        render(report) { out += $0 }
        return out
    }

    /// The report, handed to `write` piece by piece: each finding is explained and rendered
    /// when its turn comes, so memory holds one finding's prose at a time, not the report's.
    public func render(_ report: Report, to write: (String) -> Void) {
        let s = Style(enabled: color)
        var out = ""
        let exec = report.execFindings
        let other = report.otherFindings
        out += s.bold("avc-explain: \(plural(exec.count, "exec* finding")), \(plural(other.count, "other denial"))")
            + " (\(plural(report.denials, "denied permission")); \(plural(report.events, "event")) read)\n"
        if let root = report.sysroot { out += "Files read under \(clean(root)) as if it were /.\n" }
        if let family = report.policy.family {
            let name = switch family {
            case .fedora: "Fedora/RHEL"
            case .refpolicy: "the reference policy"
            case .android: "Android (sepolicy built into the device image)"
            }
            out += "Policy: \(name), from \(clean(report.policy.familySource ?? "?")).\n"
        }
        if !report.limits.isEmpty {
            out += s.yellow(TerminalText.wrap("Limits reached: " + report.limits.map { clean($0.detail) }.joined(separator: "; ") + ".",
                                              prefix: "", indent: "  ", width: width)) + "\n"
        }
        if exec.isEmpty { out += "No execmem, execstack, execheap or execmod denials found.\n" }
        write(out)
        out = ""
        for (i, finding) in exec.enumerated() {
            write("\n" + block(finding.explained(under: report.policy), number: i + 1, style: s))
        }
        if !other.isEmpty {
            write("\n" + s.bold("Other denials (not exec*)") + "\n")
            for f in other { write("  - " + otherLine(f) + "\n") }
        }
        if !report.timeline.isEmpty {
            out += "\n" + s.bold("Policy changes") + "\n"
            func word(_ b: Bool) -> String { b ? "on" : "off" }
            for c in report.timeline {
                let who = c.auid.flatMap { $0 == 4_294_967_295 ? nil : " by auid \($0)" } ?? ""
                let what: String
                switch c.change {
                case .enforcing(let on, let previous):
                    what = (on ? "enforcing" : "permissive") + (previous.map { " (was \($0 ? "enforcing" : "permissive"))" } ?? "")
                case .boolean(let name, let value, let previous):
                    what = "\(clean(name)) \(word(value))" + (previous.map { " (was \(word($0)))" } ?? "")
                }
                out += "  - \(Timestamp.local(c.when.id)): \(what)\(who)\n"
            }
        }
        if !report.selinuxErrors.isEmpty {
            out += "\n" + s.bold("SELinux errors") + "\n"
            for e in report.selinuxErrors {
                out += TerminalText.wrap(clean(e.text) + (e.count > 1 ? " (\(e.count) times)" : ""), prefix: "  - ", indent: "    ", width: width) + "\n"
            }
        }
        write(out)
    }

    /// One finding's block, as live mode prints it the moment it appears.
    public func render(_ f: Finding, number: Int) -> String { block(f, number: number, style: Style(enabled: color)) }

    private func block(_ f: Finding, number: Int, style s: Style) -> String {
        var out = ""
        let perms = f.permissions.joined(separator: " ")
        let mech = f.mechanism ?? .unknown
        let title = f.permissions.isEmpty ? (mech == .textRelocation ? "text relocation refused" : "executable stack refused") : "\(perms) denied"
        out += s.bold("[\(number)] \(title)") + " — " + s.cyan(mech.rawValue) + ": \(mech.summary)\n"
        let proc = [f.process.comm.map { "\"\(clean($0))\"" }, f.process.exe.map { "(\(clean($0)))" }].compactMap { $0 }.joined(separator: " ")
        let pids = f.process.pids.isEmpty ? "" : ", pid" + (f.process.pids.count > 1 ? "s " : " ") + pidList(f.process)
        row(&out, "process", (proc.isEmpty ? "unknown" : proc) + pids)
        row(&out, "domain", clean(f.process.scontext ?? f.process.domain ?? "unknown") + (f.tclass.map { "   class \(clean($0))" } ?? ""))
        if let target = f.target { row(&out, "object", clean(target) + (f.tcontext.map { " (\(clean($0)))" } ?? "")) }
        if f.loaderError != nil {
            row(&out, "outcome", s.red("failed") + " (the loader gave up on the object)")
        } else {
            if f.outcomes.isMixed {
                row(&out, "outcome", s.red(f.outcomes.counted))
            } else {
                row(&out, "outcome", f.blocked ? s.red("blocked") + " (enforcing: the access was refused)" : s.yellow("not blocked") + " (permissive: logged, then allowed)")
            }
        }
        if f.hasTime, f.firstSeen.clock == .unknown, f.lastSeen.clock == .unknown {
            row(&out, "seen", (f.count == 1 ? "once" : "\(f.count) times") + ", time unknown (the record carried no usable stamp)")
        } else if f.hasTime {
            let when = f.count == 1 ? "once, \(Timestamp.local(f.firstSeen))" : "\(f.count) times, \(Timestamp.local(f.firstSeen)) to \(Timestamp.local(f.lastSeen))"
            row(&out, "seen", when + " (event \(clean(f.events[0].description))\(f.count > 1 ? ", …" : ""))")
        } else {
            row(&out, "seen", (f.count == 1 ? "once" : "\(f.count) times") + ", in the loader's error message (no audit record)")
        }
        if let error = f.loaderError {
            let message = mech == .textRelocation ? "cannot restore segment prot after reloc: " : "cannot enable executable stack as shared object requires: "
            row(&out, "error", message + clean(error))
        }
        if let call = f.call { row(&out, "call", call.rendered + (call.arch.map { "   [\($0)]" } ?? "")) }
        if let title = f.proctitle { row(&out, "command", clean(title)) }
        row(&out, "log", "\(clean(f.source.input)):\(f.source.line)")

        out += "\n  " + s.bold("Why") + "\n" + TerminalText.wrap(clean(f.why), prefix: "    ", indent: "    ", width: width) + "\n"

        out += "\n  " + s.bold("At fault") + "\n"
        if f.culprits.isEmpty {
            out += "    " + (f.elf == .analysed ? "No object in the program's DT_NEEDED closure explains it (see below)." : "Not determined: could not read the executable.") + "\n"
        }
        for c in f.culprits {
            out += "    " + s.red(clean(c.path)) + "\n"
            out += TerminalText.wrap(clean(c.detail), prefix: "      ", indent: "      ", width: width) + "\n"
            if let origin = c.origin { out += TerminalText.wrap(clean(origin), prefix: "      ", indent: "      ", width: width) + "\n" }
            if c.chain.count > 1 {
                out += "      chain: " + clean(c.chain[0]) + "\n"
                for (path, via) in zip(c.chain.dropFirst(), c.foundVia.dropFirst()) {
                    out += "             → " + clean(path) + s.dim("  (\(clean(via)))") + "\n"
                }
            } else if c.foundVia.first == "executable" {
                out += "      (the executable itself)\n"
            }
        }
        if case .unavailable(let reason) = f.elf {
            out += "    could not read ELF: \(clean(f.process.exe ?? "?")): \(clean(reason))\n"
        }

        if !f.liveFacts.isEmpty {
            out += "\n  " + s.bold("Seen in the running process") + "\n"
            for e in f.liveFacts { out += TerminalText.wrap(clean(e), prefix: "    - ", indent: "      ", width: width) + "\n" }
        }
        if !f.evidence.isEmpty {
            out += "\n  " + s.bold("Evidence") + "\n"
            for e in f.evidence { out += TerminalText.wrap(clean(e), prefix: "    - ", indent: "      ", width: width) + "\n" }
        }
        if !f.evidenceNeeded.isEmpty {
            out += "\n  " + s.bold("What would settle it") + "\n"
            for e in f.evidenceNeeded { out += TerminalText.wrap(clean(e), prefix: "    - ", indent: "      ", width: width) + "\n" }
        }
        if !f.commandsToRun.isEmpty {
            out += "\n  " + s.bold("Run where the program is installed") + s.dim("  (they only read files)") + "\n"
            for c in f.commandsToRun { out += "    " + s.cyan(clean(c)) + "\n" }
        }
        if !f.fixes.isEmpty {
            out += "\n  " + s.bold("Fix, safest first") + "\n"
            for (i, fix) in f.fixes.enumerated() {
                out += TerminalText.wrap(clean(fix.text), prefix: "    \(i + 1). [\(fix.kind.rawValue)] ", indent: "       ", width: width) + "\n"
                for c in fix.commands { out += "         " + s.cyan(clean(c)) + "\n" }
            }
        }
        return out
    }

    /// The first pids, then how many more; "at least" once the list itself was full.
    private func pidList(_ p: ProcessInfo) -> String {
        let shown = 8
        let listed = p.pids.prefix(shown).map(String.init).joined(separator: ", ")
        let more = p.pids.count - min(shown, p.pids.count) + (p.pidsComplete ? 0 : 1)
        guard more > 0 else { return listed }
        return listed + (p.pidsComplete ? " and \(more) more" : " and at least \(more) more")
    }

    private func otherLine(_ f: Finding) -> String {
        let who = [f.process.comm.map { "\"\(clean($0))\"" }, f.process.exe.map { "(\(clean($0)))" }].compactMap { $0 }.joined(separator: " ")
        let target = [f.target.map(clean), f.tcontext.map { "[\(clean($0))]" }].compactMap { $0 }.joined(separator: " ")
        return "{ \(f.permissions.map(clean).joined(separator: " ")) } on \(clean(f.tclass ?? "?")) \(target) for \(clean(f.process.domain ?? "?")) "
            + "\(who), \(f.count == 1 ? "once" : "\(f.count) times"), \(f.outcomes.isMixed ? f.outcomes.counted : f.blocked ? "blocked" : "permissive")"
    }

    private func row(_ out: inout String, _ label: String, _ value: String) {
        out += "    " + label.padding(toLength: 9) + " " + value + "\n"
    }

    private func clean(_ s: String) -> String { TerminalText.sanitize(s) }

    private func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}

extension String {
    func padding(toLength n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
