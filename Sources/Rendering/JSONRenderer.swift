import AuditInput
import Diagnosis
import ELFLoader

/// The machine-readable report, schema `avc-explain/1` (documented in README.md).
/// Fields are only ever added within a schema version; a removal or a change of meaning
/// bumps it.
public enum JSONRenderer {
    public static let schema = "avc-explain/1"
    /// The JSON Lines records of the live modes (documented in README.md).
    public static let linesSchema = "avc-explain-lines/1"

    /// One JSON Lines record: `{"schema":"avc-explain-lines/1","type":…,…}`, newline-terminated.
    public static func line(_ type: String, _ fields: [(String, JSON)]) -> String {
        JSON.object([("schema", .string(linesSchema)), ("type", .string(type))] + fields).serialized() + "\n"
    }

    /// The whole report as one value (tests, small reports).
    public static func render(_ report: Report) -> JSON {
        var memo = PolicyAdviceMemo()
        return .object(head(report) + [("findings", .array(report.findings.map { finding(report.explained($0, memo: &memo)) }))] + tail(report))
    }

    /// The report indented for people, as `render(report).pretty()` writes it, handed to
    /// `write` piece by piece: each finding is explained and serialised when its turn comes,
    /// so memory holds one finding at a time, not the report.
    public static func write(_ report: Report, to write: (String) -> Void) {
        var members = ""
        for (key, value) in head(report) { members += member(key, value) + ",\n" }
        write("{\n" + members + "  \"findings\": " + (report.findings.isEmpty ? "[]" : "[\n"))
        var memo = PolicyAdviceMemo()
        for (i, f) in report.findings.enumerated() {
            write("    " + finding(report.explained(f, memo: &memo)).pretty(level: 2) + (i + 1 < report.findings.count ? ",\n" : "\n"))
        }
        write((report.findings.isEmpty ? "" : "  ]") + tail(report).map { ",\n" + member($0.0, $0.1) }.joined() + "\n}")
    }

    private static func member(_ key: String, _ value: JSON) -> String {
        var out = "  "
        JSON.quote(key, into: &out)
        return out + ": " + value.pretty(level: 1)
    }

    /// The members before the findings.
    private static func head(_ report: Report) -> [(String, JSON)] {
        [
            ("schema", .string(schema)),
            ("summary", .object([
                ("events", .int(Int64(report.events))),
                ("denials", .int(Int64(report.denials))),
                ("findings", .int(Int64(report.findings.count))),
                ("exec_findings", .int(Int64(report.execFindings.count))),
                ("unkept_denials", .int(Int64(report.unkeptDenials))),
                ("limits_reached", .array(report.limits.map(limit))),
                ("inputs", .array(report.inputs.map(input))),
                ("sysroot", .string(report.sysroot)),
                ("node_sysroots", .array(report.nodeSysroots.map { .object([("node", .string($0.node)), ("sysroot", .string($0.directory))]) })),
                ("policy", .object([
                    ("family", .string(report.policy.family?.rawValue)),
                    ("source", .string(report.policy.familySource)),
                ])),
            ])),
        ] + hosts(report)
    }

    /// `host`: the plain sosreport's facts, or null; `hosts`, only when nodes were given sosreports
    /// of their own: each node's, by name.
    private static func hosts(_ report: Report) -> [(String, JSON)] {
        let blocks = HostBlock.all(report)
        var out: [(String, JSON)] = [("host", blocks.first { $0.node == nil }?.block.json ?? .null)]
        let byNode = blocks.compactMap { b in b.node.map { ($0, b.block.json) } }
        if !byNode.isEmpty { out.append(("hosts", .object(byNode))) }
        return out
    }

    /// The members after the findings.
    private static func tail(_ report: Report) -> [(String, JSON)] {
        [
            ("timeline", .array(report.timeline.map { .object(statusChange($0)) })),
            ("selinux_errors", .array(report.selinuxErrors.map { .object(selinuxError(text: $0.text, count: $0.count)) })),
        ]
    }

    /// A timeline entry's members: the report's `timeline[]` and the live `timeline` record.
    public static func statusChange(_ c: StatusChange) -> [(String, JSON)] {
        var fields = event(c.when)
        switch c.change {
        case .enforcing(let on, let previous):
            fields += [("kind", .string("enforcing")), ("name", .null), ("value", .bool(on)), ("previous", previous.map(JSON.bool) ?? .null)]
        case .boolean(let name, let value, let previous):
            fields += [("kind", .string("boolean")), ("name", .string(name)), ("value", .bool(value)), ("previous", previous.map(JSON.bool) ?? .null)]
        }
        return fields + [("auid", c.auid.map(JSON.int) ?? .null)]
    }

    /// An SELinux error text and how often it came: the report's `selinux_errors[]` and the
    /// live `selinux_error` record.
    public static func selinuxError(text: String, count: Int) -> [(String, JSON)] {
        [("text", .string(text)), ("count", .int(Int64(count)))]
    }

    /// The time and id of an event, as every record about one event gives them.
    public static func event(_ key: EventKey) -> [(String, JSON)] {
        [("time", .string(Timestamp.utc(key.id))), ("event", .string(key.description))]
    }

    public static func limit(_ l: LimitReached) -> JSON {
        .object([
            ("limit", .string(l.kind.rawValue)),
            ("bound", .int(Int64(l.bound))),
            ("kept", .int(Int64(l.kept))),
            ("seen", .int(Int64(l.seen))),
            ("unit", .string(l.unit)),
            ("subject", .string(l.subject)),
            ("detail", .string(l.detail)),
        ])
    }

