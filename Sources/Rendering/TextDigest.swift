/// A 64-bit digest of texts' UTF-8 bytes, to key a dictionary by long texts. Hashing a String
/// runs it through Unicode normalisation and SipHash byte by byte: for the paragraphs a long
/// report looks up (a kilobyte or two a finding) that cost more than rendering them. Here the
/// bytes are folded in eight at a time, where they lie, and only the digest goes through
/// `Hasher` (`DigestKey`).
struct TextDigest {
    /// Seeded per process, as `Hasher` is, so that a log cannot be made to collide on purpose.
    private static let seed = UInt64(truncatingIfNeeded: Hasher().finalize())

    private(set) var value = seed

    /// `text` added, after its length: no two lists of texts add the same bytes.
    mutating func add(_ text: String) {
        var text = text
        value = Self.mix(value ^ UInt64(text.utf8.count))
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    private mutating func add(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        var i = 0
        // Two words a turn of the loop (the same digest as one a turn, with half the turns):
        // a long report digests a kilobyte or two for every finding.
        while i + 16 <= count {
            value = Self.mix(value ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            value = Self.mix(value ^ bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
            i += 16
        }
        if i + 8 <= count {
            value = Self.mix(value ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        guard i < count else { return }
        // The last bytes: in a text of eight or more, the eight that end it (overlapping some
        // already added, which is as good a digest of the same text), rather than byte by byte.
        var last: UInt64 = 0
        if count >= 8 {
            last = bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else {
            for shift in 0..<count { last |= UInt64(bytes[shift]) << (8 * shift) }
        }
        value = Self.mix(value ^ last)
    }

    /// A word multiplied into the state in full width, the halves folded: every bit of the
    /// word reaches every bit of the state.
    private static func mix(_ x: UInt64) -> UInt64 {
        let product = x.multipliedFullWidth(by: 0x9e37_79b9_7f4a_7c15)
        return product.high ^ product.low
    }
}

/// `value` as a dictionary key hashed by the digest of the texts it is made of. Two keys are
/// the same when their digests and their values are: digests that collide cost a comparison of
/// the values, not a wrong answer, and values canonically equivalent in other bytes (which
/// `==` on String would take as equal) are told apart by their digests.
struct DigestKey<Value: Equatable>: Hashable {
    let value: Value
    let digest: UInt64

    func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    static func == (a: DigestKey, b: DigestKey) -> Bool { a.digest == b.digest && a.value == b.value }
}
