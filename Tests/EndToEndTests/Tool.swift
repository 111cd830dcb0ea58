import Foundation
import TestSupport

/// Runs the built avc-explain from the package root, in a fixed time zone, a UTF-8 locale and
/// without colour; output is a pipe, so text is 80 columns wide unless `environment` says COLUMNS.
enum Tool {
    static func run(_ args: [String], input: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "UTC"
        env["NO_COLOR"] = "1"
        env["LC_ALL"] = "C.UTF-8"
        env["COLUMNS"] = nil
        env.merge(environment) { $1 }
        return try Shell.run(Package.tool, args, input: input.map { Data($0.utf8) }, environment: env, directory: Package.root)
    }

    /// The tool in a mount namespace of its own where `dev` (a directory holding a `log`
    /// socket) is mounted on /dev, so its syslog lines reach the test's socket, as auditd would
    /// start it for `--plugin`. Needs root (unshare).
    static func runWithDevLog(_ dev: String, _ args: [String], input: String) throws -> ProcessResult {
        try Shell.run("/usr/bin/unshare", [
            "--mount", "sh", "-c", "mount --bind \"$1\" /dev && shift && exec \"$@\"", "sh", dev, Package.tool,
        ] + args, input: Data(input.utf8))
    }

    /// `--format json` (of `check` too), held to its schema and parsed.
    static func json(_ args: [String], input: String? = nil) throws -> (ProcessResult, [String: Any]) {
        // Options follow the subcommand, when there is one.
        let check = args.first == "check"
        let full = check ? ["check", "--format", "json"] + args.dropFirst() : ["--format", "json"] + args
        let r = try run(full, input: input)
        do {
            return (r, try parsed(r.stdout, schema: check ? .check : .report))
        } catch let failure as TestFailure {
            throw TestFailure("\(failure)\nstderr:\n\(r.stderr)")
        }
    }

    /// One JSON document the tool wrote, held to its schema and parsed.
    static func parsed(_ text: String, schema: OutputSchema) throws -> [String: Any] {
        try SchemaValidation.validate(text, against: schema)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestFailure("not a JSON object:\n\(text)")
        }
        return object
    }

    /// The live modes' JSON Lines, every record held to schema/avc-explain-lines-1, parsed.
    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        try SchemaValidation.validate(text, against: .lines)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestFailure("not a JSON object: \(line)")
            }
            return object
        }
    }

    static func findings(_ report: [String: Any]) -> [[String: Any]] {
        report["findings"] as? [[String: Any]] ?? []
    }

    static func culpritPaths(_ finding: [String: Any]) -> [String] {
        (finding["culprits"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
    }
}

/// The programs the sample logs name, built once per test run under .build/ (git ignores it).
enum SampleRoot {
    static let relative = ".build/sample-sysroot"

    static let built: Result<String, TestFailure> = {
        let dir = Package.root + "/" + relative
        try? FileManager.default.removeItem(atPath: dir)
        do {
            let r = try Shell.run("/bin/sh", [Package.root + "/SampleLogs/build-sysroot.sh", dir])
            guard r.status == 0 else { return .failure(TestFailure("build-sysroot.sh failed:\n\(r.stdout)\(r.stderr)")) }
            return .success(relative)
        } catch {
            return .failure(TestFailure("\(error)"))
        }
    }()
}
