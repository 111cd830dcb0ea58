import AuditEvents
/// The stable words for how memory came to be executable (see README, "Mechanisms").
/// Scripts rely on the raw values: add cases, never rename one.
public enum Mechanism: String, Sendable, CaseIterable, Codable {
    case loaderExecStack = "loader-exec-stack"
    case threadStackExec = "thread-stack-exec"
    case jitRWXMapping = "jit-rwx-mapping"
    case jitWXFlip = "jit-wx-flip"
    case heapExec = "heap-exec"
    case textRelocation = "text-relocation"
    case rwxSegment = "rwx-segment"
    case readImpliesExec = "read-implies-exec"
    case memfdDoubleMap = "memfd-double-map"
    case codePatching = "code-patching"
    case unknown = "unknown"

    /// The order selinux_file_mprotect checks them in.
    static let checkOrder: [Permission] = [.execheap, .execstack, .execmod, .execmem]
    /// The order an exec* finding lists its permissions in: `execute` (a code double mapping,
    /// READ_IMPLIES_EXEC) after the four.
    static let findingOrder: [Permission] = checkOrder + [.execute]

    /// Whether the permission is one of the four this tool explains (a switch, not a set:
    /// every event read in full asks this of each of its permissions).
    static func isExecPermission(_ p: Permission) -> Bool {
        switch p {
        case .execmem, .execstack, .execheap, .execmod: true
        case .execute, .other: false
        }
    }

    public var summary: String {
        switch self {
        case .loaderExecStack: return "the loader made the stack executable for a library"
        case .threadStackExec: return "thread stacks made executable"
        case .jitRWXMapping: return "read-write-execute memory for generated code"
        case .jitWXFlip: return "generated code made executable after writing"
        case .heapExec: return "heap memory made executable"
        case .textRelocation: return "a library with text relocations patched its code"
        case .rwxSegment: return "a read-write-execute segment was mapped"
        case .readImpliesExec: return "READ_IMPLIES_EXEC made ordinary memory executable"
        case .memfdDoubleMap: return "executable double mapping of a memfd or temporary file"
        case .codePatching: return "code was patched in memory by something other than the loader"
        case .unknown: return "not enough evidence to say"
        }
    }
}
