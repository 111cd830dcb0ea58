import Foundation

/// The published JSON Schemas in schema/, one for each JSON output of the tool.
public enum OutputSchema: String, Sendable {
    /// `--format json` in file mode: one document, schema `avc-explain/1`.
    case report = "avc-explain-1"
    /// The live modes' JSON Lines, schema `avc-explain-lines/1`: one document per line.
    case lines = "avc-explain-lines-1"
    /// `check --format json`, schema `avc-explain-check/1`.
    case check = "avc-explain-check-1"

    public var path: String { Package.root + "/schema/" + rawValue + ".schema.json" }
}

/// Holds every JSON output of the test suite to its schema, through Tests/Schema/validate.py
/// (python3-jsonschema, Draft 2020-12, date-time checked): a mismatch fails the test with the
/// validator's message.
public enum SchemaValidation {
    /// Counts validations made inside a task, so a test can see that an output path validates.
    public final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        public init() {}
        public var count: Int { lock.withLock { value } }
        func add() { lock.withLock { value += 1 } }
    }

    @TaskLocal public static var counter: Counter?

    public static let validator = Package.root + "/Tests/Schema/validate.py"

    /// Throws, with the validator's words, unless `text` matches `schema`.
    public static func validate(_ text: String, against schema: OutputSchema) throws {
        let r = try Shell.run("/usr/bin/python3", [validator, schema.path] + (schema == .lines ? ["--lines"] : []),
                              input: Data(text.utf8))
        counter?.add()
        guard r.status == 0 else {
            throw TestFailure("output does not match schema/\(schema.rawValue).schema.json:\n\(r.stderr)\n--- output (first 2,000 characters):\n\(text.prefix(2000))")
        }
    }
}
