import Foundation
import Testing
import TestSupport
@testable import AuditInput

/// What the scan reads of a record made from an `ausearch -i` line (its header and stamp, where
/// ` avc:` is, whether it looks cut short) is found while the record is made, not searched for again:
/// it must be what the search would find in the record made. Lines from the sample logs, and
/// invented ones where a converted word moves ` avc:` or the words the cut test looks for.
@Suite struct InterpretedFactsTests {
    static let stamp = "msg=audit(11/27/26 09:14:03.007:8812) : "
    static let invented = [
        "type=AVC \(stamp)avc:  denied  { execmem } for  pid=4242 comm=paintd tclass=process permissive=0",
        "type=AVC \(stamp)avc:  denied  { execmem } for  pid=4242 comm=paintd",
        "type=USER_AVC \(stamp)pid=1 uid=root comm=paintd exe=/usr/bin/paintd msg='avc:  denied  { status } for auid=unset'",
        "type=USER_AVC \(stamp)pid=1 comm=paintd exe=/usr/bin/paintd avc: x=1 msg='avc:  denied'",
        "type=SYSCALL \(stamp)arch=x86_64 syscall=mprotect exit=EACCES(Permission denied) a2=PROT_READ|PROT_EXEC comm=paintd avc: key=(null)",
        "type=SYSCALL \(stamp)arch=x86_64 syscall=mprotect a2=PROT_READ|PROT_EXEC comm=paintd",
        "type=PATH \(stamp)item=0 name=/opt/paintbox avc: inode=12",
        "type=PATH \(stamp)item=0 name=/opt/paintbox inode=12",
        "type=PROCTITLE \(stamp)proctitle=paintd avc: --brush",
        "type=X avc: \(stamp)comm=paintd",
        "node=easel type=AVC \(stamp)avc:  denied  { execmem } for  pid=4242 comm=paintd tclass=process",
        "type=EOE msg=audit(11/27/26 09:14:03.007:8812) : ",
        "type=AVC \(stamp)avc:",
        "type=AVC \(stamp)comm=avc: avc:",
    ]

    @Test func factsFoundWhileConvertingAreThoseInTheRecordMade() throws {
        var lines = Self.invented
        for name in ["seed.ausearch-i.log", "chain.ausearch-i.log"] {
            lines += try String(contentsOfFile: Package.root + "/SampleLogs/forms/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        var lookups = InterpretedLookups()
        var converted = 0
        for line in lines {
            for bodies in [InterpretedForm.Bodies.always, .whenRead] {
                // After another record, as in a prescan's buffer of a region's records.
                var out = ByteWriter()
                Array("type=EOE msg=audit(1.000:1): ".utf8).withUnsafeBytes { out.append($0) }
                let before = out.count
                guard let facts = Array(line.utf8).withUnsafeBytes({ InterpretedForm.asWritten($0, bodies: bodies, lookups: &lookups, into: &out) })
                else { continue }
                converted += 1
                let searched = RecordFacts(UnsafeRawBufferPointer(rebasing: out.bytes[before...]))
                #expect(facts.avc == searched.avc, "\(line)")
                #expect(facts.looksCut == searched.looksCut, "\(line)")
                #expect(facts.header?.type == searched.header?.type && facts.header?.node == searched.header?.node, "\(line)")
                #expect(facts.stamp == searched.stamp, "\(line)")
            }
        }
        #expect(converted > 2 * Self.invented.count)
    }

    /// `cannot` (a loader message) or a second record start (` type=`) anywhere in a line leaves
    /// it to the long way: the pass that tells whether to look for them reads eight bytes at a
    /// time, so each is put at every offset of the body and of the tail after the last eight.
    @Test func cannotOrASecondTypeAtAnyOffsetIsLookedFor() {
        var lookups = InterpretedLookups()
        let line = Array("node=easel type=AVC \(Self.stamp)avc:  denied  { execmem } for  pid=4242 comm=paintd tclass=process".utf8)
        #expect(line.withUnsafeBytes { InterpretedForm.asWritten($0, lookups: &lookups) } != nil)
        for word in ["cannot", " type=X"] {
            for at in 0...line.count {
                let marked = Array(line[..<at]) + Array(word.utf8) + Array(line[at...])
                #expect(marked.withUnsafeBytes { InterpretedForm.asWritten($0, lookups: &lookups) } == nil, "\(word) at \(at)")
            }
        }
    }
}
