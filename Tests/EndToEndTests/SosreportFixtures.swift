import Foundation
import TestSupport

/// sosreports in sos's layout, built from the sample logs and made-up facts, of three kinds of
/// host. Each is written once per test run under .build/sosreport-fixtures/ as a directory and a
/// .tar.xz made with tar, so that outputs name them by a fixed relative path.
struct SosreportFixture: Sendable {
    var kind: String
    var hostname: String
    var kernel: String
    var glibcPackage: String
    var booleans: [(String, Bool)]
    /// Where sos put `ps auxZww`: the selinux plugin's, or the process plugin's.
    var psPlugin: String
    /// The audit logs, oldest first (`audit.log.1`, `audit.log`); none means only the ausearch output.
    var logs: [String]
    /// The sample log the ausearch output is made of.
    var ausearch = "seed-fluent-bit.log"

    static let rhel8 = SosreportFixture(
        kind: "rhel8", hostname: "rhel8.example.com", kernel: "4.18.0-553.el8_10.x86_64",
        glibcPackage: "glibc-2.28-251.el8_10.x86_64",
        booleans: [("deny_execmem", false), ("httpd_execmem", false), ("selinuxuser_execmod", true), ("selinuxuser_execstack", true)],
        psPlugin: "selinux", logs: ["chain-permissive.log", "seed-fluent-bit.log"])
    static let rhel9 = SosreportFixture(
        kind: "rhel9", hostname: "rhel9.example.com", kernel: "5.14.0-427.el9.x86_64",
        glibcPackage: "glibc-2.34-100.el9.x86_64",
        booleans: [("deny_execmem", true), ("httpd_execmem", false), ("selinuxuser_execmod", true), ("selinuxuser_execstack", false)],
        psPlugin: "process", logs: ["seed-fluent-bit.log"])
    static let fedora = SosreportFixture(
        kind: "fedora", hostname: "fedora41.example.com", kernel: "6.11.4-301.fc41.x86_64",
        glibcPackage: "glibc-2.40-9.fc41.x86_64",
        booleans: [("deny_execmem", false), ("httpd_execmem", true), ("selinuxuser_execmod", false), ("selinuxuser_execstack", false)],
        psPlugin: "selinux", logs: [])

    static let all = [rhel8, rhel9, fedora]

    /// Two nodes of a fleet whose reports hold the same READ_IMPLIES_EXEC denial, without
    /// `node=`, on kernels either side of 5.8 and glibcs either side of 2.29.
    static let fleet = [
        SosreportFixture(kind: "web01", hostname: "web01.example.com", kernel: rhel8.kernel, glibcPackage: rhel8.glibcPackage,
                         booleans: rhel8.booleans, psPlugin: "selinux", logs: ["read-implies-exec.log"], ausearch: "read-implies-exec.log"),
        SosreportFixture(kind: "web02", hostname: "web02.example.com", kernel: fedora.kernel, glibcPackage: fedora.glibcPackage,
                         booleans: fedora.booleans, psPlugin: "selinux", logs: ["read-implies-exec.log"], ausearch: "read-implies-exec.log"),
    ]
    static let base = ".build/sosreport-fixtures"

    var topName: String { "sosreport-\(kind)-2026-11-29-abcdefg" }
    /// The extracted report and its tarball, relative to the package root.
    var directory: String { Self.base + "/" + topName }
    var tarball: String { directory + ".tar.xz" }

