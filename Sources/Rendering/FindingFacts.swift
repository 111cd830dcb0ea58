import AuditInput
import Diagnosis

/// A finding's facts in words, shared by the text, summary and Markdown reports. `value` makes
/// a string from a log safe where it is printed (terminal escapes; Markdown's specials too).
struct FindingFacts {
    let value: (String) -> String
    /// Whether the facts are wrapped as the text report wraps its rows, which joins words with
    /// one space however many stood between them (`gap(in:)`).
    var wrapped = false

    /// The spaces that set a row's second column apart ("…:s0   class process"): three, or
    /// one where the row is `wrapped` and the byte before is ASCII. One makes the row plain
    /// words, wrapped without a pass that squeezes the spaces out, to the same lines: a space
    /// after an ASCII byte and before the ASCII that follows every gap joins neither into one
    /// character, so every wrap finds the same words either way.
    private func gap(in out: inout TextBuffer) {
        if wrapped, out.last.map({ $0 < 0x80 }) ?? true { out += " " } else { out += "   " }
    }

    func title(_ f: Finding) -> String { text { title(f, into: &$0) } }

    func title(_ f: Finding, into out: inout TextBuffer) {
        if f.permissions.isEmpty {
            out += f.mechanism == .textRelocation ? "text relocation refused" : "executable stack refused"
            return
        }
        for permission in f.permissions {
            out += value(permission.name)
            out += " "
        }
        out += "denied"
    }

    /// `write`'s text as a String, for the renderers that join facts rather than append them.
    private func text(_ write: (inout TextBuffer) -> Void) -> String {
        var out = TextBuffer(capacity: 128)
        write(&out)
        return out.text
    }

    func process(_ f: Finding) -> String { text { process(f, into: &$0) } }

    /// `process(_:)`, appended to `out`: every finding has this row.
    func process(_ f: Finding, into out: inout TextBuffer) {
        let mark = out.count
        if let comm = f.process.comm {
            out += "\""
            out += value(comm)
            out += "\""
        }
        if let exe = f.process.exe {
            out += out.count == mark ? "(" : " ("
            out += value(exe)
            out += ")"
        }
        if out.count == mark { out += "unknown" }
        if !f.process.pids.isEmpty {
            out += f.process.pids.count > 1 ? ", pids " : ", pid "
            appendPidList(f.process, to: &out)
        }
    }

    /// The first pids, then how many more; "at least" once the list itself was full.
    private func appendPidList(_ p: ProcessInfo, to out: inout TextBuffer) {
        let shown = 8
        // The list's own iterator, not `prefix(_:).enumerated()`: those wrap it in generic
        // sequences, which cost more than the digits for every finding.
        var pids = p.pids.makeIterator()
        for i in 0..<shown {
            guard let pid = pids.next() else { break }
            if i > 0 { out += ", " }
            out.append(decimal: pid)
        }
        let more = p.pids.count - min(shown, p.pids.count) + (p.pidsComplete ? 0 : 1)
        guard more > 0 else { return }
        out += p.pidsComplete ? " and " : " and at least "
        out.append(decimal: more)
        out += " more"
    }

    func domain(_ f: Finding) -> String { text { domain(f, into: &$0) } }

    func domain(_ f: Finding, into out: inout TextBuffer) {
        out += value(f.process.scontext ?? f.process.domain ?? "unknown")
        if let tclass = f.tclass {
            gap(in: &out)
            out += "class "
            out += value(tclass)
        }
    }

    /// The outcome's word (for colour) and its explanation.
    func outcome(_ f: Finding) -> (word: String, rest: String) {
        if f.loaderError != nil { return ("failed", " (the loader gave up on the object)") }
        if f.outcomes.isMixed { return (f.outcomes.counted, "") }
        return f.blocked ? ("blocked", " (enforcing: the access was refused)") : ("not blocked", " (permissive: logged, then allowed)")
    }

    func seen(_ f: Finding) -> String { text { seen(f, into: &$0) } }

    /// How often and when, with the first event's id and how many others there were; appended
    /// to `out`: every finding has this row.
    func seen(_ f: Finding, into out: inout TextBuffer) {
        if f.count == 1 {
            out += "once"
        } else {
            out.append(decimal: f.count)
            out += " times"
        }
        guard f.hasTime else {
            out += ", in the loader's error message (no audit record)"
            return
        }
        if f.firstSeen.clock == .unknown, f.lastSeen.clock == .unknown {
            out += ", time unknown (the record carried no usable stamp)"
            return
        }
        out += ", "
        Timestamp.local(f.firstSeen, into: &out)
        if f.count > 1 {
            out += " to "
            Timestamp.local(f.lastSeen, into: &out)
        }
        out += " (event "
        event(f.events.first!, into: &out)
        if f.count > 1 {
            out += " and "
            out.append(decimal: f.count - 1)
            out += " more"
        }
        out += ")"
    }

