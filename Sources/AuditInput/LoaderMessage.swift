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

    static let marker = ": cannot enable executable stack as shared object requires: "
    static let textRelocationMarker = ": cannot restore segment prot after reloc: "

    /// True when the line holds one of the loader's messages.
    static func isLoaderMessage(_ line: String) -> Bool {
        line.contains(marker) || line.contains(textRelocationMarker)
    }
    static let startup = ": error while loading shared libraries: "

    /// Finds the message anywhere in a line (journal and syslog prefixes, quoting).
    public static func parse(_ line: String, source: SourceLocation) -> LoaderMessage? {
        let kind: Kind
        let m: Range<String.Index>
        if let r = line.firstRange(of: marker) {
            (kind, m) = (.executableStack, r)
        } else if let r = line.firstRange(of: textRelocationMarker) {
            (kind, m) = (.textRelocation, r)
        } else {
            return nil
        }
        var reason = String(line[m.upperBound...])
        while let last = reason.last, last == "\"" || last == "'" || last == " " { reason.removeLast() }
        let head = line[..<m.lowerBound]
        var program: String?
        let objectPart: Substring
        if let s = head.firstRange(of: startup) {
            program = head[..<s.lowerBound].split(separator: " ").last.map(String.init)
            objectPart = head[s.upperBound...]
        } else {
            objectPart = head
        }
        guard let object = objectPart.split(separator: " ").last.map(String.init), !object.isEmpty else { return nil }
        // Longer than glibc writes: not its message, and each would be kept in its finding.
        guard reason.utf8.count <= maxReasonLength, object.utf8.count <= maxPathLength,
              (program?.utf8.count ?? 0) <= maxPathLength else { return nil }
        return LoaderMessage(kind: kind, program: program.map(trimPunctuation), object: trimPunctuation(object), reason: reason, source: source)
    }

    private static func trimPunctuation(_ s: String) -> String {
        var t = Substring(s)
        while let f = t.first, f == "\"" || f == "'" || f == "(" { t.removeFirst() }
        while let l = t.last, l == ":" || l == "\"" || l == "'" { t.removeLast() }
        return String(t)
    }
}
