import Foundation
import Testing
import TestSupport
@testable import ELFLoader

/// Random trees where a few library names are everywhere: in several directories, as sonames
/// of other files, as programs' sonames and the interpreter's name, needed by path and by
/// name, searched through DT_RPATH, DT_RUNPATH (plain, $ORIGIN, through a symlinked
/// directory), with DF_1_NODEFLIB or of the wrong class. Every program's closure walked after
/// any others through one cache is the closure walked alone; a failing seed replays.
@Suite struct RandomTreeClosureTests {
    struct Tree {
        let dir: TemporaryDirectory
        var programs: [String] = []
        var random: SplitMix

        static let directories = ["/usr/lib", "/opt/a/lib", "/opt/b/lib", "/opt/c/lib"]
        static let names = (0..<5).map { "lib\($0).so" }
        static let paths = [nil, "/opt/b/lib", "$ORIGIN", "$ORIGIN/../../b/lib", "/opt/l/lib", "/opt/c/lib:$ORIGIN/../../a/lib"]

        init(seed: UInt64) throws {
            dir = try TemporaryDirectory("random-tree")
            random = SplitMix(seed: seed)
            try FileManager.default.createDirectory(atPath: dir.path + "/opt", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: dir.path + "/opt/l", withDestinationPath: "a")
            var libraries: [String] = []
            for d in Self.directories {
                for name in Self.names where chance(2, in: 3) {
                    try write(d + "/" + name, soname: chance(1, in: 8) ? pick(Self.names + ["libexe.so"]) : name, program: false)
                    libraries.append(d + "/" + name)
                }
            }
            for n in 0..<3 where !libraries.isEmpty {
                let link = dir.path + pick(Self.directories) + "/libs\(n).so"
                try? FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: pick(libraries))
            }
            for k in 0..<10 {
                let path = "/opt/p\(k)/bin/prog"
                try write(path, soname: chance(1, in: 4) ? pick(Self.names + ["libexe.so"]) : nil, program: true)
                programs.append(path)
            }
            // The same executables under other names, and a library analysed as a program.
            try FileManager.default.createSymbolicLink(atPath: dir.path + "/opt/p0/bin/other", withDestinationPath: "../../p1/bin/prog")
            programs += ["/opt/p0/bin/other", "/opt/l/lib/lib0.so", "/usr/lib/lib1.so"]
        }

        private mutating func chance(_ n: UInt64, in d: UInt64) -> Bool { random.next() % d < n }
        private mutating func pick<T>(_ from: [T]) -> T { from[Int(random.next() % UInt64(from.count))] }

        private mutating func write(_ path: String, soname: String?, program: Bool) throws {
            var elf = ELFWriter.named(chance(1, in: 10) ? "i386" : "x86_64")
            elf.type = 3
            elf.interpreter = program ? pick(["/lib64/ld-linux-x86-64.so.2", "/lib/lib4.so", nil]) : nil
            elf.soname = soname
            elf.needed = (0..<(random.next() % 4 + (program ? 1 : 0))).map { _ in
                switch random.next() % 10 {
                case 0: return pick(Self.directories) + "/" + pick(Self.names)
                case 1: return "/opt/p\(random.next() % 10)/bin/prog"
                case 2: return "libexe.so"
                default: return pick(Self.names)
                }
            }
            elf.rpath = chance(1, in: 2) ? pick(Self.paths) : nil
            elf.runpath = chance(1, in: 2) ? pick(Self.paths) : nil
            elf.noDefaultLibraries = chance(1, in: 8)
            try elf.write(to: dir.path + path)
        }
    }

    private func described(_ closure: LoadClosure) -> [String] {
        closure.objects.map { "\($0.path) -> \($0.realPath) as \($0.neededName) from \($0.parent.map(String.init) ?? "-") via \($0.foundVia)" }
            + closure.problems.map { "missing \($0.name) for \($0.requester): \($0.reason)" }
            + [closure.cut.map { "cut at \($0.objects), \($0.unsearchedEntries) unsearched" } ?? "complete"]
    }

    @Test(arguments: 0..<24)
    func closuresAfterOthersAreClosuresAlone(seed: UInt64) throws {
        var tree = try Tree(seed: seed)
        let loader = LoaderSearch(root: FileSystemRoot(directory: tree.dir.path))
        let programs = tree.programs
        let alone = Dictionary(uniqueKeysWithValues: programs.map { ($0, (try? loader.closure(executable: $0)).map(described)) })
        var orders = [programs, programs.reversed()] + programs.map { [$0] + programs }
        for _ in 0..<4 {
            var order = programs
            for i in order.indices.reversed() { order.swapAt(i, Int(tree.random.next() % UInt64(i + 1))) }
            orders.append(order)
        }
        var shared = 0
        for order in orders {
            var parsed = ELFCache()
            for program in order {
                let closure = try? loader.closure(executable: program, parsed: &parsed)
                if closure?.shared != nil { shared += 1 }
                #expect(closure.map(described) == alone[program], "seed \(seed): \(program) in \(order)")
            }
        }
        #expect(shared > 0, "seed \(seed) shares no walk")
    }
}
