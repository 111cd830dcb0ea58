import Diagnosis

/// What `avc-explain check` found, for text and JSON.
public struct CheckReport: Sendable {
    public var verdicts: [PreflightVerdict]
    public var filesSeen: Int
    public var elfFiles: Int
    public var unreadable: [(path: String, reason: String)]
    public var sysroot: String?

    public init(verdicts: [PreflightVerdict], filesSeen: Int, elfFiles: Int, unreadable: [(path: String, reason: String)], sysroot: String?) {
        self.verdicts = verdicts
        self.filesSeen = filesSeen
        self.elfFiles = elfFiles
        self.unreadable = unreadable
        self.sysroot = sysroot
    }

    public var flagged: [PreflightVerdict] { verdicts.filter(\.isFlagged) }
    /// Files with only possible needs (a JIT library in the closure).
    public var possible: [PreflightVerdict] { verdicts.filter { !$0.isFlagged && !$0.reasons.isEmpty } }
}

public enum CheckRenderer {
    public static let schema = "avc-explain-check/1"

    public static func text(_ report: CheckReport, color: Bool, showPossible: Bool) -> String {
        let s = Style(enabled: color)
        var out = ""
        func clean(_ t: String) -> String { TerminalText.sanitize(t) }
        for v in report.flagged + (showPossible ? report.possible : []) {
            let perms = v.isFlagged ? "needs " + v.permissions.map(\.name).joined(separator: ", ") : "may need execmem"
            out += s.bold(clean(v.path)) + "  " + (v.isFlagged ? s.red(perms) : s.yellow(perms)) + "\n"
            for r in v.reasons where r.certain || showPossible {
                out += TerminalText.wrap(clean(r.detail), prefix: "  - ", indent: "    ", width: 100) + "\n"
                if r.chain.count > 1 { out += "    chain: " + r.chain.map(clean).joined(separator: " → ") + "\n" }
            }
        }
        let possible = report.possible.count
        let flagged = report.flagged.count
        let unread = report.unreadable.isEmpty ? "" : ", \(report.unreadable.count) unreadable"
        out += "avc-explain check: \(report.filesSeen) file\(report.filesSeen == 1 ? "" : "s"), \(report.elfFiles) ELF\(unread); "
            + "\(flagged) need\(flagged == 1 ? "s" : "") exec* permissions"
        out += possible > 0 ? ", \(possible) may need execmem for a JIT\(showPossible ? "" : " (--show-jit lists them)")\n" : "\n"
        if !report.unreadable.isEmpty {
            out += s.yellow("Not read, so not checked:") + "\n"
            for u in report.unreadable { out += "  - " + clean(u.path) + ": " + clean(u.reason) + "\n" }
        }
        return out
    }

    public static func json(_ report: CheckReport) -> JSON {
        .object([
            ("schema", .string(schema)),
            ("summary", .object([
                ("files", .int(Int64(report.filesSeen))),
                ("elf_files", .int(Int64(report.elfFiles))),
                ("flagged", .int(Int64(report.flagged.count))),
                ("possible", .int(Int64(report.possible.count))),
                ("unreadable", .array(report.unreadable.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })),
                ("sysroot", .string(report.sysroot)),
            ])),
            ("files", .array((report.flagged + report.possible).map { v in
                .object([
                    ("path", .string(v.path)),
                    ("type", .string(v.type)),
                    ("machine", .string(v.machine)),
                    ("needs", .strings(v.permissions.map(\.name))),
                    ("reasons", .array(v.reasons.map { r in
                        .object([
                            ("kind", .string(r.kind.rawValue)),
                            ("permissions", .strings(r.permissions.map(\.name))),
                            ("certain", .bool(r.certain)),
                            ("detail", .string(r.detail)),
                            ("chain", .strings(r.chain)),
                        ])
                    })),
                ])
            })),
        ])
    }
}
