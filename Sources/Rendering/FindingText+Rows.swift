import Diagnosis

/// The head of a finding's block: its title, then its facts in rows of a label and a value
/// wrapped under the value's first word.
extension FindingText {
    /// "[1] execmem denied — unknown: not enough evidence to say", before it is wrapped.
    func heading(_ f: Finding, number: Int, facts: FindingFacts, into out: inout TextBuffer) {
        let mech = f.mechanism ?? .unknown
        style.start(.bold, in: &out)
        out += "["
        out.append(decimal: number)
        out += "] "
        facts.title(f, into: &out)
        style.end(in: &out)
        out += " — "
        style.append(mech.rawValue, .cyan, to: &out)
        out += ": "
        out += mech.summary
    }

    /// The rows of a block, in order.
    enum Row: Int, CaseIterable {
        case process, domain, object, outcome, seen, nodes, error, call, command, log, asIn

        var label: String { self == .asIn ? "as in" : "\(self)" }

        /// The row's start: its label, indented and padded to the value's column.
        var prefix: String { Self.prefixes[rawValue] }

        /// Made once: a block has eight or so rows, a report thousands of blocks.
        private static let prefixes = allCases.map { "    " + $0.label.padding(toLength: 9) + " " }
    }

    func row(_ out: inout TextBuffer, _ row: Row, _ value: String) {
        TerminalText.wrap(value, prefix: row.prefix, indent: Self.rowIndent, width: width, into: &out)
        out += "\n"
    }

    /// A row of the value written to `value`, which is then emptied for the next.
    func row(_ out: inout TextBuffer, _ row: Row, _ value: inout TextBuffer) {
        value.withBytes { TerminalText.wrap(bytes: $0, prefix: row.prefix, indent: Self.rowIndent, width: width, into: &out) }
        out += "\n"
        value.truncate(to: 0)
    }

    /// Where a row's value continues: under its first word.
    static let rowIndent = String(repeating: " ", count: 14)
}
