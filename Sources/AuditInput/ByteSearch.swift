#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Substring search over bytes: memchr to the needle's first byte, then memcmp (glibc's memmem
/// is a GNU extension Swift does not import).
enum ByteSearch {
    /// Where `needle` starts in `bytes` at or after `from`.
    static func find(_ needle: StaticString, in bytes: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        let n = needle.utf8CodeUnitCount
        guard let base = bytes.baseAddress, n > 0 else { return nil }
        var i = from
        while i + n <= bytes.count, let hit = memchr(base + i, Int32(needle.utf8Start.pointee), bytes.count - n + 1 - i) {
            let at = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + at, needle.utf8Start, n) == 0 { return at }
            i = at + 1
        }
        return nil
    }
}
