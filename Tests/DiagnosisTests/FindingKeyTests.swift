import Testing
import AuditInput
import AuditEvents
import ELFLoader
import TestSupport
@testable import Diagnosis

/// Occurrences fold into one finding only when every part of their key is equal.
@Suite struct FindingKeyTests {
    private func event(_ body: String, serial: Int) throws -> Event {
        let line = "type=AVC msg=audit(1795770000.120:\(serial)): " + body
        guard case .record(let r) = RecordParser.parse(Array(line.utf8), source: AuditInput.SourceLocation(input: "t", line: serial)) else {
            throw TestFailure("not a record: \(line)")
        }
        return Event(key: r.key, records: [r])
    }

    /// Keys were one string with parts joined by U+0001; a raw 0x01 byte in a log (the class of
    /// one denial, the domain of another) shifted the parts so two denials read as one.
    @Test func partsCannotRunIntoEachOther() throws {
        let empty = try TemporaryDirectory()
        var diagnoser = Diagnoser(loader: LoaderSearch(root: FileSystemRoot(directory: empty.path)))
        diagnoser.add(try event("avc:  denied  { read } for  pid=7 comm=\"a\" scontext=u:r:z:s0 tcontext=u:r:T:s0 tclass=x\u{1}y_t permissive=0", serial: 1))
        diagnoser.add(try event("avc:  denied  { read } for  pid=7 comm=\"a\" scontext=u:r:y_t\u{1}z:s0 tcontext=u:r:T:s0 tclass=x permissive=0", serial: 2))
        let facts = diagnoser.facts
        #expect(facts.count == 2)
        #expect(facts.map(\.tclass) == ["x\u{1}y_t", "x"])
    }

    @Test func repeatsStillFold() throws {
        let empty = try TemporaryDirectory()
        var diagnoser = Diagnoser(loader: LoaderSearch(root: FileSystemRoot(directory: empty.path)))
        for serial in 1...3 {
            diagnoser.add(try event("avc:  denied  { read } for  pid=\(serial) comm=\"a\" scontext=u:r:d_t:s0 tcontext=u:r:T:s0 tclass=file permissive=0", serial: serial))
        }
        #expect(diagnoser.facts.map(\.count) == [3])
    }
}
