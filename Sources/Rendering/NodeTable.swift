import Diagnosis

/// `--format summary --by-node`: for each node of an aggregated log, how many findings and
/// denials it had and which exec* mechanisms, busiest first. Built from the findings' node
/// counts, so it names the nodes they name; occurrences on nodes past a finding's bound
/// (`NodeCounts.maxListed`) are one last row.
struct NodeTable {
    struct Row {
        var node: String
        var findings = 0
        var denials = 0
        var mechanisms: [String] = []
    }

    private(set) var rows: [Row] = []

    init(_ findings: [Finding]) {
        var position: [String: Int] = [:]
        var unnamed = Row(node: "(nodes not named)")
        func add(_ finding: Finding, denials: Int, to row: inout Row) {
            row.findings += 1
            row.denials += denials
            if let mechanism = finding.mechanism?.rawValue, !row.mechanisms.contains(mechanism) { row.mechanisms.append(mechanism) }
        }
        for f in findings {
            for entry in f.nodes.listed {
                let i = position[entry.name] ?? rows.count
                if i == rows.count {
                    position[entry.name] = i
                    rows.append(Row(node: entry.name))
                }
                add(f, denials: entry.denials, to: &rows[i])
            }
            if !f.nodes.isComplete { add(f, denials: f.nodes.unlistedDenials, to: &unnamed) }
        }
        rows.sort { $0.denials != $1.denials ? $0.denials > $1.denials : $0.node < $1.node }
        if unnamed.findings > 0 { rows.append(unnamed) }
    }

    /// The table, its columns aligned, each value safe to print.
    func rendered() -> String {
        guard !rows.isEmpty else { return "\nBy node: the log names no nodes (no node= in its records).\n" }
        let header = ["node", "findings", "denials", "exec* mechanisms"]
        let cells = rows.map { row in
            [TerminalText.sanitize(row.node), String(row.findings), String(row.denials), row.mechanisms.isEmpty ? "-" : row.mechanisms.joined(separator: ", ")]
        }
        let nodeWidth = min(32, ([header] + cells).map { $0[0].count }.max() ?? 0)
        let numberWidths = [1, 2].map { c in ([header] + cells).map { $0[c].count }.max() ?? 0 }
        func line(_ c: [String]) -> String {
            let numbers = zip([c[1], c[2]], numberWidths).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }
            return ([c[0].padding(toLength: nodeWidth)] + numbers + [c[3]]).joined(separator: "  ") + "\n"
        }
        return "\n" + line(header) + cells.map(line).joined()
    }
}
