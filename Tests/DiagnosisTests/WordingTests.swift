import Testing
@testable import Diagnosis

/// Fixes name the real object and its kind: no "the library" for an executable, no
/// placeholder path where the path is known.
@Suite struct WordingTests {
    @Test func textRelocationWithoutACulpritHasNoPlaceholder() {
        let fixes = Advice.fixes(mechanism: .textRelocation, permissions: [.execmod], culprits: [], booleans: [], domain: nil)
        #expect(!fixes.contains { $0.text.contains("Rebuild the library") })
        #expect(!fixes.flatMap(\.commands).contains { $0.contains("/path/to/") })
    }

    @Test func anExecutableWithTextRelocationsIsRebuiltAsPIE() {
        let exe = Culprit(path: "/opt/a/bin/prog", reason: .textRelocations, detail: "", chain: ["/opt/a/bin/prog"], foundVia: ["executable"], jit: nil)
        let fixes = Advice.fixes(mechanism: .textRelocation, permissions: [.execmod], culprits: [exe], booleans: [], domain: nil)
        #expect(fixes.first?.text.hasPrefix("Rebuild the executable prog as position-independent code (-fPIE") == true, "\(fixes)")
        #expect(!fixes.flatMap(\.commands).contains { $0.contains("textrel_shlib_t") }, "a library label is no fix for an executable")
    }
}
