#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CAudit

/// The lookups `ausearch -i` text needs, remembered: a log's records share a few dates,
/// architectures, syscalls and errnos, while a conversion costs more than the rest of the line
/// (mktime reads the zone file on every call; libaudit's tables want C strings).
struct InterpretedLookups {
    private var date: (text: [UInt8], seconds: Int)?
    private var names = RecentNames()
    /// The last stamp read, and what it became: an event's records (four or so, one after
    /// another) share it. Refilled in place, keeping its storage.
    private var stamp: (text: [UInt8], written: [UInt8], read: Stamp?) = ([], [], nil)

    /// `InterpretedForm.appendStamp`, for the last stamp read again a copy of what it wrote.
    mutating func appendStamp(_ text: UnsafeRawBufferPointer, to out: inout ByteWriter) -> Stamp? {
        if Self.same(stamp.text, text) {
            if stamp.read != nil { stamp.written.withUnsafeBytes { out.append($0) } }
            return stamp.read
        }
        stamp.text.removeAll(keepingCapacity: true)
        stamp.text += text
        let start = out.count
        stamp.read = InterpretedForm.appendStamp(text, lookups: &self, to: &out)
        stamp.written.removeAll(keepingCapacity: true)
        stamp.written += UnsafeRawBufferPointer(rebasing: out.bytes[start...])
        return stamp.read
    }

    mutating func seconds(_ dateTime: UnsafeRawBufferPointer) -> Int {
        if let date, Self.same(date.text, dateTime) { return date.seconds }
        let seconds = InterpretedForm.seconds(Substring(String(decoding: dateTime, as: UTF8.self)))
        date = (Array(dateTime), seconds)
        return seconds
    }

    /// Byte equality without the generic element-by-element walk of `elementsEqual`.
    static func same(_ held: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        held.count == bytes.count && held.withUnsafeBytes { h in h.count == 0 || memcmp(h.baseAddress!, bytes.baseAddress!, h.count) == 0 }
    }

    /// libaudit's machine for an `arch=` name, -1 if it has none.
    mutating func machine(_ name: UnsafeRawBufferPointer) -> Int32 { names.value(name, kind: -1) { audit_name_to_machine($0) } }
    /// The syscall number for a name on `machine`, -1 if it has none.
    mutating func syscall(_ name: UnsafeRawBufferPointer, machine: Int32) -> Int32 { names.value(name, kind: machine) { audit_name_to_syscall($0, machine) } }
    /// The errno for a name (`EACCES`), 0 if it has none.
    mutating func errno(_ name: UnsafeRawBufferPointer) -> Int32 { names.value(name, kind: -2) { audit_name_to_errno($0) } }
}

/// The last few names looked up, by kind (a machine for syscalls, negative for the other
/// tables), with their values. Bounded, as the names are untrusted text.
struct RecentNames {
    private var entries: [(name: [UInt8], kind: Int32, value: Int32)] = []
    private var next = 0
    static let capacity = 32

    mutating func value(_ name: UnsafeRawBufferPointer, kind: Int32, lookup: (UnsafePointer<CChar>) -> Int32) -> Int32 {
        for entry in entries where entry.kind == kind && InterpretedLookups.same(entry.name, name) { return entry.value }
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: name.count + 1) { c in
            for (i, b) in name.enumerated() { c[i] = CChar(bitPattern: b) }
            c[name.count] = 0
            return lookup(c.baseAddress!)
        }
        if entries.count < Self.capacity {
            entries.append((Array(name), kind, value))
        } else {
            entries[next] = (Array(name), kind, value)
            next = (next + 1) % Self.capacity
        }
        return value
    }
}
