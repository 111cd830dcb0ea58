import AuditEvents

/// exec* denials (execmem, execstack, execheap, execmod, and the `execute` denials with the same
/// root cause): each classified, its culprits found in the program's closure, and folded into
/// the finding of the same mechanism, program, culprits and domain.
extension Diagnoser {
    /// `execute` denials that are exec* root causes: a code double mapping, or a mapping the
    /// READ_IMPLIES_EXEC personality made executable.
    static func isExecuteForCode(_ avc: AVC, _ syscall: Syscall?) -> Bool {
        isCodeDoubleMapping(avc) || isImpliedExecute(avc, syscall)
    }

    /// `execute` on a file the call asked to map without PROT_EXEC: only the READ_IMPLIES_EXEC
    /// personality adds it. The record shows the requested protection, not the effective one.
    static func isImpliedExecute(_ avc: AVC, _ syscall: Syscall?) -> Bool {
        guard avc.permissions.contains(.execute), avc.tclass == "file", let syscall else { return false }
        if Classifier.impliedExecute(syscall) != nil { return true }
        // i386 old_mmap passes the protection in memory: then the personality alone says it.
        let call = MemoryCall(syscall)
        return (call.kind == .mmap || call.kind == .mprotect) && (syscall.personality ?? 0) & Classifier.readImpliesExec != 0
    }

    /// `execute` on a memfd or a temporary file is the same root cause as execmem: a JIT or
    /// closure allocator that maps its code twice to avoid asking for execmem.
    static func isCodeDoubleMapping(_ avc: AVC) -> Bool {
        guard avc.permissions.contains(.execute) else { return false }
        if avc.tclass == "memfd_file" { return true }
        let path = avc.path ?? avc.name ?? ""
        return path.hasPrefix("/memfd:") || path.contains("orcexec.") || path.hasPrefix("/dev/shm/") || path.hasPrefix("memfd:")
    }

