/// One object in a program's load closure, and how ld.so would have found it.
public struct LoadedObject: Sendable {
    /// The path ld.so would open (before symlinks), inside the analysed root.
    public var path: String
    /// The file itself: its path with every symlink resolved, and its identity.
    public var file: FileIdentity
    /// The same file with every symlink resolved.
    public var realPath: String { file.path }
    /// The DT_NEEDED string that pulled it in (the executable's own path for the executable).
    public var neededName: String
    public var elf: ELFFile
    /// Index in `LoadClosure.objects` of the object whose DT_NEEDED named this one.
    public var parent: Int?
    /// How the path was found: "executable", "RUNPATH $ORIGIN/../lib", "ld.so.cache", …
    public var foundVia: String
}

/// A DT_NEEDED name the search could not satisfy, or a file it found but could not read.
public struct LoadProblem: Sendable {
    public var name: String
    public var requester: Int
    public var reason: String
}

/// Where the walk of a closure stopped because it reached `LoaderSearch.maxObjects`.
public struct ClosureCut: Sendable, Equatable {
    /// Objects kept: the bound.
    public var objects: Int
    /// DT_NEEDED entries left unsearched (of the kept objects whose dependencies were not walked).
    public var unsearchedEntries: Int
}

/// A program's dependency closure in ld.so's breadth-first load order.
public struct LoadClosure: Sendable {
    public var objects: [LoadedObject]
    public var problems: [LoadProblem]
    /// Set when the walk stopped at the bound: objects beyond it are missing, not absent.
    public var cut: ClosureCut? = nil
    /// Every closure with the same `shared` (a walk reused across programs) has the same
    /// objects after the executable: what is learnt of them once holds for all. Nil for a
    /// closure walked for its program alone.
    public var shared: SharedPart? = nil

    public struct SharedPart: Hashable, Sendable {
        /// Which walk, never given to another within a run.
        let serial: Int
    }

    /// The executable first, down to the object at `index`.
    public func chain(to index: Int) -> [LoadedObject] {
        var out: [LoadedObject] = []
        var i: Int? = index
        var guardCount = 0
        while let j = i, guardCount <= objects.count {
            out.append(objects[j])
            i = objects[j].parent
            guardCount += 1
        }
        return out.reversed()
    }
}

extension LoaderSearch {
    /// The closure of an executable. Throws only if the executable itself cannot be read.
    public func closure(executable: String) throws -> LoadClosure {
        var parsed = ELFCache()
        return try closure(executable: executable, parsed: &parsed)
    }

    /// The same, reusing what earlier closures under the root learnt (`ELFCache`): checking a
    /// whole tree resolves libc thousands of times. `readingExecutable` is given the
    /// executable's headers and bytes while it is open, for whatever else the caller reads of
    /// it (its symbols), so a program new to the run is opened once.
    ///
    /// After the executable a closure is the same for every program whose own DT_NEEDED
    /// searches ask the same (names, DT_RUNPATH of plain directories), or, where they depend on
    /// where the executable lies ($ORIGIN), below its dependencies for every program whose
    /// dependencies were found as the same files; unless the executable's DT_RPATH takes part
    /// in the searches below it or its names meet the walk (`SharedTail`): that part is walked
    /// once per run and reused, as the rest of the cache is, while the tree is one snapshot.
    public func closure(executable: String, parsed: inout ELFCache,
                        readingExecutable: (ELFFile, ByteSource) -> Void = { _, _ in }) throws -> LoadClosure {
        // Not through the caches of paths and parsed files: an executable is nearly always its
        // own program's alone, and would only push out the libraries every program shares.
        guard let file = root.regularFileIdentity(executable, directories: &parsed.directories) else {
            throw ELFError(root.isSystemRoot ? "not found on this machine" : "not found under \(root.hostPrefix)")
        }
        let elf = try readExecutable(file, readingExecutable)
        var walk = ClosureWalk(LoadedObject(path: executable, file: file, neededName: executable, elf: elf, parent: nil, foundVia: "executable"))
        guard elf.dynamic?.rpath == nil else {
            // Its DT_RPATH is searched for every object below it that has no DT_RUNPATH.
            while !walk.isDone { walk.searchNext(self, &parsed) }
            return walk.closure
        }
        let key: SharedTail.Key
        if searchIsShared(requester: 0, objects: walk.objects) {
            key = SharedTail.Key(executableSearches: walk)
        } else {
            walk.searchNext(self, &parsed)   // the executable's own DT_NEEDED entries, from where it lies
            key = SharedTail.Key(dependencies: walk)
        }
        var closure: LoadClosure
        if let tail = parsed.sharedTail(for: key), tail.isIndependent(of: walk.objects[0]) {
            walk.append(tail)
            closure = walk.closure
            closure.shared = tail.part
        } else {
            let tail = walk.searchRest(self, &parsed)
            closure = walk.closure
            if tail.isIndependent(of: walk.objects[0]) { closure.shared = parsed.remember(tail, for: key) }
        }
        return closure
    }

