#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import AuditInput
import AuditEvents

/// What decides an event's findings, taken from its records' text without decoding them: the
/// AVC, SYSCALL, MMAP and AVC_PATH bodies less what differs between repeats of one denial (the
/// pid and ppid, the address in a0, the inode). Two events with the same signature become the
/// same findings with the same counts, so a repeat is folded in without being decoded,
/// classified or looked up in ELF files again. PROCTITLE and EOE do not change a finding
/// (the finding keeps the first command line); any other record type (a boolean change, an
/// SELinux error) makes the event be read in full.
struct RepeatSignature: Hashable {
    private var bytes: [UInt8]

    /// `scratch` is the buffer the bytes are gathered in, reused from event to event: it is
    /// copied only when a signature is kept.
    init?(_ event: Event, scratch: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        for record in event.records {
            switch record.type {
            case "PROCTITLE", "EOE": continue
            case "AVC", "SYSCALL", "MMAP", "AVC_PATH": break
            default: return nil
            }
            scratch += record.type.utf8
            scratch.append(0)
            record.withBody { Self.appendSteady($0, to: &scratch) }
            scratch.append(0x1e)
        }
        guard !scratch.isEmpty else { return nil }
        bytes = scratch
    }

    /// Appends the body's space-separated words, each followed by a space, but those that
    /// differ between repeats of one denial and decide nothing in a finding. The words between
    /// two such are appended as one run.
    private static func appendSteady(_ body: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard !body.isEmpty else { return }
        var run = 0
        var start = 0
        while start < body.count {
            var end = start
            while end < body.count, body[end] != 0x20 { end += 1 }
            if varies(UnsafeBufferPointer(rebasing: body[start..<end])) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: body[run..<start]))
                run = min(end + 1, body.count)
            }
            start = end + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: body[run...]))
        // The last word's space, unless the body ends in one (then it was already appended)
        // or the last word was left out.
        if body[body.count - 1] != 0x20, run < body.count { out.append(0x20) }
    }

    private static func varies(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        func starts(_ text: StaticString) -> Bool {
            word.count >= text.utf8CodeUnitCount && memcmp(word.baseAddress!, text.utf8Start, text.utf8CodeUnitCount) == 0
        }
        switch word.first {
        case UInt8(ascii: "p"): return starts("pid=") || starts("ppid=")
        case UInt8(ascii: "a"): return starts("a0=")
        case UInt8(ascii: "i"): return starts("ino=")
        default: return false
        }
    }

    static func == (a: RepeatSignature, b: RepeatSignature) -> Bool { a.bytes == b.bytes }

    /// The bytes hashed as one block, not one element at a time.
    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The process id of the event, as the full reading takes it: the SYSCALL's, else the first AVC's.
    static func pid(of event: Event) -> Int64? {
        guard let record = event.records.first(where: { $0.type == "SYSCALL" }) ?? event.records.first(where: { $0.type == "AVC" }) else { return nil }
        return record.withBody { b -> Int64? in
            var i = 0
            while i + 4 <= b.count {
                if (i == 0 || b[i - 1] == 0x20), b[i] == UInt8(ascii: "p"), b[i + 1] == UInt8(ascii: "i"), b[i + 2] == UInt8(ascii: "d"), b[i + 3] == UInt8(ascii: "=") {
                    var value: Int64 = 0
                    var j = i + 4
                    while j < b.count, b[j] >= 0x30, b[j] <= 0x39 {
                        let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                        let (sum, o2) = times10.addingReportingOverflow(Int64(b[j] - 0x30))
                        guard !o1, !o2 else { return nil }
                        value = sum
                        j += 1
                    }
                    return j > i + 4 ? value : nil
                }
                i += 1
            }
            return nil
        }
    }
}
