import Foundation
import Testing
import TestSupport
@testable import ELFLoader
@testable import Diagnosis

/// The caches a run shares between programs (a closure's part below the executable's own
/// dependencies walked once, searches under a plain DT_RUNPATH answered once, the code
/// generators of a shared part found once) never change a program's closure or what is found
/// in it: each program, analysed after any others in one run, gets what a run analysing it
/// alone gets. The tree gives many programs the same dependency names resolving differently.
@Suite struct ClosureCacheDifferentialTests {
    /// Everything a closure says, and the code generators found in it, as text to compare.
    static func described(_ result: Result<ProgramFacts, ELFError>) -> [String] {
        guard case .success(let facts) = result else { return ["unreadable"] }
        let closure = facts.closure
        return closure.objects.map { "\($0.path) -> \($0.realPath) as \($0.neededName) from \($0.parent.map(String.init) ?? "-") via \($0.foundVia)" }
            + closure.problems.map { "missing \($0.name) for \($0.requester): \($0.reason)" }
            + [closure.cut.map { "cut at \($0.objects), \($0.unsearchedEntries) unsearched" } ?? "complete"]
            + facts.execStackLibraries.map { "executable stack asked by \($0)" }
            + facts.jitComponents.map { "\($0.component.name) at \($0.index): \($0.clue)" }
    }

    /// Orders to analyse the programs in: as listed, reversed, shuffled, and each one first
    /// (before the others but those past the bound of objects, whose walks are long).
    static func orders(_ programs: [String], long: Set<String>) -> [[String]] {
        var random = SplitMix(seed: 0x5eed)
        let shuffles = (0..<4).map { _ in
            var order = programs
            for i in order.indices.reversed() { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
            return order
        }
        let short = programs.filter { !long.contains($0) }
        return [programs, programs.reversed()] + shuffles + short.map { [$0] + short }
    }

    @Test(arguments: [false, true])
    func eachProgramIsAnalysedAsIfAlone(withCache: Bool) throws {
        let tree = try SharedNameTree(withCache: withCache, objectBound: LoaderSearch.maxObjects)
        let loader = LoaderSearch(root: FileSystemRoot(directory: tree.dir.path))
        #expect((loader.cacheProblem == nil) == withCache)
        let alone = Dictionary(uniqueKeysWithValues: tree.programs.map { program in
            var caches = ObjectCaches()
            return (program, Self.described(ProgramFacts.analyse(executable: program, loader: loader, caches: &caches)))
        })
        // The tree is telling: programs with the same dependency names end up with different closures.
        #expect(Set(alone.values.map { $0.dropFirst() }).count >= tree.programs.count - 8)
        for cut in ["/opt/s/bin/prog", "/opt/wide/bin/prog"] {
            #expect(alone[cut]?.contains { $0.hasPrefix("cut at \(LoaderSearch.maxObjects)") } == true, "\(cut)")
        }
        // Code generators by their symbols: the executable's imports, and a library's below the first.
        #expect(alone["/opt/gcc/bin/prog"]?.contains { $0.contains("/opt/gcc/bin/prog imports pcre2_jit_compile_8") } == true)
        #expect(alone["/opt/a/bin/prog"]?.contains { $0.hasSuffix("/usr/lib/libsym.so defines ffi_closure_alloc") } == true)
        var sharedParts = 0
        for order in Self.orders(tree.programs, long: ["/opt/s/bin/prog", "/opt/t/bin/prog", "/opt/u/bin/prog", "/opt/wide/bin/prog", "/opt/wide2/bin/prog"]) {
            var caches = ObjectCaches()
            var diagnoser = Diagnoser(loader: loader)
            for program in order {
                let facts = ProgramFacts.analyse(executable: program, loader: loader, caches: &caches)
                if case .success(let f) = facts, f.closure.shared != nil { sharedParts += 1 }
                #expect(Self.described(facts) == alone[program], "\(program) in \(order)")
                #expect(Self.described(diagnoser.program(program)) == alone[program], "\(program) through a Diagnoser in \(order)")
            }
        }
        #expect(sharedParts > 0)
    }
}
