#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Substring search over bytes: memchr to the needle's rarest byte, then memcmp (glibc's memmem
/// is a GNU extension Swift does not import, and its set-up costs more than a short line).
enum ByteSearch {
    /// Where `needle` starts in `bytes` at or after `from`.
    static func find(_ needle: StaticString, in bytes: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        let n = needle.utf8CodeUnitCount
        guard let base = bytes.baseAddress, n > 0, from >= 0 else { return nil }
        let anchor = rarest(needle)
        let byte = Int32(needle.utf8Start[anchor])
        var i = from + anchor
        while i + n - anchor <= bytes.count, let hit = memchr(base + i, byte, bytes.count - (n - anchor) + 1 - i) {
            let at = base.distance(to: UnsafeRawPointer(hit)) - anchor
            if memcmp(base + at, needle.utf8Start, n) == 0 { return at }
            i = at + anchor + 1
        }
        return nil
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
    /// not listed are the rarest.
    private static let rarity: [UInt8] = {
        let common = Array(" =etaoinsrlcdu_mp0123456789\"hgfybwkvxjqz".utf8)
        var table = [UInt8](repeating: UInt8(common.count), count: 256)
        for (i, b) in common.enumerated() { table[Int(b)] = UInt8(i) }
        return table
    }()
}
