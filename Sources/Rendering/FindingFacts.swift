import AuditInput
import Diagnosis

/// A finding's facts in words, shared by the text, summary and Markdown reports. `value` makes
/// a string from a log safe where it is printed (terminal escapes; Markdown's specials too).
struct FindingFacts {
    let value: (String) -> String

    func title(_ f: Finding) -> String {
        let mech = f.mechanism ?? .unknown
        if f.permissions.isEmpty { return mech == .textRelocation ? "text relocation refused" : "executable stack refused" }
        return f.permissions.map { value($0.name) }.joined(separator: " ") + " denied"
    }

    func process(_ f: Finding) -> String {
        // Built in one string, not joined from arrays: every finding has this row.
        var out = ""
        if let comm = f.process.comm { out += "\"" + value(comm) + "\"" }
        if let exe = f.process.exe { out += (out.isEmpty ? "(" : " (") + value(exe) + ")" }
        if out.isEmpty { out = "unknown" }
        if !f.process.pids.isEmpty {
            out += f.process.pids.count > 1 ? ", pids " : ", pid "
            appendPidList(f.process, to: &out)
        }
        return out
    }

    /// The first pids, then how many more; "at least" once the list itself was full.
    private func appendPidList(_ p: ProcessInfo, to out: inout String) {
        let shown = 8
        // Written digit by digit into one string, then appended once.
        out += String(unsafeUninitializedCapacity: shown * (DecimalText.room() + 2)) { buffer in
            var i = 0
            for pid in p.pids.prefix(shown) {
                if i > 0 { i = DecimalText.write(", ", into: buffer, at: i) }
                i = DecimalText.write(pid, into: buffer, at: i)
            }
            return i
        }
        let more = p.pids.count - min(shown, p.pids.count) + (p.pidsComplete ? 0 : 1)
        guard more > 0 else { return }
        out += p.pidsComplete ? " and \(more) more" : " and at least \(more) more"
    }

    func domain(_ f: Finding) -> String {
        value(f.process.scontext ?? f.process.domain ?? "unknown") + (f.tclass.map { "   class \(value($0))" } ?? "")
    }

    /// The outcome's word (for colour) and its explanation.
    func outcome(_ f: Finding) -> (word: String, rest: String) {
        if f.loaderError != nil { return ("failed", " (the loader gave up on the object)") }
        if f.outcomes.isMixed { return (f.outcomes.counted, "") }
        return f.blocked ? ("blocked", " (enforcing: the access was refused)") : ("not blocked", " (permissive: logged, then allowed)")
    }

    /// How often and when, with the first event's id and how many others there were.
    func seen(_ f: Finding) -> String {
        let times = f.count == 1 ? "once" : "\(f.count) times"
        guard f.hasTime else { return times + ", in the loader's error message (no audit record)" }
        if f.firstSeen.clock == .unknown, f.lastSeen.clock == .unknown {
            return times + ", time unknown (the record carried no usable stamp)"
        }
        // Appended to one buffer: every finding has this row.
        var out = TextBuffer(capacity: 128)
        out += times
        out += ", "
        out += Timestamp.local(f.firstSeen)
        if f.count > 1 {
            out += " to "
            out += Timestamp.local(f.lastSeen)
        }
        out += " (event "
        out += value(f.events.first!.description)
        if f.count > 1 {
            out += " and "
            out += String(f.count - 1)
            out += " more"
        }
        out += ")"
        return out.text
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

    func call(_ f: Finding) -> String? { f.call.map { $0.rendered + ($0.arch.map { "   [\($0)]" } ?? "") } }

    /// The command line, when it says more than the executable's path already does.
    func command(_ f: Finding) -> String? {
        guard let title = f.proctitle, title != f.process.exe else { return nil }
        return value(title)
    }

    func log(_ f: Finding) -> String { "\(value(f.source.input)):\(f.source.line)" }

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
