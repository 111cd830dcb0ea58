/// A file as found under a root: its resolved path there and what `stat` says of it, so a file
/// replaced or rewritten since it was read (another inode, size or modification time) is never
/// taken for the one read before. Facts learnt from a file are kept under this key.
public struct FileIdentity: Hashable, Sendable {
    /// The path inside the root, every symlink resolved.
    public var path: String
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var modifiedNanoseconds: Int64
}

/// A map holding at most `capacity` entries, so a run over thousands of programs costs work
/// done again rather than memory. It keeps two halves: when the newer fills, the older is
/// dropped and the newer takes its place; an entry read from the older is carried into the
/// newer, so what nearly every program uses (libc, libm) stays while one-off entries age out.
public struct BoundedCache<Key: Hashable, Value> {
    public let capacity: Int
    private var newer: [Key: Value] = [:]
    private var older: [Key: Value] = [:]

    public init(capacity: Int) {
        precondition(capacity >= 2, "a bounded cache holds at least one entry in each half")
        self.capacity = capacity
    }

    /// Entries held: never more than `capacity`.
    public var count: Int { newer.count + older.count }

    public subscript(key: Key) -> Value? {
        mutating get {
            if let value = newer[key] { return value }
            guard let value = older.removeValue(forKey: key) else { return nil }
            self[key] = value
            return value
        }
        set {
            guard let newValue else {
                newer[key] = nil
                older[key] = nil
                return
            }
            if newer[key] == nil, newer.count >= capacity / 2 {
                // The older half's storage is reused for the new newer one: a full half grows
                // again at once, and growing from empty would rehash it several times.
                swap(&older, &newer)
                newer.removeAll(keepingCapacity: true)
            }
            newer[key] = newValue
        }
    }

    public mutating func removeAll() {
        newer = [:]
        older = [:]
    }
}

extension BoundedCache: Sendable where Key: Sendable, Value: Sendable {}

/// What the loader search learnt of files under one root, shared by every closure walked with
/// it: each ELF file parsed once (by identity, so libc is read once per run, not once per
/// program), where a library name was found when the answer cannot depend on the program
/// asking, and the closures after programs' executables (`SharedTail`). Bounded: a huge
/// tree costs parsing again, not memory.
///
/// What a path resolved to (a file's identity, or nothing there) is trusted until the caller
/// says files may have changed (`filesMayHaveChanged`): a run over a log reads the tree as one
/// snapshot, so libc is looked up once per run rather than once per program that loads it,
/// while a live session, where a package upgrade can replace a library between two denials,
/// says so before each new program and every path is looked up again.
public struct ELFCache: Sendable {
    private var files = BoundedCache<FileIdentity, Result<ELFFile, ELFError>>(capacity: 4_096)
    private var found = BoundedCache<LibraryQuery, Resolution>(capacity: 4_096)
    private var lookups = BoundedCache<String, Lookup>(capacity: 8_192)
    private var tails = BoundedCache<SharedTail.Key, SharedTail>(capacity: 1_024)
    /// Tails kept so far, which numbers each (never reset, so no number is given twice).
    private var tailsKept = 0
    /// Directories met while resolving programs and libraries, so each is looked up once.
    var directories = KnownDirectories()

    public init() {}

    /// The regular file a path resolved to since files last may have changed; nil for none.
    struct Lookup: Sendable {
        var file: FileIdentity?
    }

    /// Forgets what paths resolved to, so the next lookup of each sees the files as they are now:
    /// where library names were found (a newer one may have been installed in a directory
    /// searched earlier), the directories met (one may have become a symlink, as an upgrade to
    /// a versioned directory does), and the closures walked from them. Parsed files stay: they
    /// are kept by identity, and a changed file is another one.
    public mutating func filesMayHaveChanged() {
        lookups.removeAll()
        found.removeAll()
        tails.removeAll()
        directories = KnownDirectories()
    }

    mutating func lookup(_ path: String) -> Lookup? { lookups[path] }
    mutating func remember(_ lookup: Lookup, for path: String) { lookups[path] = lookup }

    /// A name searched for where no DT_RPATH applies: only the requester's DT_RUNPATH (plain
    /// directories), LD_LIBRARY_PATH, ld.so.cache and the default directories, which are the
    /// same for every program of a run.
    struct LibraryQuery: Hashable, Sendable {
        var name: String
        var machine: Machine
        var noDefaultLibraries: Bool
        var runpath: [String]?
    }

    /// Where the search found the name: the path ld.so would open, the file and how it got there.
    struct Resolution: Sendable {
        var path: String
        var file: FileIdentity
        var via: String
    }

    mutating func parse(_ file: FileIdentity, _ make: () throws -> ELFFile) throws -> ELFFile {
        if let known = files[file] { return try known.get() }
        let result: Result<ELFFile, ELFError>
        do { result = .success(try make()) } catch let e as ELFError { result = .failure(e) } catch { result = .failure(ELFError("\(error)")) }
        files[file] = result
        return try result.get()
    }

    mutating func sharedTail(for key: SharedTail.Key) -> SharedTail? { tails[key] }
    /// Keeps a tail under a serial number of its own, returned.
    mutating func remember(_ tail: SharedTail, for key: SharedTail.Key) -> LoadClosure.SharedPart {
        tailsKept += 1
        let part = LoadClosure.SharedPart(serial: tailsKept)
        var kept = tail
        kept.part = part
        tails[key] = kept
        return part
    }

    mutating func resolution(of query: LibraryQuery) -> Resolution? { found[query] }
    mutating func remember(_ resolution: Resolution, for query: LibraryQuery) { found[query] = resolution }
    mutating func forget(_ query: LibraryQuery) { found[query] = nil }
}
