#if canImport(Glibc)
import Glibc
#endif
import ELFLoader

/// What /proc says of a process that is still running: its executable and its memory map,
/// which shows what the log cannot — libraries loaded with dlopen(), and what kind of memory
/// the denied call touched.
public struct ProcessSnapshot: Sendable {
    public struct Mapping: Sendable, Equatable {
        public var start: UInt64
        public var end: UInt64
        public var permissions: String
        /// A file path, `[stack]`, `[heap]`, or empty for anonymous memory.
        public var name: String
    }

    public var pid: Int64
    public var exe: String?
    public var mappings: [Mapping]

    /// Nil when the process is gone (short-lived programs often are by the time the AVC is read).
    public static func read(pid: Int64) -> ProcessSnapshot? {
        // A live session asks this for every new finding, and most of their processes are
        // gone: signal 0 (nothing is sent) tells so without a path walk in /proc. The map is
        // opened directly, not resolved component by component as files inside a root are.
        guard pid > 0, pid <= Int64(Int32.max), kill(pid_t(pid), 0) == 0 || errno == EPERM,
              let bytes = (try? FileBytes(path: "/proc/\(pid)/maps"))?.contents(limit: 4 << 20) else { return nil }
        let maps = String(decoding: bytes, as: UTF8.self)
        var mappings: [Mapping] = []
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5 else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16) else { continue }
            let name = fields.count == 6 ? String(fields[5]).trimmingLeadingSpaces() : ""
            mappings.append(Mapping(start: start, end: end, permissions: String(fields[1]), name: name))
        }
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink("/proc/\(pid)/exe", &buffer, 4096)
        let exe = n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        return ProcessSnapshot(pid: pid, exe: exe, mappings: mappings)
    }

    public func mapping(containing address: UInt64) -> Mapping? {
        mappings.first { $0.start <= address && address < $0.end }
    }

    /// Shared objects mapped now, in map order, each once.
    public var libraries: [String] {
        var seen: [String] = []
        for m in mappings where m.name.hasPrefix("/") && (m.name.hasSuffix(".so") || m.name.contains(".so.")) && !seen.contains(m.name) {
            seen.append(m.name)
        }
        return seen
    }
}

extension String {
    func trimmingLeadingSpaces() -> String {
        String(drop { $0 == " " })
    }
}

extension Diagnoser {
    /// Adds what the running process shows to a finding: where the denied address lies, and
    /// libraries loaded at run time that explain it. Facts from /proc are listed as such.
    public mutating func enrich(_ index: Int, with snapshot: ProcessSnapshot) {
        var f = findingForUpdate(index)
        var facts: [String] = []
        if let address = f.call?.args.first ?? nil, let m = snapshot.mapping(containing: address) {
            let what = m.name.isEmpty ? "anonymous memory" : m.name
            facts.append("from /proc/\(snapshot.pid)/maps: 0x\(String(address, radix: 16)) lies in \(what) (\(m.permissions) now)")
        }
        let known = Set(f.culprits.map(\.path))
        let program = f.process.exe.flatMap { try? self.program($0).get() }
        let closure = Set(program.map { $0.closure.objects.map(\.realPath) } ?? [])
        // ld.so itself is mapped in every dynamic program but is no DT_NEEDED entry.
        let interpreter = program?.executable.elf.interpreter.flatMap { loader.root.resolve($0) }
        let runtime = snapshot.libraries.filter { !closure.contains($0) && $0 != interpreter && loader.root.resolve($0) != interpreter }
        if !runtime.isEmpty {
            facts.append("from /proc/\(snapshot.pid)/maps: loaded at run time, outside the DT_NEEDED closure: " + runtime.joined(separator: ", "))
        }
        let mechanism = f.mechanism ?? .unknown
        for path in runtime where !known.contains(path) {
            guard let elf = try? loader.readELF(path) else { continue }
            let chain = [snapshot.exe ?? f.process.exe ?? "?", path]
            let via = ["executable", "loaded at run time (seen in /proc/\(snapshot.pid)/maps)"]
            if mechanism == .loaderExecStack || mechanism == .threadStackExec,
               let culprit = Culprit.stackRequest(path: path, elf: elf, chain: chain, foundVia: via) {
                f.culprits.append(culprit)
            }
        }
        f.liveFacts += facts
        f.evidenceNeeded.removeAll { $0.contains("dlopen") && !f.culprits.isEmpty }
        store(f, at: index)
    }
}
