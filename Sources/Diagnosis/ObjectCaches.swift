import ELFLoader

/// What a run learnt of each ELF object under one root, by the object's identity (its resolved
/// path and what `stat` says), shared by every program that loads it: the parsed headers and
/// where each library name was found (`ELFCache`), the code generators its dynamic symbols
/// betray (and those of a closure's part shared between programs, `LoadClosure.shared`), and
/// the assembly units its debug info lists. So libc's symbols are read once per
/// run, not once per program, and a file changed since it was read is read again. Each part is
/// bounded; an entry dropped costs reading the file again, never a different answer.
struct ObjectCaches {
    var parsed = ELFCache()
    private var symbolClues = BoundedCache<FileIdentity, [(component: JITComponent, clue: String)]>(capacity: 4_096)
    private var assemblerScans = BoundedCache<FileIdentity, AssemblerScan>(capacity: 4_096)
    private var nameClues = BoundedCache<NamedLibrary, NameClue>(capacity: 4_096)
    private var sharedClues = BoundedCache<LoadClosure.SharedPart, [JITMatch]>(capacity: 1_024)

    /// A library as a closure loaded it: its file and the names it was loaded under, which are
    /// all `JITFingerprints.byName` reads (with the soname, the file's own).
    private struct NamedLibrary: Hashable {
        var file: FileIdentity
        var path: String
        var neededName: String
    }

    private struct NameClue {
        var match: (component: JITComponent, clue: String)?
    }

    /// The code generator a library's names betray, if any: asked of libc for every program
    /// that loads it, so kept. An executable's (its own program's alone) is not.
    mutating func nameClue(of object: LoadedObject) -> (component: JITComponent, clue: String)? {
        guard object.parent != nil else { return JITFingerprints.byName(object) }
        let key = NamedLibrary(file: object.file, path: object.path, neededName: object.neededName)
        if let known = nameClues[key] { return known.match }
        let match = JITFingerprints.byName(object)
        nameClues[key] = NameClue(match: match)
        return match
    }

    /// The code generators an object's dynamic symbols name (an unreadable table names none).
    mutating func symbolClues(of object: LoadedObject, root: FileSystemRoot) -> [(component: JITComponent, clue: String)] {
        if let known = symbolClues[object.file] { return known }
        // The path is the identity's, resolved when the closure was walked: not looked up again.
        let symbols = (try? root.open(resolved: object.realPath)).flatMap { try? object.elf.dynamicSymbols($0, keeping: JITFingerprints.mayBeTelling) } ?? []
        let clues = JITFingerprints.bySymbols(symbols)
        symbolClues[object.file] = clues
        return clues
    }

    /// The code generators found in the part of a closure shared with other programs' (by name
    /// or symbol, as above): the same for every closure with that part, so found once.
    mutating func clues(ofShared part: LoadClosure.SharedPart) -> [JITMatch]? { sharedClues[part] }
    mutating func remember(_ clues: [JITMatch], ofShared part: LoadClosure.SharedPart) { sharedClues[part] = clues }

    /// The assembly units of a file's debug info (or of the debug file its build ID names).
    /// `object`: the file as a closure just loaded it, whose identity and headers need no
    /// lookup or parse again (an executable is not in the cache of lookups).
    mutating func assemblerScan(ofFile path: String, loader: LoaderSearch, object: LoadedObject? = nil) -> AssemblerScan {
        guard let file = object?.file ?? loader.regularFile(path, &parsed) else { return loader.assemblerUnits(ofFile: path) }
        if let known = assemblerScans[file] { return known }
        let scan = loader.assemblerUnits(ofFile: path, resolvedTo: file.path, elf: object?.elf)
        assemblerScans[file] = scan
        return scan
    }
}
