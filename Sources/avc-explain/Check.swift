import ArgumentParser
import Dispatch
import Diagnosis
import ELFLoader
import Rendering
#if canImport(Glibc)
import Glibc
#endif

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say which binaries and libraries will need execmem, execstack or execmod, and why.",
        discussion: """
        Reads ELF headers only: executable-stack requests (PT_GNU_STACK RWE or missing, object files \
        without .note.GNU-stack), text relocations, read-write-execute segments, and for each \
        executable its whole load closure resolved the way ld.so would. Directories are searched \
        recursively; symlinks to files are checked under their own name, symlinked directories are \
        not entered; FIFOs, sockets and devices are skipped.

        EXIT STATUS
          0  nothing will need an exec* permission (a JIT library alone does not count)
          1  at least one file will
          2  a path could not be read (a file, a directory, a broken symlink, malformed ELF);
             2 wins over 1: the files that were read are still reported
         64  the command line was wrong
        """
    )

    @Argument(help: ArgumentHelp("Files or directories to check (inside --sysroot when given).", valueName: "path"))
    var paths: [String]

    @Flag(help: "Also list files that may need execmem because a JIT library is in their closure.")
    var showJit = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if [.summary, .markdown].contains(common.format) { throw ValidationError("check prints --format text or json") }
        if !common.sysroots.byNode.isEmpty { throw ValidationError("check reads one tree: --sysroot DIR, not NODE=DIR") }
    }

    func run() throws {
        let loader = common.makeLoader()
        let root = loader.root
        var verdicts: [PreflightVerdict] = []
        var unreadable: [(path: String, reason: String)] = []
        var files = 0, elfFiles = 0
        func cannotRead(_ path: String, _ why: String) {
            unreadable.append((path, why))
            Diagnostics.warn("\(path): \(why)")
        }
        // Files are inspected in batches on two threads, each with its own cache of parsed
        // libraries; results are put back in walk order.
        let inspectors = [Inspector(loader: loader), Inspector(loader: loader)]
        var batch: [(file: WalkedFile, shown: String)] = []
        func drain() {
            guard !batch.isEmpty else { return }
            let work = batch
            batch.removeAll(keepingCapacity: true)
            let results = UnsafeMutableBufferPointer<Inspector.Outcome>.allocate(capacity: work.count)
            results.initialize(repeating: .notELF)
            defer { results.deallocate() }
            nonisolated(unsafe) let out = results
            DispatchQueue.concurrentPerform(iterations: inspectors.count) { worker in
                for i in stride(from: worker, to: work.count, by: inspectors.count) {
                    out[i] = inspectors[worker].inspect(work[i].file)
                }
            }
            for (i, item) in work.enumerated() {
                switch results[i] {
                case .notELF:
                    continue
                case .verdict(var verdict):
                    elfFiles += 1
                    guard !verdict.reasons.isEmpty else { continue }
                    verdict.path = item.shown
                    verdicts.append(verdict)
                case .unreadable(let why):
                    cannotRead(item.shown, why)
                }
            }
        }
        for path in paths {
            let inRoot = root.isSystemRoot ? absolute(path) : path
            // Report paths the way they were given (relative stays relative), as scanelf does.
            let display = { (file: String) -> String in
                file.hasPrefix(inRoot) && inRoot != path ? path + file.dropFirst(inRoot.count) : file
            }
            root.walk(inRoot, visit: { file in
                files += 1
                batch.append((file, display(file.path)))
                if batch.count >= 4096 { drain() }
            }, problem: { where_, why in cannotRead(display(where_), why) })
            drain()
        }
        let report = CheckReport(verdicts: verdicts,
                                 filesSeen: files, elfFiles: elfFiles, unreadable: unreadable, sysroot: common.defaultSysroot)
        switch common.format {
        case .text, .summary, .markdown: print(CheckRenderer.text(report, color: common.color.enabled(forDescriptor: 1), showPossible: showJit), terminator: "")
        case .json: print(CheckRenderer.json(report).pretty())
        }
        // As grep and ripgrep: an unread path outranks a finding, since the answer is incomplete.
        if !report.unreadable.isEmpty { throw ExitCode(2) }
        if !report.flagged.isEmpty { throw ExitCode(1) }
    }

    /// Paths on the real root are resolved against the working directory, as any tool would.
    private func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: 4097)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" + path }
        let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (cwd == "/" ? "" : cwd) + "/" + path
    }
}

/// One thread's share of `check`: its own cache of parsed files, used by that thread alone.
private final class Inspector: @unchecked Sendable {
    enum Outcome { case notELF, verdict(PreflightVerdict), unreadable(String) }

    let loader: LoaderSearch
    var parsed = ELFCache()

    init(loader: LoaderSearch) { self.loader = loader }

    func inspect(_ file: WalkedFile) -> Outcome {
        do {
            guard let verdict = try Preflight.inspect(file, loader: loader, parsed: &parsed) else { return .notELF }
            return .verdict(verdict)
        } catch {
            return .unreadable("\(error)")
        }
    }
}
