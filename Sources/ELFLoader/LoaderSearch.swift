/// An emulation of glibc's `_dl_map_object` search (elf/dl-load.c), over files only:
/// DT_RPATH of the requester and its loaders (unless the requester has DT_RUNPATH), then
/// LD_LIBRARY_PATH when known, DT_RUNPATH of the requester, /etc/ld.so.cache, and the default
/// directories (both skipped for DF_1_NODEFLIB). Candidates of the wrong class or machine are
/// passed over, as ld.so does. Nothing is ever executed.
public struct LoaderSearch: Sendable {
    public let root: FileSystemRoot
    public let libraryPath: [String]
    private let cache: LdCache?
    /// Why /etc/ld.so.cache could not be used, if it could not.
    public let cacheProblem: String?
    /// /etc/ld.so.conf and its includes, read only when there is no cache.
    private let configuredDirectories: [String]
    /// Limits reached while reading ld.so.conf and its includes, for the caller to tell the user.
    public let configurationWarnings: [String]

    /// A real closure has a few hundred objects at most; the bound stops a hostile tree, and
    /// reaching it is reported (`LoadClosure.cut`), never taken for a complete closure.
    public static let maxObjects = 2048

    public init(root: FileSystemRoot = .system, libraryPath: [String] = []) {
        self.root = root
        self.libraryPath = libraryPath
        if let bytes = root.contents("/etc/ld.so.cache") {
            do {
                cache = try LdCache(bytes)
                cacheProblem = nil
            } catch {
                cache = nil
                cacheProblem = "\(error)"
            }
        } else {
            cache = nil
            cacheProblem = "no /etc/ld.so.cache"
        }
        let conf = cache == nil ? LdConf.read(root: root) : LdConf()
        configuredDirectories = conf.directories
        configurationWarnings = conf.limitsReached
    }

    /// Opens and parses one ELF file inside the root.
    public func readELF(_ path: String) throws -> ELFFile {
        try ELFFile(root.open(path))
    }

    enum SearchResult {
        case found(path: String, file: FileIdentity, elf: ELFFile, via: String)
        case missing(String)
    }

    func parse(_ file: FileIdentity, _ parsed: inout ELFCache) throws -> ELFFile {
        try parsed.parse(file) { try ELFFile(root.open(resolved: file.path)) }
    }

    /// The regular file a path inside the root resolves to, looked up once until the cache is
    /// told files may have changed (`ELFCache.filesMayHaveChanged`).
    public func regularFile(_ path: String, _ parsed: inout ELFCache) -> FileIdentity? {
        if let known = parsed.lookup(path) { return known.file }
        let file = root.regularFileIdentity(path, directories: &parsed.directories)
        parsed.remember(ELFCache.Lookup(file: file), for: path)
        return file
    }

    /// The search, or its answer from an earlier program when no DT_RPATH or $ORIGIN made it
    /// the requester's own and the file found then is still the same file. A run over a log
    /// is one snapshot; once files may have changed (a live session, before a new program)
    /// the search is made again.
    func find(_ name: String, requester: Int, objects: [LoadedObject], machine: Machine, parsed: inout ELFCache) -> SearchResult {
        guard !Self.isPath(name), searchIsShared(requester: requester, objects: objects) else {
            return search(name, requester: requester, objects: objects, machine: machine, parsed: &parsed)
        }
        let dyn = objects[requester].elf.dynamic
        let query = ELFCache.LibraryQuery(name: name, machine: machine, noDefaultLibraries: dyn?.noDefaultLibraries ?? false,
                                          runpath: dyn?.runpath)
        if let known = parsed.resolution(of: query) {
            if regularFile(known.file.path, &parsed) == known.file, let elf = try? parse(known.file, &parsed) {
                return .found(path: known.path, file: known.file, elf: elf, via: known.via)
            }
            parsed.forget(query)
        }
        let result = search(name, requester: requester, objects: objects, machine: machine, parsed: &parsed)
        if case .found(let path, let file, _, let via) = result {
            parsed.remember(ELFCache.Resolution(path: path, file: file, via: via), for: query)
        }
        return result
    }

    /// A DT_NEEDED entry with a "/" (a Character) is a path, not a name to search for. The byte,
    /// without which there is no such Character, is looked for first: every entry of every
    /// program is asked, and scanning Characters cost more than the rest of the lookup.
    private static func isPath(_ name: String) -> Bool {
        name.utf8.contains(UInt8(ascii: "/")) && name.contains("/")
    }

    /// True when only the requester's DT_RUNPATH, if it names plain directories, and what is
    /// the same for every program (LD_LIBRARY_PATH, the cache, the default directories) decide
    /// where a name is found: with a DT_RUNPATH no DT_RPATH applies, and without one none may
    /// up the chain. A dynamic string token ($ORIGIN) makes the RUNPATH, or a DT_NEEDED path,
    /// the requester's own.
    func searchIsShared(requester: Int, objects: [LoadedObject]) -> Bool {
        if objects[requester].elf.dynamic?.needed.contains(where: { $0.utf8.contains(UInt8(ascii: "$")) }) ?? false { return false }
        if let runpath = objects[requester].elf.dynamic?.runpath {
            return !runpath.contains { $0.utf8.contains(UInt8(ascii: "$")) }
        }
        var i: Int? = requester
        while let j = i {
            if objects[j].elf.dynamic?.rpath != nil { return false }
            i = objects[j].parent
        }
        return true
    }

