#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Bytes written one after another into memory it owns, grown as needed: the records made from
/// `ausearch -i` lines. A record is written in thirty or so pieces (words copied as they are,
/// numbers, names); appending each to an Array went through a generic call that checked the
/// array's uniqueness and capacity, and cost more than the bytes. Not copyable: one owner, which
/// hands the memory on (`ConvertedBytes`) or frees it.
struct ByteWriter: ~Copyable {
    private var base: UnsafeMutableRawPointer?
    private(set) var count = 0
    private var capacity = 0

    init() {}

    deinit { base?.deallocate() }

    /// The bytes written so far; valid until the next write.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Makes room for `extra` more bytes, growing geometrically (a prescan's records share one writer).
    mutating func reserve(_ extra: Int) {
        let needed = count + extra   // traps on overflow: no size wraps around
        guard needed > capacity else { return }
        let size = max(needed, 2 * capacity, 256)
        let grown = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        if let base {
            grown.copyMemory(from: base, byteCount: count)
            base.deallocate()
        }
        (base, capacity) = (grown, size)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base! + count).copyMemory(from: from, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        base!.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// `count` bytes written in place by `fill`, which must write all of them.
    mutating func append(count: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) {
        reserve(count)
        fill(UnsafeMutableRawBufferPointer(start: base! + self.count, count: count))
        self.count += count
    }

    /// Forgets the bytes written from `end` on (a line that turned out to be no record).
    mutating func truncate(to end: Int) {
        precondition(end >= 0 && end <= count)
        count = end
    }

    /// The bytes, copied.
    var array: [UInt8] { Array(bytes) }

    /// Hands the memory over, without copying it.
    consuming func take() -> (base: UnsafeMutableRawPointer?, count: Int) {
        let taken = (base, count)
        discard self
        return taken
    }
}

/// The records a prescan made, one after another: one allocation for a region's records, not
/// one each, which the prescan's thread made and the selection's would free (a cross-thread
/// free costs glibc more than the allocation). Read-only once made.
final class ConvertedBytes {
    private let base: UnsafeMutableRawPointer?
    let count: Int

    init(_ writer: consuming ByteWriter) {
        (base, count) = writer.take()
    }

    convenience init(_ bytes: [UInt8]) {
        var writer = ByteWriter()
        bytes.withUnsafeBytes { writer.append($0) }
        self.init(writer)
    }

    deinit { base?.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
