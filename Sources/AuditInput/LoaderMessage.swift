/// glibc's loader error for an executable-stack request, when that is all a user has: with
/// glibc 2.41 and later a dlopen()ed library that asks for an executable stack fails with
/// EINVAL and no AVC at all.
///
///     prog: error while loading shared libraries: libfoo.so: cannot enable executable stack as shared object requires: Permission denied
///     libfoo.so: cannot enable executable stack as shared object requires: Invalid argument      (dlerror())
///
/// and its error for a text relocation the kernel refused (making the code writable, or
/// executable again, after relocating it):
///
///     prog: error while loading shared libraries: libfoo.so: cannot restore segment prot after reloc: Permission denied
public struct LoaderMessage: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case executableStack, textRelocation }

    public var kind: Kind = .executableStack
    /// The program, when the message is the start-up form (`error while loading shared libraries`).
    public var program: String?
    /// The object ld.so was loading, as it named it.
    public var object: String
    /// strerror text: "Permission denied", "Invalid argument", …
    public var reason: String
    public var source: SourceLocation

    /// strerror texts are short; names are paths (PATH_MAX). A line past either is no loader's.
    public static let maxReasonLength = 128
    public static let maxPathLength = 4096

    /// True when the line holds one of the loader's messages.
    static func isLoaderMessage(_ line: String) -> Bool {
        var line = line
        return line.withUTF8 { marker(in: UnsafeRawBufferPointer($0)) != nil }
    }

    /// Which message the line holds, and where its marker is.
    private static func marker(in line: UnsafeRawBufferPointer) -> (kind: Kind, range: Range<Int>)? {
        func found(_ needle: ByteSearch.Needle, _ kind: Kind) -> (kind: Kind, range: Range<Int>)? {
            ByteSearch.find(needle, in: line).map { (kind, $0..<($0 + needle.count)) }
        }
        return found(.loaderExecStack, .executableStack) ?? found(.loaderTextRelocation, .textRelocation)
    }

    /// Finds the message anywhere in a line (journal and syslog prefixes, quoting).
    public static func parse(_ line: String, source: SourceLocation) -> LoaderMessage? {
        var line = line
        return line.withUTF8 { parse(UnsafeRawBufferPointer($0), source: source) }
    }

    /// `parse` on the line's bytes: every byte the message is cut at is ASCII (the markers, a
    /// space between words, quotes), so a cut never falls inside a character.
    public static func parse(_ line: UnsafeRawBufferPointer, source: SourceLocation) -> LoaderMessage? {
        guard let (kind, marker) = marker(in: line) else { return nil }
        var reasonEnd = line.count
        while reasonEnd > marker.upperBound, [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: " ")].contains(line[reasonEnd - 1]) { reasonEnd -= 1 }
        let head = UnsafeRawBufferPointer(rebasing: line[..<marker.lowerBound])
        var program: Range<Int>?
        var objectPart = 0..<marker.lowerBound
        if let s = ByteSearch.find(.loaderStartup, in: head) {
            program = lastWord(in: line, 0..<s)
            objectPart = (s + ByteSearch.Needle.loaderStartup.count)..<marker.lowerBound
        }
        guard let object = lastWord(in: line, objectPart) else { return nil }
        // Longer than glibc writes: not its message, and each would be kept in its finding.
        guard reasonEnd - marker.upperBound <= maxReasonLength, object.count <= maxPathLength, (program?.count ?? 0) <= maxPathLength else { return nil }
        func text(_ range: Range<Int>) -> String { String(decoding: line[range], as: UTF8.self) }
        return LoaderMessage(kind: kind, program: program.map { text(trimPunctuation(line, $0)) }, object: text(trimPunctuation(line, object)),
                             reason: text(marker.upperBound..<reasonEnd), source: source)
    }

    /// The last word (between spaces) of `line[range]`, nil if it has none.
    private static func lastWord(in line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int>? {
        var end = range.upperBound
        while end > range.lowerBound, line[end - 1] == UInt8(ascii: " ") { end -= 1 }
        var start = end
        while start > range.lowerBound, line[start - 1] != UInt8(ascii: " ") { start -= 1 }
        return start < end ? start..<end : nil
    }

    /// Quotes and a parenthesis before the name, quotes and a colon after it, left out.
    private static func trimPunctuation(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var (start, end) = (range.lowerBound, range.upperBound)
        while start < end, [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "(")].contains(line[start]) { start += 1 }
        while end > start, [UInt8(ascii: ":"), UInt8(ascii: "\""), UInt8(ascii: "'")].contains(line[end - 1]) { end -= 1 }
        return start..<end
    }
}
