import ELFLoader

/// What an object asks of the stack, read from PT_GNU_STACK and the architecture's default.
public enum StackRequest: String, Sendable {
    case executable       // PT_GNU_STACK with PF_X
    case missing          // no PT_GNU_STACK, on an ABI whose default is an executable stack
    case notExecutable

    init(_ elf: ELFFile) {
        if let flags = elf.gnuStackFlags {
            self = flags & 1 != 0 ? .executable : .notExecutable
        } else {
            self = Machine(of: elf).stackExecutableByDefault ? .missing : .notExecutable
        }
    }

    var asksForExecutableStack: Bool { self != .notExecutable }
}

/// The executable and its DT_NEEDED closure, reduced to what explains exec* denials.
public struct ProgramFacts: Sendable {
    public var closure: LoadClosure
    public var machine: Machine

    public var executable: LoadedObject { closure.objects[0] }
    public var executableStack: StackRequest { StackRequest(executable.elf) }

    /// Libraries (not the executable) that make ld.so turn the stack executable at start-up.
    public var execStackLibraries: [Int] {
        closure.objects.indices.dropFirst().filter { StackRequest(closure.objects[$0].elf).asksForExecutableStack }
    }

    public var textRelocationObjects: [Int] {
        closure.objects.indices.filter { closure.objects[$0].elf.dynamic?.textRelocations ?? false }
    }

    public var rwxSegmentObjects: [Int] {
        closure.objects.indices.filter { !closure.objects[$0].elf.writableExecutableSegments.isEmpty }
    }

    /// Code generators found in the closure, by library name or by dynamic symbol, with the clue.
    public var jitComponents: [JITMatch]

    /// glibc maps every thread stack with PROT_EXEC when it believes the process needs an
    /// executable stack: the executable asks for one (or has no PT_GNU_STACK, where glibc's
    /// default is executable), or a start-up library made the stack executable.
    public var threadStacksExecutable: Bool {
        executableStack.asksForExecutableStack || !execStackLibraries.isEmpty
    }

    /// `caches`: what earlier programs under the same root taught (see `ObjectCaches`).
    static func analyse(executable: String, loader: LoaderSearch, caches: inout ObjectCaches) -> Result<ProgramFacts, ELFError> {
        do {
            // The executable's symbols are read while it is open for its headers: it is new to
            // nearly every call, and opening it again would double its cost.
            var executableSymbols: [DynamicSymbol] = []
            let closure = try loader.closure(executable: executable, parsed: &caches.parsed) { elf, bytes in
                executableSymbols = (try? elf.dynamicSymbols(bytes, keeping: JITFingerprints.mayBeTelling)) ?? []
            }
            func clues(_ indices: Range<Int>) -> [JITMatch] {
                indices.flatMap { i -> [JITMatch] in
                    let object = closure.objects[i]
                    // Symbols are read only where the name alone does not settle it.
                    if let byName = caches.nameClue(of: object) {
                        return [JITMatch(index: i, component: byName.component, clue: "\(byName.clue)")]
                    }
                    let clues = i == 0 ? JITFingerprints.bySymbols(executableSymbols) : caches.symbolClues(of: object, root: loader.root)
                    return clues.map { JITMatch(index: i, component: $0.component, clue: "\(object.realPath) \($0.clue)") }
                }
            }
            var found = clues(0..<(closure.shared == nil ? closure.objects.count : 1))
            if let shared = closure.shared {
                // What follows the executable in a closure walked once for many programs is
                // matched once for all of them.
                if let known = caches.clues(ofShared: shared) {
                    found += known
                } else {
                    let matched = clues(1..<closure.objects.count)
                    caches.remember(matched, ofShared: shared)
                    found += matched
                }
            }
            // One match per generator: the library that is it, if the closure has one, with every clue.
            var jit: [JITMatch] = []
            for match in found where !jit.contains(where: { $0.component == match.component }) {
                let same = found.filter { $0.component == match.component }
                var best = same.first { closure.objects[$0.index].parent != nil && caches.nameClue(of: closure.objects[$0.index]) != nil } ?? match
                best.clue = same.map(\.clue).joined(separator: "; ")
                jit.append(best)
            }
            return .success(ProgramFacts(closure: closure, machine: Machine(of: closure.objects[0].elf), jitComponents: jit))
        } catch let error as ELFError {
            return .failure(error)
        } catch {
            return .failure(ELFError("\(error)"))
        }
    }
}
