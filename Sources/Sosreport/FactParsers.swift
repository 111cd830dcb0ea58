import Diagnosis

/// Readers of the command outputs and files sos collects. Each takes the file's text and gives
/// the fact, or nil when the text does not hold it.
enum FactParsers {
    static func lines(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    static func fields(_ line: Substring) -> [Substring] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }

    /// `hostname`: its first non-blank line.
    static func hostname(_ text: String) -> String? {
        lines(text).map { fields($0) }.first { !$0.isEmpty }.flatMap { $0.count == 1 ? String($0[0]) : nil }
    }

    /// `uname -a`: `Linux NODE RELEASE VERSION… MACHINE [PROCESSOR PLATFORM] GNU/Linux`. The version
    /// holds spaces, so the machine is read from the end: the word before the system's name.
    static func uname(_ text: String) -> (release: String, machine: String?)? {
        guard let line = lines(text).first else { return nil }
        let words = fields(line)
        guard words.count >= 3, words[0] == "Linux" else { return nil }
        let machine = words.count >= 5 && words.last == "GNU/Linux" ? String(words[words.count - 2]) : nil
        return (String(words[2]), machine)
    }

    /// `installed-rpms`: `glibc-2.28-251.el8_10.x86_64   Mon 01 Jan 2024 …` lines (NAME-VERSION-RELEASE.ARCH);
    /// the one of `architecture` when there are several.
    static func glibcFromRPMs(_ text: String, architecture: String?) -> String? {
        var found: [(version: String, arch: String)] = []
        for line in lines(text) {
            guard let nevra = fields(line).first, nevra.hasPrefix("glibc-") else { continue }
            let parts = nevra.split(separator: "-")
            guard parts.count == 3, parts[0] == "glibc", let dot = parts[2].lastIndex(of: ".") else { continue }
            found.append((String(parts[1]), String(parts[2][parts[2].index(after: dot)...])))
        }
        return (found.first { $0.arch == architecture } ?? found.first)?.version
    }

    /// `dpkg -l`: `ii  libc6:amd64  2.36-9+deb12u4  amd64  GNU C Library…`; the upstream version.
    static func glibcFromDpkg(_ text: String) -> String? {
        for line in lines(text) {
            let words = fields(line)
            guard words.count >= 3, words[0].hasSuffix("i"), words[0].count == 2,
                  words[1] == "libc6" || words[1].hasPrefix("libc6:") else { continue }
            var version = words[2]
            if let colon = version.firstIndex(of: ":") { version = version[version.index(after: colon)...] }
            if let dash = version.lastIndex(of: "-") { version = version[..<dash] }
            return String(version)
        }
        return nil
    }

    /// `sestatus` / `sestatus -b`: the mode, the loaded policy's name, and the booleans after
    /// `Policy booleans:` (`deny_execmem   off`).
    struct SEStatus: Equatable {
        var mode: String?
        var policyName: String?
        var booleans: [String: Bool]?
    }

    static func sestatus(_ text: String) -> SEStatus {
        var status = SEStatus()
        var inBooleans = false
        for line in lines(text) {
            if inBooleans {
                let words = fields(line)
                if words.count == 2, words[1] == "on" || words[1] == "off" {
                    status.booleans?[String(words[0])] = words[1] == "on"
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters
            let value = line[line.index(after: colon)...].trimmingCharacters
            switch key {
            case "SELinux status" where value == "disabled": status.mode = "disabled"
            case "Current mode": status.mode = value
            case "Loaded policy name": status.policyName = value
            case "Policy booleans":
                inBooleans = true
                status.booleans = [:]
            default: break
            }
        }
        return status
    }

    /// `/etc/selinux/config`: `SELINUX=enforcing`, `SELINUXTYPE=targeted` (the mode at boot).
    static func selinuxConfig(_ text: String) -> (mode: String?, policyName: String?) {
        var result: (mode: String?, policyName: String?) = (nil, nil)
        for line in lines(text) where !line.hasPrefix("#") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let value = line[line.index(after: eq)...].trimmingCharacters
            switch line[..<eq].trimmingCharacters {
            case "SELINUX": result.mode = value.lowercased()
            case "SELINUXTYPE": result.policyName = value
            default: break
            }
        }
        return result
    }

    /// `ps auxZww`: `LABEL USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND`, the command
    /// with its spaces. Lines that do not fit are left out.
    static func processes(_ text: String) -> [HostFacts.RunningProcess]? {
        let all = lines(text)
        guard let header = all.first, fields(header).first == "LABEL" else { return nil }
        return all.dropFirst().compactMap { line in
            var rest = line[...]
            var words: [Substring] = []
            while words.count < 11 {
                rest = rest.drop { $0 == " " || $0 == "\t" }
                guard let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return nil }
                words.append(rest[..<end])
                rest = rest[end...]
            }
            guard let pid = Int64(words[2]) else { return nil }
            return HostFacts.RunningProcess(pid: pid, user: String(words[1]), context: String(words[0]),
                                            command: String(rest.drop { $0 == " " || $0 == "\t" }))
        }
    }
}

private extension Substring {
    var trimmingCharacters: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