    /// The event's `description`, written to `out` piece by piece: its node made safe, then
    /// digits and punctuation, which need no escaping.
    private func event(_ key: EventKey, into out: inout TextBuffer) {
        if let node = key.node {
            out += value(node)
            out.append(ascii: UInt8(ascii: ":"))
        }
        out.append(decimal: key.id.seconds)
        out.append(ascii: UInt8(ascii: "."))
        out.append(decimal: key.id.milliseconds, digits: 3)
        out.append(ascii: UInt8(ascii: ":"))
        out.append(decimal: key.id.serial)
    }

    /// "on 37 nodes: web01 (12), web02 (9), … and 32 more", most seen first; nil without `node=`.
    func nodes(_ f: Finding) -> String? {
        let nodes = f.nodes.mostSeenFirst
        guard !nodes.isEmpty else { return nil }
        let shown = 5
        let listed = nodes.prefix(shown).map { "\(value($0.name)) (\($0.count))" }.joined(separator: ", ")
        let more = nodes.count - min(shown, nodes.count)
        guard f.nodes.isComplete else {
            return "on at least \(nodes.count + 1) nodes: \(listed) and at least \(more + 1) more"
                + " (\(f.nodes.unlistedOccurrences) of the \(f.count) occurrences on nodes past the first \(NodeCounts.maxListed), not named)"
        }
        return "on " + Self.plural(nodes.count, "node") + ": " + listed + (more > 0 ? " and \(more) more" : "")
    }

    func loaderError(_ f: Finding) -> String? {
        guard let error = f.loaderError else { return nil }
        let message = f.mechanism == .textRelocation ? "cannot restore segment prot after reloc: " : "cannot enable executable stack as shared object requires: "
        return message + value(error)
    }

    func call(_ f: Finding) -> String? { f.call == nil ? nil : text { call(f, into: &$0) } }

    /// `call(_:)`, appended to `out`; nothing without a call.
    func call(_ f: Finding, into out: inout TextBuffer) {
        guard let call = f.call else { return }
        out += call.rendered
        if let arch = call.arch {
            gap(in: &out)
            out += "["
            out += arch
            out += "]"
        }
    }

    /// The command line, when it says more than the executable's path already does.
    func command(_ f: Finding) -> String? {
        guard let title = f.proctitle, title != f.process.exe else { return nil }
        return value(title)
    }

    func log(_ f: Finding) -> String { text { log(f, into: &$0) } }

    func log(_ f: Finding, into out: inout TextBuffer) {
        out += value(f.source.input)
        out += ":"
        out.append(decimal: f.source.line)
    }

    /// A non-exec denial in one line.
    func otherDenial(_ f: Finding) -> String {
        let who = [f.process.comm.map { "\"\(value($0))\"" }, f.process.exe.map { "(\(value($0)))" }].compactMap { $0 }.joined(separator: " ")
        let target = [f.target.map(value), f.tcontext.map { "[\(value($0))]" }].compactMap { $0 }.joined(separator: " ")
        return "{ \(f.permissions.map { value($0.name) }.joined(separator: " ")) } on \(value(f.tclass ?? "?")) \(target) for \(value(f.process.domain ?? "?")) "
            + "\(who), \(f.count == 1 ? "once" : "\(f.count) times"), \(f.outcomes.isMixed ? f.outcomes.counted : f.blocked ? "blocked" : "permissive")"
    }

    /// The report's first line.
    static func headline(_ report: Report) -> String {
        "avc-explain: \(plural(report.execFindings.count, "exec* finding")), \(plural(report.otherFindings.count, "other denial"))"
            + " (\(plural(report.denials, "denied permission")); \(plural(report.events, "event")) read)"
    }

    /// "Files of web01 read under /srv/web01, of web02 under /srv/web02." for `--sysroot NODE=DIR`.
    func nodeRootsLine(_ report: Report) -> String? {
        guard !report.nodeSysroots.isEmpty else { return nil }
        return "Files of " + report.nodeSysroots.map { "\(value($0.node)) read under \(value($0.directory))" }.joined(separator: ", of ") + "."
    }

    func policyLine(_ report: Report) -> String? {
        guard let family = report.policy.family else { return nil }
        let name = switch family {
        case .fedora: "Fedora/RHEL"
        case .refpolicy: "the reference policy"
        case .android: "Android (sepolicy built into the device image)"
        }
        return "Policy: \(name), from \(value(report.policy.familySource ?? "?"))."
    }

    func policyChange(_ c: StatusChange) -> String {
        func word(_ b: Bool) -> String { b ? "on" : "off" }
        let who = c.auid.flatMap { $0 == 4_294_967_295 ? nil : " by auid \($0)" } ?? ""
        let what: String
        switch c.change {
        case .enforcing(let on, let previous):
            what = (on ? "enforcing" : "permissive") + (previous.map { " (was \($0 ? "enforcing" : "permissive"))" } ?? "")
        case .boolean(let name, let value, let previous):
            what = "\(self.value(name)) \(word(value))" + (previous.map { " (was \(word($0)))" } ?? "")
        }
        return "\(Timestamp.local(c.when.id)): \(what)\(who)"
    }

    static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}
