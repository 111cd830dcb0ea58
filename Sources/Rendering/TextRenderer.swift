import AuditInput
import Diagnosis

/// The human-readable report: one block per exec* finding, a short list of other denials,
/// wrapped to the output's width.
public struct TextRenderer: StreamingRenderer {
    public var color: Bool
    public var conventions: OutputConventions

    public init(color: Bool, conventions: OutputConventions = OutputConventions()) {
        self.color = color
        self.conventions = conventions
    }

    var width: Int { conventions.width }

    /// The report, handed to `write` piece by piece: each finding is explained and rendered
    /// when its turn comes, so memory holds one finding's prose at a time, not the report's.
    public func render(_ report: Report, to write: (String) -> Void) {
        // Each piece is whole UTF-8: it ends where a finding's block does.
        render(report, bytes: { write(String(decoding: $0, as: UTF8.self)) })
    }

    /// `render(_:to:)` as UTF-8 bytes, in pieces of about `pieceSize` bytes that end where a
    /// block does: a report of thousands of findings is written to the output from one buffer,
    /// with no String made of it on the way.
    public func render(_ report: Report, bytes write: (UnsafeBufferPointer<UInt8>) -> Void) {
        let s = Style(enabled: color)
        let facts = FindingFacts(value: clean)
        var out = TextBuffer(capacity: Self.pieceSize + 16_384)
        let exec = report.execFindings
        let other = report.otherFindings
        out += s.bold(wrap(FindingFacts.headline(report), prefix: "", indent: "  ")) + "\n"
        if let root = report.sysroot { out += wrap("Files read under \(clean(root)) as if it were /.", prefix: "", indent: "  ") + "\n" }
        if let roots = facts.nodeRootsLine(report) { out += wrap(roots, prefix: "", indent: "  ") + "\n" }
        if let policy = facts.policyLine(report) { out += wrap(policy, prefix: "", indent: "  ") + "\n" }
        for (title, _, block) in HostBlock.all(report) {
            out += s.bold(clean(title)) + "\n"
            for (label, text) in block.lines {
                out += wrap(clean(text), prefix: HostBlock.labelColumn(label), indent: String(repeating: " ", count: 12)) + "\n"
            }
        }
        if !report.limits.isEmpty {
            out += s.yellow(wrap("Limits reached: " + report.limits.map { clean($0.detail) }.joined(separator: "; ") + ".", prefix: "", indent: "  ")) + "\n"
        }
        if exec.isEmpty { out += "No execmem, execstack, execheap or execmod denials found.\n" }
        var printed: PrintedParagraphs? = PrintedParagraphs()
        var memo = PolicyAdviceMemo()
        for (i, finding) in exec.enumerated() {
            // Explained in the copy the loop made: a Finding is large, and copying it costs.
            var f = finding
            report.explain(&f, memo: &memo)
            out += "\n"
            FindingText(style: s, width: width).block(f, number: i + 1, printed: &printed, into: &out)
            if out.count >= Self.pieceSize { hand(&out, to: write) }
        }
        if !other.isEmpty {
            out += "\n" + s.bold("Other denials (not exec*)") + "\n"
            for f in other {
                out += wrap(facts.otherDenial(f), prefix: "  - ", indent: "    ") + "\n"
                if out.count >= Self.pieceSize { hand(&out, to: write) }
            }
        }
        if !report.timeline.isEmpty {
            out += "\n" + s.bold("Policy changes") + "\n"
            for c in report.timeline { out += wrap(facts.policyChange(c), prefix: "  - ", indent: "    ") + "\n" }
        }
        if !report.selinuxErrors.isEmpty {
            out += "\n" + s.bold("SELinux errors") + "\n"
            for e in report.selinuxErrors {
                out += wrap(clean(e.text) + (e.count > 1 ? " (\(e.count) times)" : ""), prefix: "  - ", indent: "    ") + "\n"
            }
        }
        hand(&out, to: write)
    }

    /// How much of the report is held before it is handed on.
    static let pieceSize = 64 << 10

    /// What `out` holds, as the output can show it, handed to `write`; `out` is then emptied.
    /// Every piece ends with a line feed, after which a character always ends: the stand-ins
    /// of `OutputConventions.shown` are the same for the pieces as for the whole.
    private func hand(_ out: inout TextBuffer, to write: (UnsafeBufferPointer<UInt8>) -> Void) {
        if out.count > 0 { out.withBytes { conventions.shown(bytes: $0, to: write) } }
        out.truncate(to: 0)
    }

    /// One finding's block, as live mode prints it the moment it appears: whole, with no
    /// references to blocks printed before.
    public func render(_ f: Finding, number: Int) -> String {
        var alone = PrintedParagraphs?.none
        return conventions.shown(FindingText(style: Style(enabled: color), width: width).block(f, number: number, printed: &alone))
    }

    private func wrap(_ text: String, prefix: String, indent: String) -> String {
        TerminalText.wrap(text, prefix: prefix, indent: indent, width: width)
    }

    private func clean(_ s: String) -> String { TerminalText.sanitize(s) }
}

extension String {
    func padding(toLength n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
