import Diagnosis

/// One finding's block of the text report: a title, its facts in rows, then its sections (Why,
/// At fault, …). A section printed in full for an earlier finding is named in one row instead
/// ("as in [1]: why, at fault, fixes"), and so is a long paragraph printed before.
struct FindingText {
    let style: Style
    let width: Int

    /// The block as a String (live mode, tests).
    func block(_ f: Finding, number: Int, printed: inout PrintedParagraphs?) -> String {
        var out = TextBuffer(capacity: 4_096)
        block(f, number: number, printed: &printed, into: &out)
        return out.text
    }

    /// The block appended to `out`: a report writes all its blocks to one buffer, whose bytes
    /// go to the output as they are, never made a String.
    func block(_ f: Finding, number: Int, printed: inout PrintedParagraphs?, into out: inout TextBuffer) {
        let s = style
        let facts = FindingFacts(value: clean, wrapped: true)
        // The title and each row's value are written to a buffer of their own, not made
        // Strings, then wrapped.
        var value = TextBuffer(capacity: 256)
        heading(f, number: number, facts: facts, into: &value)
        value.withBytes { TerminalText.wrap(bytes: $0, prefix: "", indent: "    ", width: width, into: &out) }
        out += "\n"
        value.truncate(to: 0)
        facts.process(f, into: &value)
        row(&out, .process, &value)
        facts.domain(f, into: &value)
        row(&out, .domain, &value)
        if let target = f.target { row(&out, .object, clean(target) + (f.tcontext.map { " (\(clean($0)))" } ?? "")) }
        let outcome = facts.outcome(f)
        s.append(outcome.word, f.blocked || f.loaderError != nil ? .red : .yellow, to: &value)
        value += outcome.rest
        row(&out, .outcome, &value)
        facts.seen(f, into: &value)
        row(&out, .seen, &value)
        if let nodes = facts.nodes(f) { row(&out, .nodes, nodes) }
        if let error = facts.loaderError(f) { row(&out, .error, error) }
        if f.call != nil {
            facts.call(f, into: &value)
            row(&out, .call, &value)
        }
        // A command line stays whole, however long: it may be copied.
        if let command = facts.command(f) {
            out += Row.command.prefix
            out += command
            out += "\n"
        }
        facts.log(f, into: &value)
        row(&out, .log, &value)

        var references: [(name: String, place: String)] = []
        references.reserveCapacity(Section.allCases.count)
        var full = TextBuffer(capacity: 1_024)
        let place = "[\(number)]"
        for section in Section.allCases where section.isShown(for: f) {
            var whole: String?
            if !section.alwaysPrinted, printed != nil {
                // A body that does not shorten paragraphs printed before is rendered once, for
                // its key and for the report alike.
                let (body, before) = shared(section, f, number: number, place: place, printed: &printed!)
                if let before {
                    references.append((section.name, before))
                    continue
                }
                if !section.sharesParagraphs { whole = body }
            }
            full += "\n  "
            full += s.bold(section.title)
            if section == .commandsToRun { full += s.dim("  (they only read files)") }
            full += "\n"
            full += whole ?? body(section, f, number: number, printed: &printed)
        }
        if !references.isEmpty {
            Self.referenceLine(references, into: &value)
            row(&out, .asIn, &value)
        }
        out += full
    }

    /// "[2]: why, evidence, fixes; [1]: at fault": each earlier finding with the sections this
    /// one shares with it.
    static func referenceLine(_ references: [(name: String, place: String)], into line: inout TextBuffer) {
        // A block has a handful of sections: scanning them for each place costs less than
        // grouping them in a dictionary. `named` marks those already written, one bit each
        // (a block has eight sections at most).
        assert(references.count <= UInt64.bitWidth)
        var named: UInt64 = 0
        for i in references.indices where named & (1 << i) == 0 {
            if named != 0 { line += "; " }
            let place = references[i].place
            line += place
            line += ": "
            line += references[i].name
            named |= 1 << i
            for j in (i + 1)..<references.count where named & (1 << j) == 0 && references[j].place == place {
                line += ", "
                line += references[j].name
                named |= 1 << j
            }
        }
    }

    /// A section's whole body and where it was printed before, if it was: the body taken
    /// from `PrintedParagraphs`' memo by the texts it is made of where nothing else decides it,
    /// rendered anew (At fault, which draws on more).
    private func shared(_ section: Section, _ f: Finding, number: Int, place: String, printed: inout PrintedParagraphs)
        -> (body: String, before: String?) {
        var none = PrintedParagraphs?.none
        let source: PrintedParagraphs.Source
        switch section {
        case .why: source = .texts([f.why])
        case .live, .stillRunning, .evidence, .settle: source = .texts(section.bullets(f) ?? [])
        case .fixes: source = .fixes(f.fixes)
        case .atFault, .commandsToRun:
            let whole = body(section, f, number: number, printed: &none)
            return (whole, printed.earlier(section.title, whole, place: place))
        }
        return printed.section(section.title, source, place: place) { body(section, f, number: number, printed: &none) }
    }

