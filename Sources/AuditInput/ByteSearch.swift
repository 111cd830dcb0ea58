#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Substring search over bytes: memchr to the needle's rarest byte, then a byte compare that
/// mostly stops at the first byte (glibc's memmem is a GNU extension Swift does not import, and
/// its set-up costs more than a short line; a memcmp call per false hit cost more than the hit).
enum ByteSearch {
    /// A needle with the byte memchr looks for chosen once: held in a `static let` where a
    /// search runs on every line, as choosing it costs about as much as a short search.
    /// (Sendable: the bytes are a StaticString's, in the binary, never written.)
    struct Needle: @unchecked Sendable {
        /// The text's bytes, read through a plain pointer (each use of a StaticString checks
        /// which form it is in, once per byte compared).
        let bytes: UnsafePointer<UInt8>
        let count: Int
        let anchor: Int
        init(_ text: StaticString) { (bytes, count, anchor) = (text.utf8Start, text.utf8CodeUnitCount, ByteSearch.rarest(text)) }
    }

    /// Where `byte` first is in `bytes[from..<to]`.
    static func index(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard let base = bytes.baseAddress, from >= 0, from < to, to <= bytes.count,
              let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// Where `needle` starts in `bytes` at or after `from`.
    static func find(_ needle: StaticString, in bytes: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        find(Needle(needle), in: bytes, from: from)
    }

    static func find(_ needle: Needle, in bytes: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        let (n, anchor, text) = (needle.count, needle.anchor, needle.bytes)
        guard let base = bytes.baseAddress, n > 0, from >= 0 else { return nil }
        let byte = Int32(text[anchor])
        var i = from + anchor
        while i + n - anchor <= bytes.count, let hit = memchr(base + i, byte, bytes.count - (n - anchor) + 1 - i) {
            let at = base.distance(to: UnsafeRawPointer(hit)) - anchor
            var k = 0
            while k < n, base.load(fromByteOffset: at + k, as: UInt8.self) == text[k] { k += 1 }
            if k == n { return at }
            i = at + anchor + 1
        }
        return nil
    }

    /// Whether `needle` is in `bytes`, looked for from the end, a byte at a time: for the fields
    /// that end a record (`tclass=`, ` key=`), found within its last few dozen bytes.
    static func endsNear(_ needle: Needle, in bytes: UnsafeRawBufferPointer) -> Bool {
        let (n, anchor, text) = (needle.count, needle.anchor, needle.bytes)
        guard let base = bytes.baseAddress, n > 0 else { return false }
        let byte = text[anchor]
        var at = bytes.count - n
        while at >= 0 {
            if base.load(fromByteOffset: at + anchor, as: UInt8.self) == byte, memcmp(base + at, text, n) == 0 { return true }
            at -= 1
        }
        return false
    }

    /// The needle's byte least common in audit text (a space, `=` or a frequent letter would
    /// stop memchr every few bytes of a line).
    private static func rarest(_ needle: StaticString) -> Int {
        var best = 0
        var bestRank = -1
        for i in 0..<needle.utf8CodeUnitCount {
            let rank = Int(rarity[Int(needle.utf8Start[i])])
            if rank > bestRank { (best, bestRank) = (i, rank) }
        }
        return best
    }

    /// How rare each byte is in audit records, from the most common (a space, 0) up: bytes
    /// not listed are the rarest. (`:` is common: a security context has three or four.)
    private static let rarity: [UInt8] = {
        let common = Array(" =etaoinsrlcdu_:mp0123456789\"hgfybwkvxjqz".utf8)
        var table = [UInt8](repeating: UInt8(common.count), count: 256)
        for (i, b) in common.enumerated() { table[Int(b)] = UInt8(i) }
        return table
    }()
}

/// The searches run on every line of a log in another form.
extension ByteSearch.Needle {
    static let cannot = Self("cannot")
    static let type = Self("type=")
    static let msgAudit = Self(" msg=audit(")
    static let stampClose = Self(") : ")
    static let avc = Self(" avc:")
    static let tclass = Self("tclass=")
    static let key = Self(" key=")
    // glibc's loader errors (see `LoaderMessage`).
    static let loaderExecStack = Self(": cannot enable executable stack as shared object requires: ")
    static let loaderTextRelocation = Self(": cannot restore segment prot after reloc: ")
    static let loaderStartup = Self(": error while loading shared libraries: ")
}
