import AuditEvents
import ELFLoader

/// The ELF side of a diagnosis: a program's closure, analysed once per root and kept while the
/// cache holds it; the file an execmod denial names; stack requests traced to their sources;
/// and, when the program is not at hand, what its records and the host still tell.
extension Diagnoser {
    /// The file an execmod denial names: in the closure, or read by itself under the root.
    func targetFacts(_ path: String, closure facts: ProgramFacts?, loader: LoaderSearch) -> DeniedFile {
        let elf: ELFFile?
        if let object = facts?.closure.objects.first(where: { $0.path == path || $0.realPath == path }) {
            elf = object.elf
        } else {
            elf = loader.root.resolve(path).flatMap { try? loader.readELF($0) }
        }
        let core = Platform.isCLibraryOrLoader(path)
        let textrel = elf.map { $0.dynamic?.textRelocations ?? false }
        let kind = elf.map { ObjectKind(path: path, elf: $0) }
        let detail: String
        switch (core, textrel) {
        case (true, _): detail = "is the C library or the dynamic loader: nothing relocates its code at load time"
        case (false, false?): detail = "has no text relocations (no DT_TEXTREL), so the loader had no reason to write into its code"
        case (false, true?): detail = "has text relocations (DT_TEXTREL): the loader must write into its code to relocate it"
        case (false, nil): detail = "is the file the execmod denial names"
        }
        return DeniedFile(kind: kind, hasTextRelocations: textrel, isCLibraryOrLoader: core, detail: detail)
    }

    mutating func program(_ exe: String, root: Int = 0) -> Result<ProgramFacts, ELFError> {
        let key = RootedPath(root: root, path: exe)
        if let known = programs[key], !filesChangeWhileRunning || stillCurrent(known, exe: exe, root: root) { return .success(known) }
        // In a live session a program not read is looked for again: it may have been installed since.
        if !filesChangeWhileRunning, let error = unreadPrograms[key] { return .failure(error) }
        if filesChangeWhileRunning { objects[root].parsed.filesMayHaveChanged() }
        let result = ProgramFacts.analyse(executable: exe, loader: roots[root], caches: &objects[root])
        switch result {
        case .success(let facts):
            if let cut = facts.closure.cut, !closureCuts.contains(where: { $0.subject == exe }) {
                closureCuts.append(.loadClosure(cut, closure: facts.closure, executable: exe))
            }
            if programs.count >= Self.maxPrograms { programs.removeAll(keepingCapacity: true) }
            programs[key] = facts
        case .failure(let error):
            if unreadPrograms.count >= Self.maxUnreadPrograms { unreadPrograms.removeAll(keepingCapacity: true) }
            unreadPrograms[key] = error
        }
        return result
    }

    /// In a live session, whether an earlier analysis still describes the program's files: the
    /// executable and every object of its closure still the same files (a package update
    /// replaces them between two denials). A stat each, for a new denial only: repeats are
    /// folded before the program is asked for.
    private func stillCurrent(_ facts: ProgramFacts, exe: String, root: Int) -> Bool {
        let files = roots[root].root
        return files.regularFileIdentity(exe) == facts.executable.file
            && facts.closure.objects.dropFirst().allSatisfy { files.identity(ofResolved: $0.file.path) == $0.file }
    }

    /// Names, from debug info, the assembly sources that most likely lack .note.GNU-stack.
    /// `closure`: the program's, where the culprit's file was just found.
    mutating func traceStackRequest(_ culprit: Culprit, root: Int = 0, closure: LoadClosure? = nil) -> Culprit {
        guard culprit.reason == .gnuStackExecutable || culprit.reason == .gnuStackMissing else { return culprit }
        let object = closure?.objects.first { $0.realPath == culprit.path }
        let scan = objects[root].assemblerScan(ofFile: culprit.path, loader: roots[root], object: object)
        var c = culprit
        let howToFind = "rebuild with binutils 2.39 or later, whose ld warns \"missing .note.GNU-stack section implies executable stack\" naming each object, or run scanelf -qeR on the build tree and static archives (objects without the note show as !WX)"
        switch scan {
        case .units(let units, let file) where !units.isEmpty:
            c.assemblerUnits = units
            let names = units.map { u in [u.name, u.producer.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ") }
            c.origin = "debug info (\(file)) lists \(units.count) compile unit\(units.count == 1 ? "" : "s") written in assembly, the likely source\(units.count == 1 ? "" : "s") without .note.GNU-stack: " + names.joined(separator: ", ")
        case .units(_, let file):
            c.assemblerUnits = []
            c.origin = "debug info (\(file)) has no assembly units: look for objects built without debug info or for GNU C nested functions; \(howToFind)"
        case .noDebugInfo:
            c.origin = "no debug info to say which object lacks .note.GNU-stack: \(howToFind)"
        case .unreadable(let why):
            c.origin = "debug info unreadable (\(why)): \(howToFind)"
        }
        return c
    }

    /// The syscall ABI's word size, as far as the record's arch says it.
    static func bits(_ syscall: Syscall) -> Int? {
        switch syscall.machine {
        case "x86_64", "aarch64", "ppc64", "ppc64le", "s390x", "riscv64", "loongarch64": return 64
        case "i386", "arm", "ppc", "s390": return 32
        default: return nil
        }
    }

    /// Commands to run where the program lives; none of them executes the program
    /// (lddtree and scanelf come with pax-utils and only read files). With the host's
    /// packaging known, which package owns the program.
    ///
    /// They are the same for every program but for its path: each is rendered once around a
    /// stand-in path, and the program's path, quoted as `ShellCommand` quotes it, is put in its
    /// place (a log read away from its host names thousands of programs, each needing these).
    static func commandsForOtherHost(_ exe: String, host: HostFacts = HostFacts()) -> [String] {
        guard let word = ShellCommand.pathWord(exe) else {
            return commandsForOtherHost(path: exe, packaging: host.packaging).map(\.rendered)
        }
        let pieces: [[Substring]] = switch host.packaging {
        case .rpm?: Self.rpmHostCommands
        case .dpkg?: Self.dpkgHostCommands
        case nil: Self.otherHostCommands
        }
        return pieces.map { $0.joined(separator: word) }
    }

    private static func commandsForOtherHost(path: String, packaging: HostFacts.Packaging?) -> [ShellCommand] {
        let owner: [ShellCommand] = switch packaging {
        case .rpm?: [ShellCommand(["rpm", "-qf", .path(path)])]
        case .dpkg?: [ShellCommand(["dpkg", "-S", .path(path)])]
        case nil: []
        }
        return [
            ShellCommand(["readelf", "-lW", .path(path)]).piped(into: ShellCommand(["grep", "GNU_STACK"])),
            ShellCommand(["readelf", "-dW", .path(path)]).piped(into: ShellCommand(["grep", "-E", "NEEDED|RPATH|RUNPATH|TEXTREL"])),
            ShellCommand(["lddtree", .path(path)]),
            ShellCommand(["scanelf", "-qeR", .output(ShellCommand(["lddtree", "-l", .path(path)]))]),
        ] + owner
    }

    /// A path printed bare, found in no other word of the commands: what each line is cut at.
    private static let standIn = "/avc-explain-program-path"
    private static func pieces(_ packaging: HostFacts.Packaging?) -> [[Substring]] {
        commandsForOtherHost(path: standIn, packaging: packaging).map { $0.rendered.split(separator: standIn, omittingEmptySubsequences: false) }
    }
    private static let otherHostCommands = pieces(nil)
    private static let rpmHostCommands = pieces(.rpm)
    private static let dpkgHostCommands = pieces(.dpkg)
}
