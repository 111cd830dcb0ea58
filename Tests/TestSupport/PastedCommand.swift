import Foundation

/// What a printed command line does when pasted into `/bin/sh`, found without running any real
/// program: the line is checked with `sh -n`, then run by a shell whose PATH leads nowhere and
/// in which each command the line may name is a function that records its argv. A value that
/// escaped its quotes shows up as a different argv, an extra command ("not found" on stderr),
/// or a glob or substitution result.
public enum PastedCommand {
    /// Every command name the tool prints; `lddtree` also prints one word, for `$(lddtree …)`.
    static let names = ["readelf", "grep", "lddtree", "scanelf", "patchelf", "execstack", "semanage",
                        "restorecon", "setsebool", "ausearch", "chcon", "rpm", "dpkg"]

    /// The argv of each command the line ran, sorted (the stages of a pipeline run at once).
    public static func argvs(of line: String) throws -> [[String]] {
        let syntax = try Shell.run("/bin/sh", ["-n", "-c", line])
        guard syntax.status == 0 else { throw TestFailure("sh -n rejects \(line.debugDescription): \(syntax.stderr)") }
        let dir = try TemporaryDirectory("pasted")
        // One file per command name: the stages of a pipeline write at the same time.
        let functions = names.map { name in
            "\(name)() { { printf '%s\\0' \(name) \"$@\"; printf '\\n'; } >>\"$REC/\(name).argv\";\(name == "lddtree" ? " printf 'LIB\\n';" : "") }"
        }
        let script = "REC='\(dir.path)'\n" + functions.joined(separator: "\n") + "\n" + line + "\n"
        let r = try Shell.run("/usr/bin/env", ["-i", "PATH=/nonexistent", "/bin/sh", "-c", script], directory: dir.path)
        guard r.status == 0, r.stderr.isEmpty else {
            throw TestFailure("\(line.debugDescription) did not run as one command: status \(r.status), \(r.stderr)")
        }
        let bytes = names.reduce(into: Data()) { all, name in
            all += (try? Data(contentsOf: URL(fileURLWithPath: dir.path + "/" + name + ".argv"))) ?? Data()
        }
        return bytes.split(separator: UInt8(ascii: "\n")).map { entry in
            entry.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        }.sorted { $0.joined(separator: "\0") < $1.joined(separator: "\0") }
    }
}
