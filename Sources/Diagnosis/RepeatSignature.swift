#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import AuditInput
import AuditEvents

/// What decides an event's findings, taken from its records' text without decoding them: the
/// AVC, SYSCALL, MMAP and AVC_PATH bodies less what differs between repeats of one denial (the
/// pid and ppid, the address in a0, the inode), after the root its files are read under and
/// the node whose own host facts explain it. Two events with the same signature become the
/// same findings with the same counts, so a repeat is folded in without being decoded,
/// classified or looked up in ELF files again. PROCTITLE and EOE do not change a finding
/// (the finding keeps the first command line); any other record type (a boolean change, an
/// SELinux error) makes the event be read in full.
///
/// The signature is bytes gathered in a buffer reused from event to event; `RepeatCache`
/// keeps a copy of those of events read in full. Every part is preceded by its length or is of
/// fixed size, so no two different events gather the same bytes whatever their records hold.
enum RepeatSignature {
    /// Gathers the event's signature into `out` (emptied first, its capacity kept); nil when
    /// the event must be read in full. Returns the process id as `pid(of:)` takes it, read
    /// while gathering (it is one of the words left out).
    static func gather(_ event: Event, root: Int, factsNode: String?, into out: inout [UInt8]) -> Gathered? {
        out.removeAll(keepingCapacity: true)
        appendFixed(UInt64(bitPattern: Int64(root)), to: &out)
        if let factsNode {
            appendFixed(UInt64(factsNode.utf8.count + 1), to: &out)
            out += factsNode.utf8
        } else {
            appendFixed(0, to: &out)
        }
        var syscallPid: Int64?? = nil, avcPid: Int64?? = nil
        var records = 0
        for record in event.records {
            let code: UInt8
            switch record.type {
            case "PROCTITLE", "EOE": continue
            case "AVC": code = 1
            case "SYSCALL": code = 2
            case "MMAP": code = 3
            case "AVC_PATH": code = 4
            default: return nil
            }
            records += 1
            out.append(code)
            let lengthAt = out.count
            appendFixed(0, to: &out)
            let pid = record.withBody { appendSteady($0, to: &out) }
            let length = UInt64(out.count - lengthAt - 8)
            withUnsafeBytes(of: length.littleEndian) { out.replaceSubrange(lengthAt..<(lengthAt + 8), with: $0) }
            if code == 2, syscallPid == nil { syscallPid = .some(pid) }
            if code == 1, avcPid == nil { avcPid = .some(pid) }
        }
        guard records > 0 else { return nil }
        return Gathered(pid: syscallPid ?? avcPid ?? nil)
    }

    struct Gathered {
        /// The SYSCALL's pid, else the first AVC's.
        var pid: Int64?
    }

    private static func appendFixed(_ value: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Appends the body's space-separated words, each followed by a space, but those that
    /// differ between repeats of one denial and decide nothing in a finding. The words between
    /// two such are appended as one run. Returns the value of the first `pid=` word, as
    /// `pidValue(_:)` reads it (nil: none, or not a number).
    private static func appendSteady(_ body: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Int64? {
        guard !body.isEmpty else { return nil }
        var pid: Int64?? = nil
        var run = 0
        var start = 0
        while start < body.count {
            var end = start
            while end < body.count, body[end] != 0x20 { end += 1 }
            let word = UnsafeBufferPointer(rebasing: body[start..<end])
            if let left = leftOut(word) {
                if left == .pid, pid == nil { pid = .some(pidValue(word)) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: body[run..<start]))
                run = min(end + 1, body.count)
            }
            start = end + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: body[run...]))
        // The last word's space, unless the body ends in one (then it was already appended)
        // or the last word was left out.
        if body[body.count - 1] != 0x20, run < body.count { out.append(0x20) }
        return pid ?? nil
    }

    private enum LeftOut { case pid, other }

    /// Whether the word is one of those left out, and which.
    private static func leftOut(_ word: UnsafeBufferPointer<UInt8>) -> LeftOut? {
        func starts(_ text: StaticString) -> Bool {
            word.count >= text.utf8CodeUnitCount && memcmp(word.baseAddress!, text.utf8Start, text.utf8CodeUnitCount) == 0
        }
        switch word.first {
        case UInt8(ascii: "p"): return starts("pid=") ? .pid : starts("ppid=") ? .other : nil
        case UInt8(ascii: "a"): return starts("a0=") ? .other : nil
        case UInt8(ascii: "i"): return starts("ino=") ? .other : nil
        default: return nil
        }
    }

    /// The decimal number after `pid=` up to the first byte that is not a digit; nil when there
    /// is none or it overflows.
    private static func pidValue(_ word: UnsafeBufferPointer<UInt8>) -> Int64? {
        var value: Int64 = 0
        var j = 4
        while j < word.count, word[j] >= 0x30, word[j] <= 0x39 {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(word[j] - 0x30))
            guard !o1, !o2 else { return nil }
            value = sum
            j += 1
        }
        return j > 4 ? value : nil
    }

    /// The process id of an event, as the full reading takes it: the SYSCALL's, else the first AVC's.
    static func pid(of event: Event) -> Int64? {
        guard let record = event.records.first(where: { $0.type == "SYSCALL" }) ?? event.records.first(where: { $0.type == "AVC" }) else { return nil }
        return record.withBody { b -> Int64? in
            var start = 0
            while start < b.count {
                var end = start
                while end < b.count, b[end] != 0x20 { end += 1 }
                let word = UnsafeBufferPointer(rebasing: b[start..<end])
                if leftOut(word) == .pid { return pidValue(word) }
                start = end + 1
            }
            return nil
        }
    }
}
