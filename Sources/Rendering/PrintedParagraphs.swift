/// What a report already printed in full, and where: a long report prints each stretch of
/// boilerplate once (the same policy caveat, rebuild recipe, stopgap) and later findings point
/// to it ("as for [1]"). Only keys and places are kept, never a whole report, and at most
/// `capacity` of them: past that, repeats are printed in full again.
struct PrintedParagraphs {
    private var places: [String: String] = [:]
    static let capacity = 2_000
    /// A lone paragraph shorter than this is printed again: a reference would be no shorter.
    static let shortest = 80

    /// Where `key` was printed before; nil the first time, when `place` is remembered for it.
    mutating func earlier(_ key: String, place: String) -> String? {
        if let before = places[key] { return before }
        if places.count < Self.capacity { places[key] = place }
        return nil
    }
}
