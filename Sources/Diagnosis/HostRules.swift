/// What the host's facts mean for a finding: the versions the kernel's and glibc's rules
/// compare, the packaging, and the processes that are the finding's.
extension HostFacts {
    /// A dotted version's leading numbers: `4.18.0-553.el8_10.x86_64` → [4, 18, 0], `2.28` → [2, 28].
    /// Stops at the first part that does not start with a digit; nil when none does.
    static func numbers(_ text: String, count: Int) -> [Int]? {
        var out: [Int] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            let digits = part.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int(digits), out.count < count else { break }
            out.append(n)
            // `0-553` ends the version: what follows the dash is the distribution's release.
            if digits.count < part.count { break }
        }
        guard !out.isEmpty else { return nil }
        return out + Array(repeating: 0, count: count - out.count)
    }

    /// `4.18.0-553.el8_10.x86_64` → (4, 18, 0).
    public static func kernelVersion(_ release: String) -> (major: Int, minor: Int, patch: Int)? {
        numbers(release, count: 3).map { ($0[0], $0[1], $0[2]) }
    }

    /// `2.28` (or `2.28-251.el8_10.2`) → (2, 28).
    public static func glibcVersion(_ version: String) -> (major: Int, minor: Int)? {
        numbers(version, count: 2).map { ($0[0], $0[1]) }
    }

    public var kernel: (major: Int, minor: Int, patch: Int)? { kernelRelease.flatMap { Self.kernelVersion($0.value) } }
    public var glibc: (major: Int, minor: Int)? { glibcVersion.flatMap { Self.glibcVersion($0.value) } }

    /// x86 decides READ_IMPLIES_EXEC by its own rule; nil when the architecture is not known.
    var isX86: Bool? {
        let x86 = ["x86_64", "amd64", "i386", "i486", "i586", "i686"]
        if let arch = architecture?.value { return x86.contains(arch) }
        guard let release = kernelRelease?.value else { return nil }
        return x86.contains { release.hasSuffix($0) } ? true : nil
    }

    /// "Linux 4.18.0-553.el8_10.x86_64 (sos_commands/kernel/uname_-a)".
    var kernelNamed: String? { kernelRelease.map { "Linux \($0.value) (\($0.source))" } }
    var glibcNamed: String? { glibcVersion.map { "glibc \($0.value) (\($0.source))" } }

    enum Packaging { case rpm, dpkg }

    /// How this host's packages are asked which one owns a file, judged by the list the glibc
    /// version was read from (`installed-rpms`, `sos_commands/dpkg/dpkg_-l`).
    var packaging: Packaging? {
        guard let source = glibcVersion?.source else { return nil }
        if source.contains("rpm") { return .rpm }
        if source.contains("dpkg") || source.contains("deb") { return .dpkg }
        return nil
    }

    /// At most this many processes are named for one finding.
    static let maxRunning = 8

    /// The report's processes that are this finding's: the denied pids running the same program
    /// (a pid alone may have been reused), else any process running the executable's path.
    func running(_ f: Finding) -> [RunningProcess] {
        guard let list = processes?.value else { return [] }
        func program(_ p: RunningProcess) -> String { String(p.command.split(separator: " ").first ?? "") }
        func sameProgram(_ p: RunningProcess) -> Bool {
            let argv0 = program(p), name = Advice.base(argv0)
            if let exe = f.process.exe, argv0 == exe || name == Advice.base(exe) { return true }
            // comm is the name cut to 15 bytes.
            if let comm = f.process.comm, !comm.isEmpty, name.hasPrefix(comm) { return true }
            return false
        }
        let byPid = list.filter { f.process.pids.contains($0.pid) && sameProgram($0) }
        let found = byPid.isEmpty ? list.filter { p in f.process.exe.map { program(p) == $0 } ?? false } : byPid
        return Array(found.prefix(Self.maxRunning))
    }
}
