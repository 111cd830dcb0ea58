import SystemPackage

/// Rotated logs given in any order (`audit.log audit.log.1 audit.log.2.gz`) are read oldest
/// first, by the time of their first record, so findings' first and last times come out right.
public enum InputOrder {
    /// Files sorted by their first record's time; standard input, and files with no time in
    /// their first 64 KiB, keep their place relative to each other at the front.
    public static func chronological(_ sources: [InputSource]) -> [InputSource] {
        guard sources.count > 1 else { return sources }
        let stamped = sources.enumerated().map { (index: $0.offset, source: $0.element, time: firstTime($0.element)) }
        return stamped.sorted { a, b in
            switch (a.time, b.time) {
            case let (x?, y?): return x == y ? a.index < b.index : x < y
            case (nil, nil): return a.index < b.index
            case (nil, _): return true
            case (_, nil): return false
            }
        }.map(\.source)
    }

    /// Seconds of the first `audit(SECONDS.` stamp in the first 64 KiB (inflated if gzip'd).
    static func firstTime(_ source: InputSource) -> UInt64? {
        guard case .file(let path) = source,
              let fd = try? FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) else { return nil }
        defer { try? fd.close() }
        guard var bytes = try? PrefixedSource.sniffing(DescriptorSource(fd)) else { return nil }
        defer { bytes.release() }
        var head = [UInt8](repeating: 0, count: 1 << 16)
        var got = 0
        while got < head.count {
            guard let n = try? head.withUnsafeMutableBytes({ try bytes.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }), n > 0 else { break }
            got += n
        }
        let marker = Array("audit(".utf8)
        var i = 0
        while i + marker.count < got {
            if head[i] == marker[0], Array(head[i..<(i + marker.count)]) == marker {
                var j = i + marker.count
                var value: UInt64 = 0
                var digits = 0
                while j < got, head[j] >= 0x30, head[j] <= 0x39, digits < 20 {
                    value = value &* 10 &+ UInt64(head[j] - 0x30)
                    digits += 1
                    j += 1
                }
                if digits > 0, j < got, head[j] == UInt8(ascii: ".") { return value }
            }
            i += 1
        }
        return nil
    }
}
