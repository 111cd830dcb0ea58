/// `/etc/ld.so.cache`, read as a file (ldconfig is never run). Only the "new" format that
/// glibc has written since 2.32 (and alongside the old one before that) is read; an old-format
/// prefix is skipped to reach it.
public struct LdCache: Sendable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var path: String
        public var flags: Int32
        public var hwcap: UInt64
    }

    public var entries: [Entry]

    static let oldMagic = Array("ld.so-1.7.0".utf8)
    static let newMagic = Array("glibc-ld.so.cache1.1".utf8)

    public init(_ bytes: [UInt8]) throws {
        var base = 0
        if bytes.starts(with: Self.oldMagic) {
            // Old header: magic (11) + pad (1) + u32 nlibs, then 12-byte entries; glibc before
            // 2.32 appended the new format after them, which is preferred when present.
            guard bytes.count >= 16 else { throw ELFError("truncated ld.so.cache") }
            let n = Int(Reader(bytes: bytes, bigEndian: false).u32(12))
            guard n < 1 << 20, 16 + n * 12 <= bytes.count else { throw ELFError("implausible ld.so.cache entry count") }
            base = (16 + n * 12 + 7) & ~7   // the new header is aligned for its 64-bit fields
            if !(bytes.count >= base + 48 && Array(bytes[base..<(base + 20)]) == Self.newMagic) {
                entries = Self.oldEntries(bytes, count: n)
                return
            }
        }
        guard bytes.count >= base + 48, Array(bytes[base..<(base + 20)]) == Self.newMagic else {
            throw ELFError("ld.so.cache is not in a format this tool reads")
        }
        let endianFlag = bytes[base + 28] & 3
        let bigEndian = endianFlag == 3
        let r = Reader(bytes: bytes, bigEndian: bigEndian)
        let count = Int(r.u32(base + 20))
        guard count < 1 << 20, base + 48 + count * 24 <= bytes.count else { throw ELFError("ld.so.cache entry table is truncated") }
        func string(_ offset: UInt32) -> String? {
            let start = base + Int(offset)
            guard start < bytes.count, let end = bytes[start...].firstIndex(of: 0) else { return nil }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        entries = []
        entries.reserveCapacity(count)
        for i in 0..<count {
            let o = base + 48 + i * 24
            guard let name = string(r.u32(o + 4)), let path = string(r.u32(o + 8)) else { continue }
            entries.append(Entry(name: name, path: path, flags: Int32(bitPattern: r.u32(o)), hwcap: r.u64(o + 16)))
        }
    }

    /// The old format alone: string offsets count from the end of the entry table.
    static func oldEntries(_ bytes: [UInt8], count: Int) -> [Entry] {
        let r = Reader(bytes: bytes, bigEndian: false)
        let strings = 16 + count * 12
        func string(_ offset: UInt32) -> String? {
            let start = strings + Int(offset)
            guard start < bytes.count, let end = bytes[start...].firstIndex(of: 0) else { return nil }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        return (0..<count).compactMap { i in
            let o = 16 + i * 12
            guard let name = string(r.u32(o + 4)), let path = string(r.u32(o + 8)) else { return nil }
            return Entry(name: name, path: path, flags: Int32(bitPattern: r.u32(o)), hwcap: 0)
        }
    }

    /// Paths the cache lists for a soname, for objects of the given kind, plain entries before
    /// glibc-hwcaps ones (which depend on the CPU the program ran on).
    public func lookup(_ name: String, flags wanted: Int32?) -> [String] {
        let hits = entries.filter { $0.name == name && (wanted == nil || $0.flags == wanted!) }
        return hits.filter { $0.hwcap == 0 }.map(\.path) + hits.filter { $0.hwcap != 0 }.map(\.path)
    }

    /// ldconfig's flag word for an ELF class and machine (`sysdeps/generic/ldconfig.h`); nil if unknown,
    /// in which case entries are matched by name alone and checked by reading the file.
    public static func flags(machine: UInt16, elf64: Bool) -> Int32? {
        let libc6: Int32 = 3
        switch (machine, elf64) {
        case (62, true): return 0x0300 | libc6      // x86-64
        case (183, true): return 0x0a00 | libc6     // aarch64
        case (21, true): return 0x0500 | libc6      // ppc64
        case (22, true): return 0x0400 | libc6      // s390x
        default: return nil   // 32-bit ABIs use several flag words (i386: 1 or 3, armhf: 0x903)
        }
    }
}
