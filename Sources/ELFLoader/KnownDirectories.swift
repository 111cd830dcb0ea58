/// Directories already found to be real directories (not symlinks) under one root, by their
/// resolved path there, so resolving thousands of programs stats `/opt` or `/usr/lib` once
/// rather than once per program. Only directories are remembered, never a missing component:
/// a file or directory that appears later (a live run) is still seen, because every
/// component not known here is looked up again. Bounded like the other caches of a run.
public struct KnownDirectories: Sendable {
    private var directories = BoundedCache<String, Bool>(capacity: 8_192)

    public init() {}

    mutating func contains(_ path: String) -> Bool { directories[path] != nil }
    mutating func insert(_ path: String) { directories[path] = true }
}
