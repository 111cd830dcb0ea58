#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A permission an AVC names. Those the tool reasons about are cases: the four exec* ones it
/// explains and `execute` (a code double mapping, or READ_IMPLIES_EXEC); any other is kept as
/// logged, to be shown exactly so.
public enum Permission: Hashable, Sendable, Comparable, CustomStringConvertible {
    case execmem, execstack, execheap, execmod, execute
    case other(String)

    public init(_ name: String) {
        var name = name
        self = name.withUTF8(Permission.init(bytes:))
    }

    /// From the name's bytes as logged: a String is made only for a permission with no case.
    public init(bytes name: UnsafeBufferPointer<UInt8>) {
        func named(_ text: StaticString) -> Bool {
            name.count == text.utf8CodeUnitCount && memcmp(name.baseAddress!, text.utf8Start, name.count) == 0
        }
        if named("execmem") { self = .execmem }
        else if named("execstack") { self = .execstack }
        else if named("execheap") { self = .execheap }
        else if named("execmod") { self = .execmod }
        else if named("execute") { self = .execute }
        else { self = .other(String(decoding: name, as: UTF8.self)) }
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