    /// ld.so's search for one DT_NEEDED name, in its order.
    private func search(_ name: String, requester: Int, objects: [LoadedObject], machine: Machine, parsed: inout ELFCache) -> SearchResult {
        var unreadable: [String] = []
        func attempt(_ path: String, _ via: String) -> SearchResult? {
            guard let file = regularFile(path, &parsed) else { return nil }
            do {
                let elf = try parse(file, &parsed)
                guard Machine(of: elf) == machine else { return nil }   // wrong class or machine: ld.so keeps looking
                return .found(path: path, file: file, elf: elf, via: via)
            } catch {
                unreadable.append("\(path): \(error)")
                return nil
            }
        }
        /// A directory as ld.so searches it: its glibc-hwcaps subdirectories first (glibc 2.33
        /// and later; which one wins depends on the CPU, so the best level present is taken), then itself.
        func inDirectory(_ dir: String, _ via: String) -> SearchResult? {
            for level in machine.hwcapsLevels {
                if let hit = attempt(join(join(dir, "glibc-hwcaps/" + level), name), via + ", glibc-hwcaps/\(level) if the CPU has it") { return hit }
            }
            return attempt(join(dir, name), via)
        }
        let requesterObject = objects[requester]
        if Self.isPath(name) {
            // ld.so expands dynamic string tokens in such a path too ($ORIGIN: the requester's directory).
            for path in expand(name, origin: requesterObject, machine: machine) {
                if let hit = attempt(path, path == name ? "path in DT_NEEDED" : "path in DT_NEEDED \(name)") { return hit }
            }
            return .missing(unreadable.first ?? "no such file")
        }
        let dyn = requesterObject.elf.dynamic
        // 1. DT_RPATH of the requester and each loader above it, when the requester has no DT_RUNPATH.
        if dyn?.runpath == nil {
            var i: Int? = requester
            while let j = i {
                for dir in objects[j].elf.dynamic?.rpath ?? [] {
                    for expanded in expand(dir, origin: objects[j], machine: machine) {
                        if let hit = inDirectory(expanded, "RPATH \(dir) of \(objects[j].path)") { return hit }
                    }
                }
                i = objects[j].parent
            }
        }
        // 2. LD_LIBRARY_PATH, when the caller knows it.
        for dir in libraryPath {
            if let hit = inDirectory(dir, "LD_LIBRARY_PATH") { return hit }
        }
        // 3. DT_RUNPATH of the requester only.
        for dir in dyn?.runpath ?? [] {
            for expanded in expand(dir, origin: requesterObject, machine: machine) {
                if let hit = inDirectory(expanded, "RUNPATH \(dir)") { return hit }
            }
        }
        let noDefaults = dyn?.noDefaultLibraries ?? false
        // 4. /etc/ld.so.cache; without one, the directories ld.so.conf lists (what ldconfig would have cached).
        if let cache {
            for path in cache.lookup(name, flags: LdCache.flags(machine: machine.elfMachine, elf64: machine.elf64)) {
                if noDefaults, machine.defaultDirectories.contains(where: { path.hasPrefix($0 + "/") }) { continue }
                if let hit = attempt(path, "ld.so.cache") { return hit }
            }
        } else if !noDefaults {
            for dir in configuredDirectories {
                if let hit = inDirectory(dir, "ld.so.conf directory \(dir)") { return hit }
            }
        }
        // 5. The default directories.
        if !noDefaults {
            for dir in machine.defaultDirectories {
                if let hit = inDirectory(dir, "default directory \(dir)") { return hit }
            }
        }
        return .missing(unreadable.first ?? "not found in any directory ld.so would search")
    }

    private func join(_ dir: String, _ name: String) -> String {
        dir.isEmpty ? name : (dir.hasSuffix("/") ? dir + name : dir + "/" + name)
    }

    /// Dynamic string tokens, in a DT_RPATH or DT_RUNPATH directory or a DT_NEEDED path:
    /// `$ORIGIN` is the directory of the object holding the path
    /// (for the executable, its real location, as the kernel reports it); `$LIB` and
    /// `$PLATFORM` depend on the target's ld.so, so each plausible value is tried.
    func expand(_ dir: String, origin: LoadedObject, machine: Machine) -> [String] {
        // Most RUNPATHs name plain directories: each program's walk asks, so they cost nothing.
        guard dir.utf8.contains(UInt8(ascii: "$")) else { return [dir] }
        let originPath = origin.parent == nil ? origin.realPath : origin.path
        let originDir = originPath.split(separator: "/").dropLast().joined(separator: "/")
        var results = [dir]
        let tokens: [(String, [String])] = [
            ("ORIGIN", ["/" + originDir]),
            ("LIB", machine.libExpansions),
            ("PLATFORM", [machine.name]),
        ]
        for (token, values) in tokens {
            results = results.flatMap { path -> [String] in
                guard path.contains("$\(token)") || path.contains("${\(token)}") else { return [path] }
                return values.map {
                    path.replacing("${\(token)}", with: $0).replacing("$\(token)", with: $0)
                }
            }
        }
        return results
    }
}