    /// Executables up to this size are read in one call: their headers, dynamic section and
    /// symbols then cost no further read, where piecewise reading costs one each.
    static let wholeReadLimit: Int64 = 64 << 10

    private func readExecutable(_ file: FileIdentity, _ reading: (ELFFile, ByteSource) -> Void) throws -> ELFFile {
        do {
            let bytes = try root.open(resolved: file.path)
            var source: ByteSource = bytes
            if file.size <= Self.wholeReadLimit, let whole = bytes.readAvailable(at: 0, max: Int(file.size)) {
                source = MemoryBytes(whole)
            }
            let elf = try ELFFile(source)
            reading(elf, source)
            return elf
        } catch let error as ELFError {
            throw error
        } catch {
            throw ELFError("\(error)")
        }
    }
}

/// ld.so's breadth-first walk of DT_NEEDED entries, as far as it has got: the objects loaded,
/// in load order, and the entries it could not satisfy.
struct ClosureWalk {
    private(set) var objects: [LoadedObject] = []
    private var problems: [LoadProblem] = []
    private var unsearched = 0
    /// The next object whose DT_NEEDED entries are searched.
    private var next = 0
    let machine: Machine
    /// ld.so itself is in memory before any search: libc's DT_NEEDED on it matches by soname.
    let interpreter: String?
    // What ld.so matches a DT_NEEDED name against in the objects loaded (each one's DT_NEEDED
    // name, path and soname), and their files: sets, since every entry of every object is
    // checked against them, and closures reach dozens of objects.
    private var loadedNames: Set<String> = []
    private var loadedFiles: Set<String> = []
    /// While the shared tail is walked: every name matched against the sets above, and every
    /// file found, which is what the walk asked of the executable's names and file.
    private var trace: (names: Set<String>, files: Set<String>)?

    init(_ executable: LoadedObject) {
        // Room for an executable and a few dependencies without growing: most walks reuse a tail
        // after these (`SharedTail`), and growing from empty rehashes at every doubling.
        loadedNames.reserveCapacity(16)
        loadedFiles.reserveCapacity(8)
        machine = Machine(of: executable.elf)
        interpreter = executable.elf.interpreter.flatMap { $0.lastNonEmptyPathComponent.map(String.init) }
        load(executable)
    }

    var isDone: Bool { next >= objects.count }

    var closure: LoadClosure {
        LoadClosure(objects: objects, problems: problems,
                    cut: unsearched > 0 ? ClosureCut(objects: objects.count, unsearchedEntries: unsearched) : nil)
    }

    private mutating func load(_ object: LoadedObject) {
        objects.append(object)
        loadedNames.insert(object.neededName)
        loadedNames.insert(object.path)
        if let soname = object.elf.dynamic?.soname { loadedNames.insert(soname) }
        loadedFiles.insert(object.realPath)
    }

