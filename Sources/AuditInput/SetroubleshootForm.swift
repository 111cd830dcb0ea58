/// setroubleshoot's words for a denial, when a ticket has no raw record: the syslog one-liner
/// (`setroubleshoot[PID]: SELinux is preventing /usr/bin/x from execmod access on the file
/// /memfd:x. For complete SELinux messages run: sealert -l UUID`) and the heading of a
/// `sealert -l`/`sealert -a` report. A report's "Raw Audit Messages" are raw records, read as
/// such; its heading is turned into an AVC only when the report has none, so one denial is
/// never read twice. The AVC carries what the sentence gives: the program, the permissions,
/// the class and the target; the time is the syslog line's, if any.
struct SetroubleshootForm {
    static let marker = "AVCEXPLAIN_FORM=setroubleshoot"

    /// A report heading, held until its report ends (`Hash: …`) or shows its raw records.
    private var held: (record: String, line: Int)?

    enum Outcome {
        case record(String)
        /// The line was taken in (a held heading, the raw-records heading).
        case consumed
        case notSetroubleshoot
    }

    mutating func classify(_ text: String, number: Int, stamps: inout StampForms) -> Outcome {
        if text.hasPrefix("Raw Audit Messages") {
            held = nil
            return .consumed
        }
        if text.hasPrefix("Hash: "), let record = held?.record {
            held = nil
            return .record(record)
        }
        guard let sentence = text.firstRange(of: "SELinux is preventing "),
              let record = Self.record(text[sentence.upperBound...], wrapper: text[..<sentence.lowerBound], number: number, stamps: &stamps) else {
            return .notSetroubleshoot
        }
        let isHeading = sentence.lowerBound == text.startIndex && !text.contains("For complete SELinux messages")
        if isHeading {
            let previous = held
            held = (record, number)
            return previous.map { .record($0.record) } ?? .consumed
        }
        return .record(record)
    }

    /// The heading still held at the end of the input: its report showed no raw records.
    mutating func finish() -> (record: String, line: Int)? {
        defer { held = nil }
        return held
    }

    /// `PROGRAM from [using the ]PERMS access[es] on {the|a} CLASS[ TARGET].`
    static func record(_ sentence: Substring, wrapper: Substring, number: Int, stamps: inout StampForms) -> String? {
        guard let from = sentence.firstRange(of: " from ") else { return nil }
        let program = sentence[..<from.lowerBound]
        var rest = sentence[from.upperBound...]
        if rest.hasPrefix("using the ") { rest = rest.dropFirst(10) }
        guard let access = rest.firstRange(of: " access") else { return nil }
        let permissions = rest[..<access.lowerBound].split { $0 == "," || $0 == " " || $0 == "'" }
        guard !permissions.isEmpty, !program.isEmpty, permissions.allSatisfy({ $0.allSatisfy { $0.isLetter || $0 == "_" } }) else { return nil }
        rest = rest[access.upperBound...].drop { $0.isLetter }
        guard let on = rest.firstRange(of: " on ") else { return nil }
        var object = rest[on.upperBound...]
        if object.hasPrefix("the ") { object = object.dropFirst(4) } else if object.hasPrefix("a ") { object = object.dropFirst(2) }
        if let end = object.firstRange(of: ". For complete") { object = object[..<end.lowerBound] }
        while object.last == "." || object.last == " " { object.removeLast() }
        let words = object.split(separator: " ", maxSplits: 1)
        guard let classWord = words.first else { return nil }
        let tclass = classWord == "directory" ? "dir" : String(classWord)
        var target = words.count > 1 ? String(words[1]) : nil
        if let t = target, t.hasSuffix(" (deleted)") { target = String(t.dropLast(10)) }

        var body = "avc:  denied  { \(permissions.joined(separator: " ")) } for "
        if program.hasPrefix("/") {
            body += " comm=\"\(program.split(separator: "/").last ?? program)\" exe=\"\(program)\""
        } else {
            body += " comm=\"\(program)\""
        }
        if let target { body += " path=\"\(target)\"" }
        body += " tclass=\(tclass)"
        let stamped = stamps.fixed("type=AVC msg=audit(?): \(body)", wrapper: SyslogTime.seconds(String(wrapper)).map { ($0, 0) }, number: number)
        return stamped.record + "\u{1d}" + marker
    }
}
