#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Node names as small numbers (0: no node), so that an event key is a few integers. A log
/// rarely changes node from one record to the next: the last node is compared before the
/// table is asked. The table is bounded: past `limit` names, `keep` renumbers only the names
/// still in use, so a log naming a new node on every line cannot grow it without end.
struct NodeNumbers {
    private var numbers: [[UInt8]: Int32] = [:]
    private var names: [[UInt8]] = []
    private var last: (name: [UInt8], number: Int32)?

    static let limit = 16_384

    var isFull: Bool { names.count > Self.limit }

    mutating func number(_ node: UnsafeRawBufferPointer?) -> Int32 {
        guard let node, let base = node.baseAddress else { return 0 }
        if let last, last.name.count == node.count, last.name.withUnsafeBytes({ memcmp($0.baseAddress!, base, node.count) }) == 0 {
            return last.number
        }
        let name = Array(node)
        let number = numbers[name] ?? add(name)
        last = (name, number)
        return number
    }

    private mutating func add(_ name: [UInt8]) -> Int32 {
        names.append(name)
        let number = Int32(names.count)
        numbers[name] = number
        return number
    }

    /// Forgets every name but those of `used` (numbers given out before), renumbered; returns
    /// the new number of each old one, for the keys that hold them.
    mutating func keep(_ used: some Sequence<Int32>) -> [Int32: Int32] {
        let old = names
        numbers.removeAll(keepingCapacity: true)
        names.removeAll(keepingCapacity: true)
        last = nil
        var renumbered: [Int32: Int32] = [0: 0]
        for number in used where renumbered[number] == nil {
            renumbered[number] = add(old[Int(number) - 1])
        }
        return renumbered
    }
}