    /// The lines under a section's title; paragraphs printed before become references when
    /// `printed` is given.
    private func body(_ section: Section, _ f: Finding, number: Int, printed: inout PrintedParagraphs?) -> String {
        var body = TextBuffer(capacity: 512)
        switch section {
        case .why:
            TerminalText.wrap(clean(f.why), prefix: "    ", indent: "    ", width: width, into: &body)
            body += "\n"
        case .atFault: atFault(f, into: &body)
        case .commandsToRun: commands(f.commandsToRun, indent: "    ", into: &body)
        case .live, .stillRunning, .evidence, .settle:
            for item in section.bullets(f) ?? [] {
                paragraph(clean(item), prefix: "    - ", indent: "      ", place: "[\(number)], \(section.name)", printed: &printed, into: &body)
                body += "\n"
            }
        case .fixes:
            for (i, fix) in f.fixes.enumerated() {
                paragraph(clean(fix.text), prefix: "    \(i + 1). [\(fix.kind.rawValue)] ", indent: "       ", place: "[\(number)], fix \(i + 1)",
                          printed: &printed, into: &body)
                body += "\n"
                commands(fix.commands, indent: "         ", into: &body)
            }
        }
        return body.text
    }

    private func atFault(_ f: Finding, into out: inout TextBuffer) {
        let s = style
        func wrapped(_ text: String, prefix: String, indent: String) {
            TerminalText.wrap(text, prefix: prefix, indent: indent, width: width, into: &out)
            out += "\n"
        }
        if f.culprits.isEmpty {
            switch f.elf {
            case .analysed: out += "    No object in the program's DT_NEEDED closure explains it (see below).\n"
            case .unavailable(let reason): wrapped("Not determined: could not read the executable: \(clean(reason)).", prefix: "    ", indent: "    ")
            case .notNeeded: out += "    Not determined: could not read the executable.\n"
            }
        }
        for c in f.culprits {
            out += "    "
            out += s.red(clean(c.path))
            out += "\n"
            wrapped(clean(c.detail), prefix: "      ", indent: "      ")
            if let origin = c.origin { wrapped(clean(origin), prefix: "      ", indent: "      ") }
            if c.chain.count > 1 {
                out += "      chain: "
                out += clean(c.chain[0])
                out += "\n"
                for (path, via) in zip(c.chain.dropFirst(), c.foundVia.dropFirst()) {
                    wrapped("→ " + clean(path) + s.dim("  (\(clean(via)))"), prefix: "             ", indent: "               ")
                }
            } else if c.foundVia.first == "executable" {
                out += "      (the executable itself)\n"
            }
        }
        if !f.culprits.isEmpty, case .unavailable(let reason) = f.elf {
            wrapped("could not read ELF: \(clean(f.process.exe ?? "?")): \(clean(reason))", prefix: "    ", indent: "    ")
        }
    }

    /// Commands one a line, each whole: they may be copied.
    private func commands(_ commands: [String], indent: String, into out: inout TextBuffer) {
        for command in commands {
            out += indent
            out += style.cyan(clean(command))
            out += "\n"
        }
    }

    /// A long paragraph printed before becomes a pointer to it.
    private func paragraph(_ text: String, prefix: String, indent: String, place: String, printed: inout PrintedParagraphs?, into out: inout TextBuffer) {
        // Counting characters costs a walk of the text: only a report that points back needs it.
        if printed != nil, Self.characterCount(text) >= PrintedParagraphs.shortest, let before = printed?.earlier(paragraph: text, place: place) {
            out += prefix
            out += "As in \(before)."
            return
        }
        let mark = out.count
        TerminalText.wrap(text, prefix: prefix, indent: indent, width: width, into: &out)
        // By byte: the text is sanitised (no CR), so every newline byte is a "\n" character.
        if out.hasNewline(from: mark), let (prose, command) = Self.endingCommand(text) {
            out.truncate(to: mark)
            TerminalText.wrap(prose, prefix: prefix, indent: indent, width: width, into: &out)
            out += "\n"
            out += indent
            out += "  "
            out += style.cyan(command)
        }
    }

    /// How many characters `text` has. In ASCII text without CR (which with LF is one
    /// character), its bytes, checked at a fraction of the cost of counting characters.
    private static func characterCount(_ text: String) -> Int {
        text.allBytes { $0 < 0x80 && $0 != UInt8(ascii: "\r") } ? text.utf8.count : text.count
    }

    /// Tools whose commands end an item of prose ("the AVC record: ausearch -m avc …"), each
    /// with the space that follows it.
    static let commandTools = ["ausearch", "readelf", "lddtree", "scanelf", "patchelf", "execstack", "setsebool", "semanage", "restorecon"]
        .map { $0 + " " }

    /// The prose and the command that ends it, so a command that does not fit beside its prose
    /// gets a line of its own and is never wrapped mid-command.
    static func endingCommand(_ text: String) -> (String, String)? {
        // In ASCII text bytes are characters, and a byte search spares `firstRange(of:)` and
        // `hasPrefix` their work by character; other text is searched by character.
        let ascii = text.allBytes { $0 < 0x80 }
        guard let colon = ascii ? firstColonSpace(text) : text.firstRange(of: ": ") else { return nil }
        let rest = text[colon.upperBound...]
        guard commandTools.contains(where: { ascii ? rest.utf8.starts(with: $0.utf8) : rest.hasPrefix($0) }) else { return nil }
        return (String(text[..<colon.lowerBound]) + ":", String(rest))
    }

    /// The first ": " in ASCII text's bytes, searched where they lie: walking the UTF-8 view
    /// index by index cost several times more.
    private static func firstColonSpace(_ text: String) -> Range<String.Index>? {
        var text = text
        guard let offset = text.withUTF8({ bytes in
            bytes.indices.dropFirst().first { bytes[$0] == UInt8(ascii: " ") && bytes[$0 - 1] == UInt8(ascii: ":") }
        }) else { return nil }
        let space = text.utf8.index(text.startIndex, offsetBy: offset)
        return text.utf8.index(before: space)..<text.utf8.index(after: space)
    }

    func clean(_ s: String) -> String { TerminalText.sanitize(s) }
}
