#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Events already read, by their repeat signature (`RepeatSignature`), with what reading each
/// did. The signatures' bytes lie end to end in one buffer, without an allocation each; they
/// are found by a 64-bit hash and then compared byte for byte, so two events whose signatures
/// differ never fold together: when two signatures share a hash, the later one is simply read
/// in full each time (`collisions` counts them).
///
/// The table is open-addressed, each slot holding the hash, where the signature lies and the
/// value itself: a repeat of one of thousands of denials then reads one slot and its bytes,
/// two places in memory, where a Dictionary's separate keys and values were a cache miss more
/// (and hashed the hash again).
///
/// Bounded in signatures and in bytes; when either bound is reached the cache is emptied and
/// fills again with what comes next. That costs time, not answers.
struct RepeatCache<Value> {
    let maxEntries: Int
    let maxBytes: Int
    private var bytes: [UInt8] = []
    /// A power of two in size, at most three quarters full; linear probing.
    private var slots: [Slot?] = Array(repeating: nil, count: 64)
    private(set) var count = 0

    private struct Slot {
        var hash: UInt64
        var start: Int32
        var length: Int32
        var value: Value
    }

    /// Times the cache was full and emptied.
    private(set) var resets = 0
    /// Signatures stored in all, those emptied with the cache included.
    private(set) var stored = 0
    /// Signatures not stored because another one had their hash.
    private(set) var collisions = 0

    init(maxEntries: Int, maxBytes: Int) {
        self.maxEntries = maxEntries
        self.maxBytes = min(maxBytes, Int(Int32.max))
    }

    /// What the event with this signature did when it was read, if it was.
    func value(for signature: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Value? {
        guard case .found(let i) = find(hash), let slot = slots[i], matches(slot, signature) else { return nil }
        return slot.value
    }

    mutating func insert(_ value: Value, for signature: UnsafeBufferPointer<UInt8>, hash: UInt64) {
        if case .found(let i) = find(hash) {
            if let slot = slots[i], !matches(slot, signature) { collisions += 1 }
            return
        }
        guard signature.count <= maxBytes else { return }
        if count >= maxEntries || bytes.count + signature.count > maxBytes {
            slots = Array(repeating: nil, count: slots.count)
            count = 0
            bytes.removeAll(keepingCapacity: true)
            resets += 1
        }
        if (count + 1) * 4 > slots.count * 3 { grow() }
        // The buffer is taken at its bound at once: pages never written are never resident,
        // and it is never copied as it grows.
        if bytes.capacity < maxBytes { bytes.reserveCapacity(maxBytes) }
        guard case .empty(let i) = find(hash) else { return }
        slots[i] = Slot(hash: hash, start: Int32(bytes.count), length: Int32(signature.count), value: value)
        count += 1
        bytes.append(contentsOf: signature)
        stored += 1
    }

    /// Lets everything go (the counts stay).
    mutating func removeAll() {
        slots = Array(repeating: nil, count: 64)
        count = 0
        bytes = []
    }

    private enum Probe { case found(Int), empty(Int) }

    /// The slot holding this hash, or the empty slot where it would go.
    private func find(_ hash: UInt64) -> Probe {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while let slot = slots[i] {
            if slot.hash == hash { return .found(i) }
            i = (i + 1) & mask
        }
        return .empty(i)
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: nil, count: old.count * 2)
        for case let slot? in old {
            guard case .empty(let i) = find(slot.hash) else { continue }
            slots[i] = slot
        }
    }

    private func matches(_ slot: Slot, _ signature: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Int(slot.length) == signature.count else { return false }
        guard let base = signature.baseAddress else { return true }
        return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + Int(slot.start), base, signature.count) == 0 }
    }

    /// A 64-bit hash of the bytes, the same in every run: two lanes of multiply and shift over
    /// eight-byte words, then a final mix. Not a defence against chosen collisions (they are
    /// caught by the byte comparison, and only cost a full reading), only fast and well spread.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        let k1: UInt64 = 0x9E37_79B9_7F4A_7C15, k2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        var a = k1 ^ UInt64(raw.count), b = k2
        var i = 0
        while i + 16 <= raw.count {
            a = (a ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k2
            b = (b ^ raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)) &* k1
            a ^= a >> 29
            b ^= b >> 31
            i += 16
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while i < raw.count {
            tail |= UInt64(raw[i]) << shift
            shift += 8
            if shift == 64 {
                a = (a ^ tail) &* k2
                a ^= a >> 29
                tail = 0
                shift = 0
            }
            i += 1
        }
        b = (b ^ tail) &* k1
        var h = a ^ (b &* k2) ^ (b >> 32)
        // MurmurHash3's finalizer: every input bit reaches every output bit.
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
