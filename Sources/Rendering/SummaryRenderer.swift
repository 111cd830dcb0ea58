import Diagnosis
import ELFLoader

/// One line per finding, in aligned columns: how often, which program, which permissions, how
/// and who is at fault, and the first thing to do. For a ticket's first comment or a terminal
/// full of findings.
public struct SummaryRenderer: StreamingRenderer {
    public var conventions: OutputConventions
    /// After the findings, a table of the nodes of an aggregated log (`--by-node`).
    public var byNode: Bool

    public init(conventions: OutputConventions = OutputConventions(), byNode: Bool = false) {
        self.conventions = conventions
        self.byNode = byNode
    }

    /// Column widths come from the facts; each finding's prose (for its first fix) is written
    /// only when its line is, so memory holds one finding's prose at a time.
    public func render(_ report: Report, to write: (String) -> Void) {
        let findings = report.findings
        let header = ["count", "program", "permissions", "mechanism → culprit"]
        // A value past its cap overflows its own line rather than widening every line.
        let caps = [Int.max, 24, 24, 48]
        var widths = header.map(\.count)
        for f in findings {
            for (i, cell) in Self.cells(f).enumerated() { widths[i] = max(widths[i], min(caps[i], cell.count)) }
        }
        write(conventions.shown(Self.line(header, widths, last: "first fix")))
        var memo = PolicyAdviceMemo()
        for f in findings {
            let columns = Self.columns(f.isExec ? report.explained(f, memo: &memo) : f)
            write(conventions.shown(Self.line(Array(columns.dropLast()), widths, last: columns[4])))
        }
        // What the sosreports said of their hosts, after the lines: they say what the fixes assume.
        for (title, _, block) in HostBlock.all(report) {
            write(conventions.shown("\n" + Self.clean(title) + "\n" + block.lines.map { HostBlock.labelColumn($0.0) + Self.clean($0.1) + "\n" }.joined()))
        }
        if byNode { write(conventions.shown(NodeTable(findings).rendered())) }
    }

    /// A finding's five columns, unaligned: count, program, permissions, mechanism → culprit,
    /// first fix (an exec* finding's, so `f` is explained). Each is safe to print.
    public static func columns(_ f: Finding) -> [String] {
        cells(f) + [f.isExec ? firstFix(f) : "-"]
    }

    /// The count right-aligned, the other columns left-aligned, two spaces apart.
    private static func line(_ cells: [String], _ widths: [Int], last: String) -> String {
        let count = String(repeating: " ", count: max(0, widths[0] - cells[0].count)) + cells[0]
        return ([count] + zip(cells, widths).dropFirst().map { $0.padding(toLength: $1) } + [last]).joined(separator: "  ") + "\n"
    }

    private static func cells(_ f: Finding) -> [String] {
        let program = f.process.exe.map(base) ?? f.process.comm ?? "?"
        let cause: String
        if let mechanism = f.mechanism {
            let culprit = f.culprits.first.map { base($0.path) + (f.culprits.count > 1 ? " +\(f.culprits.count - 1)" : "") } ?? "(undetermined)"
            cause = "\(mechanism.rawValue) → \(clean(culprit))"
        } else {
            cause = "not exec*: " + clean(f.tclass ?? "?")
        }
        let permissions = f.permissions.isEmpty ? "-" : f.permissions.map { clean($0.name) }.joined(separator: " ")
        return [String(f.count), clean(program), permissions, cause]
    }

    /// The first fix's first command, or its kind and opening words.
    static func firstFix(_ f: Finding) -> String {
        guard let fix = f.fixes.first else { return "-" }
        if let command = fix.commands.first { return clean(command) }
        return "[\(fix.kind.rawValue)] " + clean(shortened(fix.text))
    }

    /// Up to the first clause break (": ", "; ", ". ", " ("), at most 60 characters.
    static func shortened(_ text: String) -> String {
        let clause = text[..<clauseEnd(text)]
        return clause.count <= 60 ? String(clause) : String(clause.prefix(59)) + "…"
    }

    /// What `shortened` cuts at.
    static let clauseBreaks = [": ", "; ", ". ", " ("]
    /// Each break's two bytes.
    private static let clauseBreakBytes = clauseBreaks.map { (first: $0.utf8.first!, second: $0.utf8.last!) }

    /// Where the first clause break starts, or the end. In ASCII text bytes are characters:
    /// one walk of the bytes finds it, where searching for each break by characters cost four
    /// walks of the whole text (most of this report's time). Other text is searched by character.
    private static func clauseEnd(_ text: String) -> String.Index {
        guard text.allBytes({ $0 < 0x80 }) else {
            return clauseBreaks.compactMap { text.firstRange(of: $0)?.lowerBound }.min() ?? text.endIndex
        }
        let utf8 = text.utf8
        var previous: UInt8 = 0
        for i in utf8.indices {
            let byte = utf8[i]
            if clauseBreakBytes.contains(where: { $0.first == previous && $0.second == byte }) { return utf8.index(before: i) }
            previous = byte
        }
        return text.endIndex
    }

    private static func base(_ path: String) -> String { path.lastPathComponent }
    private static func clean(_ s: String) -> String { TerminalText.sanitize(s) }
}