    static func input(_ s: InputStats) -> JSON {
        .object([
            ("name", .string(s.name)),
            ("lines", .int(Int64(s.lines))),
            ("records", .int(Int64(s.records))),
            ("kept", .int(Int64(s.kept))),
            ("malformed_lines", .int(Int64(s.malformed))),
            ("malformed_sample", .array(s.malformedSample.map { .int(Int64($0)) })),
            ("truncated_lines", .int(Int64(s.truncated))),
            ("loader_messages", .int(Int64(s.loaderMessages))),
        ])
    }

    public static func finding(_ f: Finding) -> JSON {
        .object([
            ("mechanism", .string(f.mechanism?.rawValue)),
            ("permissions", .strings(f.permissions.map(\.name))),
            ("class", .string(f.tclass)),
            ("blocked", .bool(f.blocked)),
            ("outcomes", .object([("blocked", .int(Int64(f.outcomes.blocked))), ("allowed", .int(Int64(f.outcomes.allowed)))])),
            ("process", .object([
                ("exe", .string(f.process.exe)),
                ("comm", .string(f.process.comm)),
                ("pids", .array(f.process.pids.map { .int($0) })),
                ("pids_complete", .bool(f.process.pidsComplete)),
                ("domain", .string(f.process.domain)),
                ("scontext", .string(f.process.scontext)),
            ])),
            ("target", .object([("path", .string(f.target)), ("tcontext", .string(f.tcontext))])),
            ("count", .int(Int64(f.count))),
            ("denials", .int(Int64(f.denials))),
            ("nodes", .array(f.nodes.mostSeenFirst.map { .object([("name", .string($0.name)), ("count", .int(Int64($0.count)))]) })),
            ("nodes_unlisted", .int(Int64(f.nodes.unlistedOccurrences))),
            ("first_seen", .string(f.hasTime ? Timestamp.utc(f.firstSeen) : nil)),
            ("last_seen", .string(f.hasTime ? Timestamp.utc(f.lastSeen) : nil)),
            ("loader_error", .string(f.loaderError)),
            ("events", .strings(f.events.map(\.description))),
            ("syscall", f.call.map(call) ?? .null),
            ("proctitle", .string(f.proctitle)),
            ("explanation", .string(f.why)),
            ("evidence", .strings(f.evidence)),
            ("evidence_needed", .strings(f.evidenceNeeded)),
            ("commands_to_run", .strings(f.commandsToRun)),
            ("elf", elf(f.elf)),
            ("culprits", .array(f.culprits.map(culprit))),
            ("booleans", .array(f.booleans.map(boolean))),
            ("fixes", .array(f.fixes.map(fix))),
            ("source", .object([("input", .string(f.source.input)), ("line", .int(Int64(f.source.line)))])),
            ("live", .strings(f.liveFacts)),
            ("running", .array(f.stillRunning.map { p in
                .object([("pid", .int(p.pid)), ("user", .string(p.user)), ("context", .string(p.context)), ("command", .string(p.command))])
            })),
        ])
    }

    static func call(_ c: CallSummary) -> JSON {
        .object([
            ("name", .string(c.name)),
            ("arch", .string(c.arch)),
            ("number", c.number.map { .int(Int64($0)) } ?? .null),
            ("args", .array(c.args.map { $0.map { .string(String($0, radix: 16)) } ?? .null })),
            ("exit", c.exit.map(JSON.int) ?? .null),
            ("success", c.success.map(JSON.bool) ?? .null),
            ("decoded", .string(c.rendered)),
        ])
    }

    static func elf(_ status: ELFStatus) -> JSON {
        switch status {
        case .analysed: return .object([("status", .string("analysed")), ("error", .null)])
        case .unavailable(let why): return .object([("status", .string("unavailable")), ("error", .string(why))])
        case .notNeeded: return .object([("status", .string("not-needed")), ("error", .null)])
        }
    }

    static func culprit(_ c: Culprit) -> JSON {
        .object([
            ("path", .string(c.path)),
            ("reason", .string(c.reason.rawValue)),
            ("detail", .string(c.detail)),
            ("chain", .strings(c.chain)),
            ("found_via", .strings(c.foundVia)),
            ("jit", c.jit.map { .object([("component", .string($0.name)), ("off_switch", .string($0.offSwitch))]) } ?? .null),
            ("assembler_units", c.assemblerUnits.map { .array($0.map { u in
                .object([("name", .string(u.name)), ("producer", .string(u.producer)), ("language", .string(u.language.map(DWARFLanguage.name)))])
            }) } ?? .null),
            ("origin", .string(c.origin)),
        ])
    }

    static func boolean(_ b: PolicyBoolean) -> JSON {
        .object([
            ("name", .string(b.name)),
            ("policy", .string(b.family.rawValue)),
            ("allowing_value", .bool(b.allowingValue)),
            ("grants", .strings(b.grants.map(\.name))),
            ("command", .string(b.command)),
            ("current", b.current.map(JSON.bool) ?? .null),
            ("note", .string(b.note)),
        ])
    }

    static func fix(_ f: Fix) -> JSON {
        .object([("kind", .string(f.kind.rawValue)), ("text", .string(f.text)), ("commands", .strings(f.commands))])
    }
}
