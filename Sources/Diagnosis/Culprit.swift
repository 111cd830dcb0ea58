import ELFLoader


/// An object named as the cause, with the DT_NEEDED chain from the executable to it.
public struct Culprit: Sendable, Equatable {
    public enum Reason: String, Sendable {
        case gnuStackExecutable = "gnu-stack-rwe"
        case gnuStackMissing = "gnu-stack-missing"
        case textRelocations = "textrel"
        case rwxSegment = "rwx-load-segment"
        case jitLibrary = "jit-library"
        case deniedFile = "denied-file"
    }

    public var path: String
    public var reason: Reason
    /// One sentence on what the ELF file says.
    public var detail: String
    /// Paths from the executable down to this object; one element when it is the executable.
    public var chain: [String]
    /// How ld.so finds each link of the chain (parallel to `chain`).
    public var foundVia: [String]
    /// The code generator, for `jit-library`.
    public var jit: JITComponent?
    /// For a stack request: the compile units written in assembly, when debug info was readable.
    public var assemblerUnits: [CompileUnit]? = nil
    /// For a stack request: where the request came from, or how to find out.
    public var origin: String? = nil
    /// What the file is, when it was read; otherwise `objectKind` infers it from the chain.
    public var kind: ObjectKind? = nil

    /// The executable is the chain's only link; everything the closure adds is a library.
    public var objectKind: ObjectKind? {
        if let kind { return kind }
        if foundVia == ["executable"] { return .executable }
        return reason == .deniedFile ? nil : .library
    }
}

/// What a named file is, so advice says "rebuild the executable", not "the library".
public enum ObjectKind: String, Sendable {
    case executable, library
    case dataFile = "data file"

    /// Shared objects by name first: glibc's libc.so.6 has a PT_INTERP too.
    init(path: String, elf: ELFFile?) {
        let name = path.lastPathComponent
        guard let elf else { self = .dataFile; return }
        if name.contains(".so") || name == "linker" || name == "linker64" {
            self = .library
        } else {
            self = elf.type == 2 || elf.interpreter != nil ? .executable : .library
        }
    }
}

/// What the file an execmod denial names turned out to be.
struct DeniedFile: Sendable, Equatable {
    var kind: ObjectKind?
    /// nil when the file could not be read.
    var hasTextRelocations: Bool?
    var isCLibraryOrLoader: Bool
    var detail: String

    /// Written to in memory although nothing relocates its code: someone patched it.
    var wasPatched: Bool { isCLibraryOrLoader || hasTextRelocations == false }
}

extension Culprit {
    /// The object as the cause of a stack request, nil if it asks for none. Every place that
    /// names such an object (the closure, /proc, the loader's message) words it the same way.
    static func stackRequest(path: String, elf: ELFFile, chain: [String], foundVia: [String]) -> Culprit? {
        switch StackRequest(elf) {
        case .notExecutable:
            return nil
        case .missing:
            return Culprit(path: path, reason: .gnuStackMissing,
                           detail: "has no PT_GNU_STACK header, and glibc's default on \(Machine(of: elf).name) is an executable stack",
                           chain: chain, foundVia: foundVia, jit: nil)
        case .executable:
            return Culprit(path: path, reason: .gnuStackExecutable,
                           detail: "has PT_GNU_STACK with flags \(CulpritFinder.flagText(elf.gnuStackFlags ?? 0)): it asks for an executable stack",
                           chain: chain, foundVia: foundVia, jit: nil)
        }
    }
}

/// Picks, from a program's closure, the objects a mechanism implicates.
enum CulpritFinder {
    static func culprits(for mechanism: Mechanism, facts: ProgramFacts, deniedFile: String?) -> [Culprit] {
        switch mechanism {
        case .loaderExecStack:
            return facts.execStackLibraries.map { stackCulprit(facts, $0) }
        case .threadStackExec:
            var indices = facts.executableStack.asksForExecutableStack ? [0] : []
            indices += facts.execStackLibraries
            return indices.map { stackCulprit(facts, $0) }
        case .textRelocation:
            let objects = facts.textRelocationObjects
            if let deniedFile {
                let matching = objects.filter { facts.closure.objects[$0].path == deniedFile || facts.closure.objects[$0].realPath == deniedFile }
                if !matching.isEmpty { return matching.map { textrelCulprit(facts, $0) } }
            }
            return objects.map { textrelCulprit(facts, $0) }
        case .rwxSegment:
            return facts.rwxSegmentObjects.map { i in
                let segs = facts.closure.objects[i].elf.writableExecutableSegments.count
                return make(facts, i, .rwxSegment, "has \(segs) PT_LOAD segment\(segs == 1 ? "" : "s") with read, write and execute permission")
            }
        case .jitRWXMapping, .jitWXFlip, .heapExec, .memfdDoubleMap:
            return facts.jitComponents.map { j in
                var c = make(facts, j.index, .jitLibrary, "\(j.component.name) generates machine code at run time (\(j.clue))")
                c.jit = j.component
                return c
            }
        case .readImpliesExec:
            // The kernel reads the executable's PT_GNU_STACK, never a library's.
            return facts.executableStack.asksForExecutableStack ? [stackCulprit(facts, 0)] : []
        case .codePatching, .unknown:
            return []
        }
    }

    /// Called only for objects that ask for an executable stack.
    private static func stackCulprit(_ facts: ProgramFacts, _ i: Int) -> Culprit {
        let object = facts.closure.objects[i]
        let chain = facts.closure.chain(to: i)
        return Culprit.stackRequest(path: object.realPath, elf: object.elf, chain: chain.map(\.realPath), foundVia: chain.map(\.foundVia))!
    }

    static func textrelCulprit(_ facts: ProgramFacts, _ i: Int) -> Culprit {
        make(facts, i, .textRelocations, "has text relocations (DT_TEXTREL): the loader must write into its code to relocate it")
    }

    private static func make(_ facts: ProgramFacts, _ i: Int, _ reason: Culprit.Reason, _ detail: String) -> Culprit {
        let chain = facts.closure.chain(to: i)
        // Real paths: the file to rebuild or patch, without the `bin/../lib` a RUNPATH leaves.
        return Culprit(path: facts.closure.objects[i].realPath, reason: reason, detail: detail,
                       chain: chain.map(\.realPath), foundVia: chain.map(\.foundVia))
    }

    static func flagText(_ flags: UInt32) -> String {
        (flags & 4 != 0 ? "R" : "") + (flags & 2 != 0 ? "W" : "") + (flags & 1 != 0 ? "E" : "")
    }
}
