import Testing
import TestSupport
import Diagnosis
@testable import Rendering

/// A report names a section printed before ("as in [1]: evidence") by comparing whole rendered
/// bodies, some of them taken from a memo of the texts they were rendered from.
@Suite struct SectionMemoTests {
    /// Three findings alike but for their Evidence: the third has the first's items, the second
    /// the same words cut into other items. Only the third may point to the first.
    @Test func onlyTheSameTextsAreTheSameSection() throws {
        let d = try HostFactsTests.diagnose(HostFactsTests.execmemLog, host: HostFactsTests.host(kernel: "5.14.0", glibc: "2.34"))
        let base = try #require(d.facts.first)
        var first = base, second = base, third = base
        first.evidence = ["mapped ab", "c"]
        second.evidence = ["mapped a", "bc"]
        third.evidence = ["mapped ab", "c"]
        let report = Report(findings: [first, second, third], events: 3, denials: 3, inputs: [], sysroot: nil, policy: d.policyInForce)
        let text = TextRenderer(color: false).render(report)
        let blocks = Array(text.components(separatedBy: "\n[").dropFirst())
        #expect(blocks.count == 3)
        let asIn = blocks.map { $0.split(separator: "\n").first { $0.hasPrefix("    as in") }.map(String.init) ?? "" }
        #expect(!asIn[1].contains("evidence"), "\(asIn[1])")
        #expect(asIn[2].contains("evidence"), "\(asIn[2])")
        #expect(blocks[1].contains("    - mapped a\n    - bc\n"))
    }

    /// The same items under another title are another section: the second finding's "What
    /// would settle it" has the first's Evidence items, and is printed, not pointed to.
    @Test func theSameTextsUnderAnotherTitleAreAnotherSection() throws {
        let d = try HostFactsTests.diagnose(HostFactsTests.execmemLog, host: HostFactsTests.host(kernel: "5.14.0", glibc: "2.34"))
        let base = try #require(d.facts.first)
        var first = base, second = base
        first.evidence = ["mapped anonymous memory writable and executable"]
        first.evidenceNeeded = ["the maps of the process"]
        second.evidence = ["another item"]
        second.evidenceNeeded = ["mapped anonymous memory writable and executable"]
        let report = Report(findings: [first, second], events: 2, denials: 2, inputs: [], sysroot: nil, policy: d.policyInForce)
        let blocks = Array(TextRenderer(color: false).render(report).components(separatedBy: "\n[").dropFirst())
        #expect(blocks.count == 2)
        #expect(!blocks[1].contains("what would settle it"), "\(blocks[1])")
        #expect(blocks[1].contains("  What would settle it\n    - mapped anonymous memory writable and executable\n"), "\(blocks[1])")
    }
}