    /// Files under the report's top, in the order tar is given them (facts before logs).
    func files() throws -> [(path: String, text: String)] {
        var files: [(String, String)] = [
            ("version.txt", "sosreport: 4.7.2\n"),
            ("sos_commands/host/hostname", hostname + "\n"),
            ("sos_commands/kernel/uname_-a", "Linux \(hostname) \(kernel) #1 SMP PREEMPT_DYNAMIC Mon Oct 14 12:00:00 UTC 2026 x86_64 x86_64 x86_64 GNU/Linux\n"),
            ("installed-rpms", """
            bash-5.1.8-9.x86_64                                          Mon 02 Nov 2026 10:00:00 AM UTC
            \(glibcPackage.replacingOccurrences(of: ".x86_64", with: ".i686"))                       Mon 02 Nov 2026 10:00:00 AM UTC
            \(glibcPackage)                                Mon 02 Nov 2026 10:00:00 AM UTC
            \(glibcPackage.replacingOccurrences(of: "glibc-", with: "glibc-common-"))                         Mon 02 Nov 2026 10:00:00 AM UTC

            """),
            ("sos_commands/selinux/sestatus_-b", """
            SELinux status:                 enabled
            SELinuxfs mount:                /sys/fs/selinux
            SELinux root directory:         /etc/selinux
            Loaded policy name:             targeted
            Current mode:                   enforcing
            Mode from config file:          enforcing
            Policy MLS status:              enabled
            Policy deny_unknown status:     allowed
            Memory protection checking:     actual (secure)
            Max kernel policy version:      33

            Policy booleans:
            abrt_anon_write                             off
            \(booleans.map { "\($0.0.padding(toLength: 44, withPad: " ", startingAt: 0))\($0.1 ? "on" : "off")" }.joined(separator: "\n"))
            zebra_write_config                          off

            """),
            ("etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n"),
            ("sos_commands/\(psPlugin)/ps_auxZww", """
            LABEL                                   USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
            system_u:system_r:init_t:s0             root           1  0.0  0.1 174000 13000 ?        Ss   01:00   0:01 /usr/lib/systemd/systemd --switched-root --system --deserialize 31
            system_u:system_r:unconfined_service_t:s0 root        91  2.0  0.4 812000 41000 ?        Ssl  01:05   0:09 /opt/fluent-bit/bin/flb-tail -c /etc/fluent-bit/fluent-bit.conf
            system_u:system_r:sshd_t:s0-s0:c0.c1023 root         800  0.0  0.1  16000  9000 ?        Ss   01:00   0:00 sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups

            """),
        ]
        let logNames = logs.indices.map { i in "var/log/audit/audit.log" + (i == logs.count - 1 ? "" : ".\(logs.count - 1 - i)") }
        for (name, sample) in zip(logNames, logs) {
            files.append((name, try String(contentsOfFile: Package.root + "/SampleLogs/" + sample, encoding: .utf8)))
        }
        // sos's auditd plugin's command, whichever logs there are: the day's denials, ausearch's default form.
        files.append(("sos_commands/auditd/ausearch_--input-logs_-m_avc_user_avc_fanotify_-ts_today",
                      Self.ausearchForm(try String(contentsOfFile: Package.root + "/SampleLogs/" + ausearch, encoding: .utf8))))
        return files
    }

    /// Raw records as `ausearch` prints them by default: each event after `----` and a `time->` line.
    static func ausearchForm(_ log: String) -> String {
        var out = ""
        var lastStamp = ""
        for line in log.split(separator: "\n") {
            guard let open = line.range(of: "audit("), let close = line[open.upperBound...].firstIndex(of: ")") else { continue }
            let stamp = String(line[open.upperBound..<close])
            if stamp != lastStamp { out += "----\ntime->Sun Nov 29 01:07:58 2026\n" }
            lastStamp = stamp
            out += line + "\n"
        }
        return out
    }

    /// Writes the directory (with sos's top-level links) and its tarball, once.
    func build() throws {
        let root = Package.root + "/" + directory
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.removeItem(atPath: Package.root + "/" + tarball)
        let files = try files()
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: false, encoding: .utf8)
        }
        try FileManager.default.createSymbolicLink(atPath: root + "/hostname", withDestinationPath: "sos_commands/host/hostname")
        try FileManager.default.createSymbolicLink(atPath: root + "/uname", withDestinationPath: "sos_commands/kernel/uname_-a")
        try Self.tar(top: topName, members: ["hostname", "uname"] + files.map(\.path), into: tarball)
    }

    /// `tar` of the named members under `top` (in that order), into `archive` (compressed by its suffix).
    static func tar(top: String, members: [String], into archive: String, in base: String = Package.root + "/" + base) throws {
        let r = try Shell.run("/bin/tar", ["-C", base, "-caf", (archive.hasPrefix("/") ? archive : Package.root + "/" + archive)]
                              + members.map { top + "/" + $0 })
        guard r.status == 0 else { throw TestFailure("tar failed: \(r.stderr)") }
    }

    static let built: Result<Void, TestFailure> = {
        do {
            try FileManager.default.createDirectory(atPath: Package.root + "/" + base, withIntermediateDirectories: true)
            for fixture in all + fleet { try fixture.build() }
            return .success(())
        } catch {
            return .failure(TestFailure("\(error)"))
        }
    }()
}
