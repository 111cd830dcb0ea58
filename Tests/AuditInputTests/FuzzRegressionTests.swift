import Testing
@testable import AuditInput

/// Inputs the fuzzers (Tests/Fuzz) found crashing the reader, minimized, each kept as the bytes
/// that crashed. Each must now be read without a trap: refused or read, as its text allows.
@Suite struct FuzzRegressionTests {
    private func classify(_ line: String) -> LineForms.Classified {
        var forms = LineForms()
        return Array(line.utf8).withUnsafeBytes { forms.classify($0, number: 1, previous: nil) }
    }

    private func canonical(_ line: String) -> String? {
        guard case .record(let bytes) = classify(line) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// record_parser, 2026-11-29: a month of 34252982921 in an `ausearch -i` stamp trapped
    /// converting to tm's 32-bit field. The stamp's date is now ignored (time 0), its serial kept.
    @Test func interpretedStampWithAnImpossibleDateKeepsItsSerial() {
        let line = "type=AVC msg=audit(34252982921/29/26 01:07:59.231:9) : avc:  denied  { execmem }"
        #expect(canonical(line)?.hasPrefix("type=AVC msg=audit(0.231:9): avc:  denied") == true)
    }

    /// Found reading the same code: a negative millisecond count (`.-999`) asked String(repeating:)
    /// for -1 zeros. Such a stamp is no `ausearch -i` stamp.
    @Test func interpretedStampWithNegativeMillisecondsIsRefused() {
        let line = "type=AVC msg=audit(01/01/2000 00:00:00.-999:1) : avc:  denied  { execmem }"
        #expect(canonical(line)?.contains(InterpretedForm.marker) != true)
    }

    @Test func plausibleInterpretedDatesStillCount() {
        let line = "type=AVC msg=audit(09/16/21 13:24:49.083:65686) : avc:  denied  { execmem }"
        #expect(canonical(line).map { !$0.hasPrefix("type=AVC msg=audit(0.") } == true)
    }
}

/// Found by the stream_split fuzzer (2026-11-29): the second half of a region scanned in parallel
/// numbers its lines from 0, and "no record yet" was line -1, so a `key=value` line opening the
/// half passed for the rest of a wrapped record and was dropped without being counted.
@Suite struct SecondHalfTests {
    @Test func aLoneFieldLineOpeningTheSecondHalfIsCountedMalformed() {
        var scanner = LineScanner()
        var selected: [SelectedLine] = []
        var tally = ScanTally()
        Array("=\n".utf8).withUnsafeBytes { scanner.scan($0, firstLine: 0, selected: &selected, tally: &tally) }
        #expect(tally.malformed == 1)
        #expect(selected.isEmpty)
    }
}