    mutating func addExec(_ event: Event, _ syscall: Syscall?, _ avcs: [AVC], _ effect: inout Effect) {
        let first = avcs[0]
        // In the order the kernel checks them (execstack, execheap or execmod before execmem),
        // whatever order the input printed the records in.
        let permissions = Mechanism.findingOrder.filter { p in avcs.contains { $0.permissions.contains(p) } }
        let exe = syscall?.exe ?? first.exe
        let programName = exe ?? first.comm ?? "?"
        let denials = avcs.reduce(0) { $0 + $1.permissions.count(where: permissions.contains) }
        // Past the bound only a finding kept already can count this denial, and its key names its
        // program: a program no kept finding names is counted unkept without its files being read
        // or the denial classified (in a log of 100,000 programs, most of them). Its closure is
        // not walked, so a cut in it is not noted either: the notes serve kept findings.
        if !hasRoomForFindings, !keptExecPrograms.contains(programName) { return countUnkept(denials, &effect) }
        let permSet = Set(permissions)
        let targetPath = avcs.lazy.compactMap { $0.path }.first ?? event.avcPath ?? avcs.lazy.compactMap { $0.name }.first
        let root = root(of: event)
        let facts = exe.map { program($0, root: root) }
        let analysed = facts.flatMap { try? $0.get() }
        // Each read once: every view of a record decodes its field again.
        let scontext = first.scontext, tcontext = first.tcontext
        // The call's fields are decoded once, for the finding's call row and the classification.
        let call = syscall.map(Self.summary)
        let memoryCall = call?.memoryCall
        let subject = scontext == nil ? syscall?.subject : nil
        let domain = shared(scontext?.type ?? subject?.type)
        let android = Platform.isAndroid(context: scontext?.description ?? subject?.description, path: exe ?? targetPath)
        let target = permSet.contains(.execmod) ? targetPath.map { targetFacts($0, closure: analysed, loader: roots[root]) } : nil
        let classification = Classifier.classify(permissions: permSet, syscall: syscall, call: memoryCall, mmap: event.mmap,
                                                 targetPath: targetPath, facts: analysed, target: target, android: android)
        var culprits = analysed.map { CulpritFinder.culprits(for: classification.mechanism, facts: $0, deniedFile: targetPath) } ?? []
        for i in culprits.indices { culprits[i] = traceStackRequest(culprits[i], root: root, closure: analysed?.closure) }
        if culprits.isEmpty, permSet.contains(.execmod), let targetPath {
            var c = Culprit(path: targetPath, reason: .deniedFile, detail: target?.detail ?? "is the file the execmod denial names",
                            chain: [targetPath], foundVia: ["AVC record"], jit: nil)
            c.kind = target?.kind
            culprits = [c]
        }
        let blocked = isBlocked(avcs, syscall)
        let files: FindingKey.ProgramFiles = facts == nil ? .noneNamed : analysed == nil ? .unreadable : .read
        let key = HashedFindingKey(.exec(mechanism: classification.mechanism, program: programName, culprits: culprits.map(\.path),
                                         domain: domain, files: files, factsNode: hosts.ownFactsNode(event.key.node)))
        let sighting = Sighting(event: event.key, pid: syscall?.pid ?? first.pid, blocked: blocked, permissions: permissions,
                                denials: denials)
        // Repeats of a known denial only add to its counts: nothing more is built for them.
        if fold(sighting, key: key, &effect) { return }
        // Past the bound a new finding is only counted: its facts would be built for nothing.
        guard hasRoomForFindings else { return countUnkept(sighting.denials, &effect) }
        keptExecPrograms.insert(programName)
        var needed = classification.evidenceNeeded
        let elfStatus: ELFStatus
        switch facts {
        case .some(.success(let f)):
            elfStatus = .analysed
            if culprits.isEmpty {
                needed += f.closure.problems.map { "\($0.name), needed by \(f.closure.objects[$0.requester].realPath), was not found (\($0.reason)); it may be the object at fault" }
            }
            if let cut = f.closure.cut {
                needed.append("the whole DT_NEEDED closure: the walk was cut at \(cut.objects) objects (avc-explain's bound) and \(cut.unsearchedEntries) DT_NEEDED \(cut.unsearchedEntries == 1 ? "entry" : "entries") left unsearched, so the object at fault may lie beyond the cut; lddtree on the program's host lists the whole closure")
            } else if (classification.mechanism == .loaderExecStack || classification.mechanism == .threadStackExec) && culprits.isEmpty {
                needed.append("no object in the DT_NEEDED closure asks for an executable stack: the library was probably loaded with dlopen() or LD_PRELOAD; look for it in /proc/PID/maps while the program runs, or run it with LD_DEBUG=libs")
            }
        case .some(.failure(let error)):
            elfStatus = .unavailable(error.reason)
            if exe != nil {
                needed.append("the ELF headers of the executable and its libraries: run the commands below where the program is installed, or copy its files here and run avc-explain --sysroot DIR on the same log")
            }
        case .none:
            elfStatus = .unavailable("the records name no executable")
        }
        let finding = Finding(
            mechanism: classification.mechanism, permissions: permissions, tclass: first.tclass, target: targetPath,
            tcontext: shared(tcontext?.description), outcomes: Outcomes(blocked: blocked), permissionSets: [permissions],
            process: ProcessInfo(exe: exe, comm: syscall?.comm ?? first.comm, pids: PidList([sighting.pid].compactMap { $0 }),
                                 scontext: shared(scontext?.description), domain: domain,
                                 bits: analysed.map { $0.executable.elf.elfClass == .elf64 ? 64 : 32 } ?? syscall.flatMap(Self.bits)),
            count: 1, denials: sighting.denials,
            firstSeen: event.key.id, lastSeen: event.key.id, events: EventList([event.key]), call: call, proctitle: event.proctitle,
            why: "", evidence: classification.evidence, evidenceNeeded: needed, culprits: culprits, booleans: [], fixes: [],
            commandsToRun: [],
            elf: elfStatus, source: first.source)
        insert(finding, key: key, sighting: sighting, &effect)
    }
}
