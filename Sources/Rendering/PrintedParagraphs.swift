import Diagnosis

/// What a report already printed in full, and where: a long report prints each stretch of
/// boilerplate once (the same policy caveat, rebuild recipe, stopgap) and later findings point
/// to it ("as for [1]"). Only keys and places are kept (and the section bodies the keys were
/// made of), never a whole report, and at most `capacity` of each: past that, repeats are
/// printed in full again.
struct PrintedParagraphs {
    /// What was printed: a section's title and body, or a lone paragraph (no title). A pair
    /// rather than one string joined from them: every section of every finding is looked up.
    private struct Printed: Equatable {
        var title: String
        var text: String

        var key: DigestKey<Printed> {
            var digest = TextDigest()
            digest.add(title)
            digest.add(text)
            return DigestKey(value: self, digest: digest.value)
        }
    }

    private var places: [DigestKey<Printed>: String] = [:]
    static let capacity = 2_000
    /// A lone paragraph shorter than this is printed again: a reference would be no shorter.
    static let shortest = 80

    /// What a section's body is rendered from, when nothing else decides it.
    enum Source: Equatable {
        case texts([String])
        case fixes([Fix])
    }

    private struct SectionKey: Equatable {
        var title: String
        var source: Source

        /// Digested from every text the body is rendered from. Not from the title: the same
        /// texts under two titles are rare, and the keys' comparison tells them apart.
        var key: DigestKey<SectionKey> {
            var digest = TextDigest()
            switch source {
            case .texts(let texts):
                for text in texts { digest.add(text) }
            case .fixes(let fixes):
                for fix in fixes {
                    digest.add(fix.kind.rawValue)
                    digest.add(fix.text)
                    for command in fix.commands { digest.add(command) }
                }
            }
            return DigestKey(value: self, digest: digest.value)
        }
    }

    /// Section bodies rendered whole, by title and source, with where each was printed: most
    /// findings of a long report share their Why and Fix sections, which are then looked up
    /// here, neither wrapped again nor keyed by their whole text again. As bounded as `places`:
    /// past it, bodies are rendered and looked up each time.
    private var sections: [DigestKey<SectionKey>: (body: String, before: String?)] = [:]

    /// The body rendered from `source` under `title` (by `render`, the first time) and where
    /// it was printed before, as `earlier` tells.
    mutating func section(_ title: String, _ source: Source, place: String, render: () -> String) -> (body: String, before: String?) {
        let key = SectionKey(title: title, source: source).key
        if let known = sections[key] { return known }
        let body = render()
        let printed = Printed(title: title, text: body).key
        let before = earlier(printed, place: place)
        // Once asked, `earlier` answers the same for ever: a key once placed keeps its place,
        // and one not placed (the bound reached) is never placed.
        if sections.count < Self.capacity { sections[key] = (body, before ?? places[printed]) }
        return (body, before)
    }

    /// Where the section `title` with this body was printed before; nil the first time, when
    /// `place` is remembered for it.
    mutating func earlier(_ title: String, _ body: String, place: String) -> String? {
        earlier(Printed(title: title, text: body).key, place: place)
    }

    /// Where the lone paragraph `text` was printed before, as `earlier(_:_:place:)`.
    mutating func earlier(paragraph text: String, place: String) -> String? {
        earlier(Printed(title: "", text: text).key, place: place)
    }

    private mutating func earlier(_ key: DigestKey<Printed>, place: String) -> String? {
        if let before = places[key] { return before }
        if places.count < Self.capacity { places[key] = place }
        return nil
    }
}
