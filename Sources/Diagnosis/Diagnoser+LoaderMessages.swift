import AuditInput
import AuditEvents
import ELFLoader

/// glibc's own error lines ("cannot enable executable stack", "cannot restore segment prot
/// after reloc"), with or without an AVC beside them: a finding each, folded like denials.
extension Diagnoser {
    /// glibc's "cannot enable executable stack" or "cannot restore segment prot after reloc"
    /// error, with or without an AVC beside it.
    public mutating func add(_ message: LoaderMessage) {
        touched.removeAll(keepingCapacity: true)
        let exe = message.program.flatMap { $0.hasPrefix("/") ? $0 : nil }
        let textrel = message.kind == .textRelocation
        let key = HashedFindingKey(.loader(textRelocation: textrel, object: message.object, program: exe ?? message.program ?? "?",
                                           reason: message.reason))
        var effect = Effect()
        let sighting = Sighting(event: nil, pid: nil, blocked: true, permissions: [], denials: 0)
        // A repeat only counts: the object is looked for (files read) once per finding.
        if fold(sighting, key: key, &effect) { return }
        var needed: [String] = []
        var culprits = loaderMessageCulprits(message, executable: exe)
        for i in culprits.indices { culprits[i] = traceStackRequest(culprits[i]) }
        let invalid = message.reason.hasPrefix("Invalid argument")
        let evidence = textrel
            ? ["\"cannot restore segment prot after reloc: \(message.reason)\" is glibc's loader failing to make a library's code executable again after writing its text relocations into it; a security module refused that mprotect (execmod, on glibc 2.28 and older)"]
            : invalid
            ? ["\"Invalid argument\" (EINVAL) is glibc refusing by itself: since 2.41 dlopen() no longer makes the stack executable, and glibc.rtld.execstack=0 refuses at start-up too; no AVC is logged"]
            : ["\"\(message.reason)\" is the error of the stack mprotect: a security module refused it; the AVC (execstack or execmem) gives the domain"]
        if !invalid {
            let filter: [ShellCommand.Word] = message.program.map { ["-c", .value(Advice.comm(of: $0))] } ?? []
            needed.append("the AVC record: " + ShellCommand(["ausearch", "-m", "avc", "-ts", "recent"] + filter + ["--raw"]).inProse)
        }
        let finding = Finding(
            mechanism: textrel ? .textRelocation : .loaderExecStack, permissions: [], tclass: nil, target: message.object, tcontext: nil,
            outcomes: Outcomes(blocked: true), permissionSets: [],
            process: ProcessInfo(exe: exe, comm: message.program.map(Advice.comm(of:)), pids: [], scontext: nil, domain: nil),
            count: 1, denials: 0, firstSeen: EventID(seconds: 0, milliseconds: 0, serial: 0), lastSeen: EventID(seconds: 0, milliseconds: 0, serial: 0),
            events: EventList(), call: nil, proctitle: nil, why: "", evidence: evidence, evidenceNeeded: needed, culprits: culprits,
            booleans: [], fixes: [], commandsToRun: [], elf: exe == nil ? .notNeeded : .analysed, source: message.source,
            loaderError: message.reason)
        insert(finding, key: key, sighting: sighting, &effect)
    }

    /// The object the loader names, found in the program's closure, else read by its own path.
    private mutating func loaderMessageCulprits(_ message: LoaderMessage, executable exe: String?) -> [Culprit] {
        let textrel = message.kind == .textRelocation
        if let exe, case .success(let f) = program(exe),
           let i = f.closure.objects.firstIndex(where: { $0.neededName == message.object || $0.path == message.object || $0.realPath == message.object }) {
            let found = textrel
                ? (f.textRelocationObjects.contains(i) ? [CulpritFinder.textrelCulprit(f, i)] : [])
                : CulpritFinder.culprits(for: .loaderExecStack, facts: f, deniedFile: nil).filter { $0.path == f.closure.objects[i].realPath }
            if !found.isEmpty { return found }
        }
        let via = ["named by the loader's message"]
        let path = message.object.hasPrefix("/") ? loader.root.resolve(message.object) : nil
        if let path, let elf = try? loader.readELF(path) {
            if textrel, elf.dynamic?.textRelocations ?? false {
                return [Culprit(path: path, reason: .textRelocations, detail: "has text relocations (DT_TEXTREL): the loader must write into its code to relocate it",
                                chain: [path], foundVia: via, jit: nil, kind: ObjectKind(path: path, elf: elf))]
            }
            if !textrel, let culprit = Culprit.stackRequest(path: path, elf: elf, chain: [path], foundVia: via) { return [culprit] }
        }
        let detail = textrel
            ? "is the object the loader names; check it with readelf -d (TEXTREL) or scanelf -t"
            : "is the object the loader names; check it with readelf -lW (GNU_STACK … RWE) or scanelf -e"
        return [Culprit(path: message.object, reason: textrel ? .textRelocations : .gnuStackExecutable, detail: detail,
                        chain: [message.object], foundVia: via, jit: nil)]
    }
}
