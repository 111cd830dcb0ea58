/// A permission an AVC names. Those the tool reasons about are cases: the four exec* ones it
/// explains and `execute` (a code double mapping, or READ_IMPLIES_EXEC); any other is kept as
/// logged, to be shown exactly so.
public enum Permission: Hashable, Sendable, Comparable, CustomStringConvertible {
    case execmem, execstack, execheap, execmod, execute
    case other(String)

    public init(_ name: String) {
        switch name {
        case "execmem": self = .execmem
        case "execstack": self = .execstack
        case "execheap": self = .execheap
        case "execmod": self = .execmod
        case "execute": self = .execute
        default: self = .other(name)
        }
    }

    /// The name as the kernel logs it.
    public var name: String {
        switch self {
        case .execmem: "execmem"
        case .execstack: "execstack"
        case .execheap: "execheap"
        case .execmod: "execmod"
        case .execute: "execute"
        case .other(let name): name
        }
    }

    public var description: String { name }

    /// By name, as permissions were always sorted for display.
    public static func < (a: Permission, b: Permission) -> Bool { a.name < b.name }
}
