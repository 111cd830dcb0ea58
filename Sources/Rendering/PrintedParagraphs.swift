/// What a report already printed in full, and where: a long report prints each stretch of
/// boilerplate once (the same policy caveat, rebuild recipe, stopgap) and later findings point
/// to it ("as for [1]"). Only keys and places are kept (and the section bodies the keys were
/// made of), never a whole report, and at most `capacity` of each: past that, repeats are
/// printed in full again.
struct PrintedParagraphs {
    private var places: [String: String] = [:]
    static let capacity = 2_000
    /// A lone paragraph shorter than this is printed again: a reference would be no shorter.
    static let shortest = 80

    /// Section bodies rendered whole, by title and source texts: most findings of a long report
    /// share their Why and Fix sections, which are then looked up here, not wrapped again. As
    /// bounded as `places`: past it, bodies are rendered each time.
    private var rendered: [String: String] = [:]

    /// The body rendered from `source` under `title`, rendered by `render` the first time.
    mutating func rendered(_ title: String, _ source: [String], render: () -> String) -> String {
        // Each text with its length before it: no two lists of texts make the same key. Built
        // in one string: every section of every finding asks.
        var key = ""
        for text in [title] + source {
            key += String(text.utf8.count)
            key += ":"
            key += text
        }
        if let body = rendered[key] { return body }
        let body = render()
        if rendered.count < Self.capacity { rendered[key] = body }
        return body
    }

    /// Where `key` was printed before; nil the first time, when `place` is remembered for it.
    mutating func earlier(_ key: String, place: String) -> String? {
        if let before = places[key] { return before }
        if places.count < Self.capacity { places[key] = place }
        return nil
    }
}