    /// Searches the DT_NEEDED entries of the next object, loading what is found.
    mutating func searchNext(_ loader: LoaderSearch, _ parsed: inout ELFCache) {
        let requester = next
        next += 1
        let needed = objects[requester].elf.dynamic?.needed ?? []
        for (n, name) in needed.enumerated() {
            if objects.count >= LoaderSearch.maxObjects {
                // Past the bound the remaining entries are only counted, not searched.
                unsearched += needed.count - n
                break
            }
            if name == interpreter { continue }
            trace?.names.insert(name)
            if loadedNames.contains(name) { continue }
            switch loader.find(name, requester: requester, objects: objects, machine: machine, parsed: &parsed) {
            case .found(let path, let file, let elf, let via):
                trace?.files.insert(file.path)
                if loadedFiles.contains(file.path) { continue }
                load(LoadedObject(path: path, file: file, neededName: name, elf: elf, parent: requester, foundVia: via))
            case .missing(let reason):
                problems.append(LoadProblem(name: name, requester: requester, reason: reason))
            }
        }
    }

    /// Walks to the end, returning what was added as a tail for other programs.
    mutating func searchRest(_ loader: LoaderSearch, _ parsed: inout ELFCache) -> SharedTail {
        let (objectsBefore, problemsBefore, unsearchedBefore) = (objects.count, problems.count, unsearched)
        trace = ([], [])
        while !isDone { searchNext(loader, &parsed) }
        let (names, files) = trace ?? ([], [])
        trace = nil
        return SharedTail(objects: Array(objects[objectsBefore...]), problems: Array(problems[problemsBefore...]),
                          unsearched: unsearched - unsearchedBefore, namesMatched: names, filesFound: files,
                          part: nil)
    }

    /// Appends a tail walked for another program with the same key: what walking it would add.
    mutating func append(_ tail: SharedTail) {
        objects += tail.objects
        problems += tail.problems
        unsearched += tail.unsearched
        next = objects.count
    }
}

/// The part of a closure after the executable, or below its own dependencies when their
/// search depends on where it lies. Walking it reads only what the key holds (what the
/// executable's own searches read of it, or its dependencies as loaded: their paths, names and
/// files), the machine and the interpreter's name, with two exceptions where the executable
/// itself meets the walk: a DT_NEEDED entry naming the executable (its path or soname), and a
/// search finding the executable's file. With neither, for this program or the one it was
/// walked for, the same key gives the same tail. The executable's DT_RPATH would take part
/// too; a program with one walks its own.
struct SharedTail {
    struct Key: Hashable {
        var machine: Machine
        var interpreter: String?
        var start: Start

        enum Start: Hashable {
            /// The tail starts at the executable's own DT_NEEDED entries, searched where every
            /// program's are (`LoaderSearch.searchIsShared`): what those searches read of it.
            case executable(needed: [String], runpath: [String]?, noDefaultLibraries: Bool)
            /// The tail starts below the executable's dependencies.
            case dependencies([Dependency])
        }

        /// One of the executable's dependencies: what the walk below reads of it, and how it
        /// was found, so that closures with the same key have the same objects after the executable.
        struct Dependency: Hashable {
            var path: String
            var neededName: String
            var file: FileIdentity
            var foundVia: String
        }

        /// Before the executable's entries are searched.
        init(executableSearches walk: ClosureWalk) {
            machine = walk.machine
            interpreter = walk.interpreter
            let dynamic = walk.objects[0].elf.dynamic
            start = .executable(needed: dynamic?.needed ?? [], runpath: dynamic?.runpath,
                                noDefaultLibraries: dynamic?.noDefaultLibraries ?? false)
        }

        /// Once the executable's entries are searched.
        init(dependencies walk: ClosureWalk) {
            machine = walk.machine
            interpreter = walk.interpreter
            start = .dependencies(walk.objects.dropFirst().map {
                Dependency(path: $0.path, neededName: $0.neededName, file: $0.file, foundVia: $0.foundVia)
            })
        }
    }

    var objects: [LoadedObject]
    var problems: [LoadProblem]
    var unsearched: Int
    var namesMatched: Set<String>
    var filesFound: Set<String>
    /// Set when the cache keeps it (`ELFCache.remember`).
    var part: LoadClosure.SharedPart?

    func isIndependent(of executable: LoadedObject) -> Bool {
        if let soname = executable.elf.dynamic?.soname, namesMatched.contains(soname) { return false }
        return !namesMatched.contains(executable.path) && !filesFound.contains(executable.realPath)
    }
}
