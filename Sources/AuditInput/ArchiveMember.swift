import CArchive

/// Why an archive, or one of its members, could not be read: libarchive's words, and the member
/// being read when it happened.
public struct ArchiveError: Error, CustomStringConvertible, Sendable {
    public var member: String?
    public var reason: String

    public init(member: String?, reason: String) {
        self.member = member
        self.reason = reason
    }

    public var description: String { member.map { "member \($0): \(reason)" } ?? reason }
}

/// A tar archive, compressed or not (.tar.xz, .tar.gz, …), read front to back with libarchive.
/// Members are handed out one at a time and their bytes read into memory as asked: nothing is
/// ever written to disk.
public final class ArchiveReader {
    public struct Member: Sendable {
        public enum Kind: Sendable { case regular, symlink, other }
        /// The path as stored (`sosreport-host-2024-01-01/var/log/audit/audit.log`).
        public var name: String
        public var kind: Kind
        /// The size the header declares.
        public var size: Int64
        /// A symlink's target, as stored.
        public var linkTarget: String?
    }

    private let handle: OpaquePointer
    /// The member whose bytes `read` hands out.
    public private(set) var current: Member?

    /// Opens the archive; throws if it cannot be opened or is no archive libarchive knows.
    public init(path: String) throws {
        guard let handle = archive_read_new() else { throw ArchiveError(member: nil, reason: "out of memory") }
        self.handle = handle
        // sos compresses with xz (the default) or gzip, older versions with bzip2. Naming the
        // filters, not all of them, keeps the static release's link to liblzma, libz and libbz2.
        archive_read_support_filter_xz(handle)
        archive_read_support_filter_gzip(handle)
        archive_read_support_filter_bzip2(handle)
        archive_read_support_format_tar(handle)
        archive_read_support_format_gnutar(handle)
        guard archive_read_open_filename(handle, path, 1 << 16) == ARCHIVE_OK else {
            let error = failure()
            archive_read_free(handle)
            throw error
        }
    }

    deinit { archive_read_free(handle) }

    /// The next member's header, nil at the end of the archive. Throws, naming the member
    /// before it, when the archive is corrupt or cut short there.
    public func next() throws -> Member? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(handle, &entry)
        if status == ARCHIVE_EOF { current = nil; return nil }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
            let error = failure()
            current = nil
            throw error
        }
        let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        let kind: Member.Kind = avc_archive_entry_is_regular(entry) != 0 ? .regular
            : avc_archive_entry_is_symlink(entry) != 0 ? .symlink : .other
        let target = kind == .symlink ? archive_entry_symlink(entry).map { String(cString: $0) } : nil
        current = Member(name: name, kind: kind, size: archive_entry_size(entry), linkTarget: target)
        return current
    }

    /// Reads the current member's next bytes; 0 at its end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = archive_read_data(handle, buffer.baseAddress, buffer.count)
        if n >= 0 { return n }
        throw failure()
    }

    /// The current member whole, or nil when it is larger than `limit` (counted as read, not
    /// taken from the header, so a lying header cannot make it larger).
    public func readWhole(limit: Int) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return bytes }
            guard bytes.count + n <= limit else { return nil }
            bytes += chunk[0..<n]
        }
    }

    /// Moves to the member named `name`; throws if the archive ends first.
    public func seek(to name: String) throws {
        while let member = try next() {
            if member.name == name { return }
        }
        throw ArchiveError(member: name, reason: "not found in the archive")
    }

    private func failure() -> ArchiveError {
        let reason = archive_error_string(handle).map { String(cString: $0) } ?? "unreadable archive"
        return ArchiveError(member: current?.name, reason: reason)
    }
}

/// One archive member's bytes, decompressed as they are read: the log in a .tar.xz flows
/// through the reader like a file's, never held whole. More than `limit` bytes is an error, so
/// that a member cannot inflate without bound.
struct ArchiveMemberSource: ChunkSource {
    private let reader: ArchiveReader
    private let limit: Int
    private var delivered = 0

    init(archive: String, member: String, limit: Int) throws {
        reader = try ArchiveReader(path: archive)
        try reader.seek(to: member)
        self.limit = limit
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try reader.read(into: buffer)
        delivered += n
        guard delivered <= limit else {
            throw ArchiveError(member: reader.current?.name, reason: "larger than \(limit >> 20) MiB once decompressed; the rest is skipped")
        }
        return n
    }
}
