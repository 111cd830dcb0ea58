import ArgumentParser
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
        not entered.

        EXIT STATUS
          0  nothing will need an exec* permission (a JIT library alone does not count)
          1  at least one file will
          2  a path could not be read
         64  the command line was wrong
        """
    )

    @Argument(help: ArgumentHelp("Files or directories to check (inside --sysroot when given).", valueName: "path"))
    var paths: [String]

    @Flag(help: "Also list files that may need execmem because a JIT library is in their closure.")
    var showJit = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        let loader = common.loader
        let root = loader.root
        var parsed = ELFCache()
        var verdicts: [PreflightVerdict] = []
        var unreadable: [(path: String, reason: String)] = []
        var files = 0, elfFiles = 0
        var missingPath = false
        for path in paths {
            let inRoot = root.isSystemRoot ? absolute(path) : path
            // Report paths the way they were given (relative stays relative), as scanelf does.
            let display = { (file: String) -> String in
                file.hasPrefix(inRoot) && inRoot != path ? path + file.dropFirst(inRoot.count) : file
            }
            root.walk(inRoot, visit: { file in
                files += 1
                do {
                    guard let verdict = try Preflight.inspect(file, loader: loader, parsed: &parsed) else { return }
                    elfFiles += 1
                    if !verdict.reasons.isEmpty {
                        var shown = verdict
                        shown.path = display(file.path)
                        verdicts.append(shown)
                    }
                } catch {
                    elfFiles += 1
                    unreadable.append((display(file.path), "\(error)"))
                    Diagnostics.warn("\(display(file.path)): could not read ELF: \(error)")
                }
            }, problem: { where_, why in
                if where_ == inRoot { missingPath = true }
                Diagnostics.warn("\(display(where_)): \(why)")
            })
        }
        let report = CheckReport(verdicts: verdicts,
                                 filesSeen: files, elfFiles: elfFiles, unreadable: unreadable, sysroot: common.sysroot)
        switch common.format {
        case .text: print(CheckRenderer.text(report, color: common.color.enabled(forDescriptor: 1), showPossible: showJit), terminator: "")
        case .json: print(CheckRenderer.json(report).pretty())
        }
        if missingPath { throw ExitCode(2) }
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
