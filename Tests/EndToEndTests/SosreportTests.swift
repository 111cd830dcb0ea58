import Foundation
import Testing
import TestSupport

/// `avc-explain SOSREPORT`: an extracted report or its tarball, read in place, its logs explained
/// and its host's facts shown; damaged and incomplete reports say what they lack and go on.
@Suite(.serialized) struct SosreportTests {
    static let kinds = SosreportFixture.all.map(\.kind)

    static func fixture(_ kind: String) -> SosreportFixture { SosreportFixture.all.first { $0.kind == kind }! }

    /// Each kind's tarball, in text, JSON, summary and Markdown, byte for byte; UPDATE_GOLDEN=1 rewrites the files.
    @Test(arguments: kinds)
    func golden(_ kind: String) throws {
        try SosreportFixture.built.get()
        let root = try SampleRoot.built.get()
        let fixture = Self.fixture(kind)
        for (format, ext) in [("text", ".txt"), ("json", ".json"), ("summary", ".summary.txt"), ("markdown", ".md")] {
            let result = try Tool.run(["--format", format, "--sysroot", root, fixture.tarball])
            let golden = Package.root + "/Tests/EndToEndTests/Golden/sosreport-\(kind)\(ext)"
            if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
                try result.stdout.write(toFile: golden, atomically: true, encoding: .utf8)
                continue
            }
            let want = try String(contentsOfFile: golden, encoding: .utf8)
            #expect(result.stdout == want, "\(format) output differs from \(golden); run UPDATE_GOLDEN=1 swift test to accept")
        }
    }

    /// The tarball and the extracted directory give the same facts, and the JSON holds to its schema.
    @Test(arguments: kinds)
    func tarballAndDirectoryAgree(_ kind: String) throws {
        try SosreportFixture.built.get()
        let fixture = Self.fixture(kind)
        let (fromTar, tarReport) = try Tool.json([fixture.tarball])
        let (fromDir, dirReport) = try Tool.json(["--sosreport", fixture.directory])
        #expect(fromTar.status == 0, "\(fromTar.stderr)")
        #expect(fromDir.status == 0, "\(fromDir.stderr)")
        let host = try #require(tarReport["host"] as? [String: Any])
        #expect((host["kernel_release"] as? [String: Any])?["value"] as? String == fixture.kernel)
        #expect((host["kernel_release"] as? [String: Any])?["source"] as? String == "sos_commands/kernel/uname_-a")
        #expect((host["glibc_version"] as? [String: Any])?["value"] as? String
                == fixture.glibcPackage.split(separator: "-")[1].description)
        #expect((host["hostname"] as? [String: Any])?["value"] as? String == fixture.hostname)
        let booleans = (host["booleans"] as? [String: Any])?["value"] as? [String: Bool]
        #expect(booleans?["deny_execmem"] == fixture.booleans.first { $0.0 == "deny_execmem" }?.1)
        #expect((host["processes"] as? [String: Any])?["source"] as? String == "sos_commands/\(fixture.psPlugin)/ps_auxZww")
        #expect(NSDictionary(dictionary: host) == NSDictionary(dictionary: dirReport["host"] as? [String: Any] ?? [:]))
        #expect(Tool.findings(tarReport).count == Tool.findings(dirReport).count)
        #expect(!Tool.findings(tarReport).isEmpty)
    }

    /// Without var/log/audit, the ausearch output sos saved is read, and stderr says so.
    @Test func ausearchOutputWhenTheLogsAreAbsent() throws {
        try SosreportFixture.built.get()
        let (result, report) = try Tool.json([SosreportFixture.fedora.tarball])
        #expect(result.stderr.contains("no var/log/audit/audit.log in the report; reading sos_commands/auditd/ausearch_--input-logs_-m_avc_user_avc_fanotify_-ts_today"))
        #expect(!Tool.findings(report).isEmpty)
        let (rhel, _) = try Tool.json([SosreportFixture.rhel8.tarball])
        #expect(rhel.stderr.contains("reading the report's audit logs (2 files under var/log/audit)"))
    }

    /// A report missing installed-rpms says the glibc version is unknown, one line, and the run goes on.
    @Test func missingFactFileIsNamed() throws {
        let tmp = try TemporaryDirectory("sos-missing")
        for (path, text) in try SosreportFixture.rhel9.files() where path != "installed-rpms" {
            _ = try tmp.write("sosreport-x/" + path, text)
        }
        let (result, report) = try Tool.json([tmp.path + "/sosreport-x"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").filter { $0.contains("unknown") }
        #expect(lines == ["avc-explain: \(tmp.path)/sosreport-x: glibc version unknown: no readable installed-rpms or installed-debs or sos_commands/dpkg/dpkg_-l in the report"])
        let host = try #require(report["host"] as? [String: Any])
        #expect(host["glibc_version"] is NSNull)
        #expect((host["kernel_release"] as? [String: Any])?["value"] as? String == SosreportFixture.rhel9.kernel)
    }

    /// A truncated tarball: the member being read is named, the facts before it and the log's
    /// first part are used, and the exit status says an input failed.
    @Test func truncatedTarballNamesTheMember() throws {
        try SosreportFixture.built.get()
        let tmp = try TemporaryDirectory("sos-truncated")
        let fixture = SosreportFixture.rhel9
        let tar = tmp.path + "/sosreport-rhel9.tar"
        try SosreportFixture.tar(top: fixture.topName, members: try fixture.files().map(\.path), into: tar)
        let whole = try Data(contentsOf: URL(fileURLWithPath: tar))
        // Cut inside the log member: the facts come before it.
        let log = try String(contentsOfFile: Package.root + "/SampleLogs/seed-fluent-bit.log", encoding: .utf8)
        let marker = Data(log.prefix(40).utf8)
        let logStart = try #require(whole.range(of: marker)).lowerBound
        try whole.prefix(logStart + 3000).write(to: URL(fileURLWithPath: tar))
        let (result, report) = try Tool.json([tar])
        #expect(result.status == 2)
        #expect(result.stderr.contains("member \(fixture.topName)/var/log/audit/audit.log"), "\(result.stderr)")
        #expect(result.stderr.lowercased().contains("truncated"), "\(result.stderr)")
        let host = try #require(report["host"] as? [String: Any])
        #expect((host["kernel_release"] as? [String: Any])?["value"] as? String == fixture.kernel)
    }

    /// A corrupt .tar.gz: the damage is reported with the member met there, and what came before is used.
    @Test func corruptTarballNamesTheMember() throws {
        try SosreportFixture.built.get()
        let tmp = try TemporaryDirectory("sos-corrupt")
        let fixture = SosreportFixture.rhel8
        let tgz = tmp.path + "/sosreport-rhel8.tar.gz"
        // Facts first, then a large member whose compressed bytes are damaged.
        let filler = (0..<20000).map { "line \($0) \(($0 &* 2654435761) % 1000003)\n" }.joined()
        let files = try fixture.files()
        for (path, text) in files { _ = try tmp.write(fixture.topName + "/" + path, text) }
        _ = try tmp.write(fixture.topName + "/sos_commands/filler", filler)
        try SosreportFixture.tar(top: fixture.topName, members: files.filter { !$0.path.hasPrefix("var/") }.map(\.path) + ["sos_commands/filler"]
                                 + files.filter { $0.path.hasPrefix("var/") }.map(\.path), into: tgz, in: tmp.path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: tgz))
        let at = bytes.count * 3 / 4
        for i in at..<(at + 64) { bytes[i] ^= 0x5a }
        try bytes.write(to: URL(fileURLWithPath: tgz))
        let (result, report) = try Tool.json([tgz])
        #expect(result.status == 2)
        #expect(result.stderr.contains("member \(fixture.topName)/"), "\(result.stderr)")
        let host = try #require(report["host"] as? [String: Any])
        #expect((host["hostname"] as? [String: Any])?["value"] as? String == fixture.hostname)
    }

    /// Links in an archive lead nowhere outside it: an absolute or `..` target is clamped at the
    /// report's top, so `hostname -> ../../../etc/hostname` reads the report's own etc/hostname.
    @Test func archiveLinksStayInside() throws {
        let tmp = try TemporaryDirectory("sos-links")
        let top = "sosreport-links"
        _ = try tmp.write(top + "/version.txt", "sosreport: 4.7.2\n")
        _ = try tmp.write(top + "/etc/hostname", "inside.example.com\n")
        try FileManager.default.createSymbolicLink(atPath: tmp.path + "/" + top + "/hostname", withDestinationPath: "../../../../../etc/hostname")
        try FileManager.default.createSymbolicLink(atPath: tmp.path + "/" + top + "/uname", withDestinationPath: "/proc/version")
        try SosreportFixture.tar(top: top, members: ["version.txt", "etc/hostname", "hostname", "uname"], into: tmp.path + "/s.tar.gz", in: tmp.path)
        let (result, report) = try Tool.json([tmp.path + "/s.tar.gz"])
        let host = try #require(report["host"] as? [String: Any])
        #expect((host["hostname"] as? [String: Any])?["value"] as? String == "inside.example.com")
        #expect((host["hostname"] as? [String: Any])?["source"] as? String == "etc/hostname")
        #expect(host["kernel_release"] is NSNull)
        #expect(result.stderr.contains("kernel release and architecture unknown"))
        #expect(result.stderr.contains("no audit log in the report"))
    }

    /// A directory without sos's layout is still a directory of logs, as `-if DIR` reads it.
    @Test func plainDirectoryIsReadAsLogs() throws {
        let tmp = try TemporaryDirectory("sos-plain")
        let log = try String(contentsOfFile: Package.root + "/SampleLogs/seed-fluent-bit.log", encoding: .utf8)
        _ = try tmp.write("audit.log", log)
        let (result, report) = try Tool.json([tmp.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(report["host"] is NSNull)
        #expect(!Tool.findings(report).isEmpty)
    }

    /// A fact file over 16 MiB is skipped with a message, not read into memory.
    @Test func oversizedFactFileIsSkipped() throws {
        let tmp = try TemporaryDirectory("sos-large")
        let top = "sosreport-large"
        _ = try tmp.write(top + "/version.txt", "sosreport: 4.7.2\n")
        let big = try tmp.file(top + "/sos_commands/selinux/ps_auxZww")
        try Data(count: (16 << 20) + 1).write(to: URL(fileURLWithPath: big))
        try SosreportFixture.tar(top: top, members: ["version.txt", "sos_commands/selinux/ps_auxZww"], into: tmp.path + "/s.tar.gz", in: tmp.path)
        for input in [tmp.path + "/s.tar.gz", tmp.path + "/" + top] {
            let (result, report) = try Tool.json([input])
            #expect(result.stderr.contains("sos_commands/selinux/ps_auxZww is larger than 16 MiB; skipped"), "\(result.stderr)")
            #expect((report["host"] as? [String: Any])?["processes"] is NSNull)
        }
    }

    /// Central triage of two hosts' reports: the logs carry no `node=`, so each report's records
    /// are its node's, and the same READ_IMPLIES_EXEC denial gets each node's own answer (4.18
    /// sets the personality for any RWE-or-missing stack; 6.11 only for a 32-bit program
    /// without PT_GNU_STACK), its Host block and its `hosts` entry.
    @Test func eachNodesReportExplainsThatNodesFindings() throws {
        try SosreportFixture.built.get()
        let root = try SampleRoot.built.get()
        let (web01, web02) = (SosreportFixture.fleet[0], SosreportFixture.fleet[1])
        let args = ["--sysroot", root, "--sosreport", "web01=" + web01.tarball, "--sosreport", "web02=" + web02.directory]
        let (result, report) = try Tool.json(args)
        #expect(result.status == 0, "\(result.stderr)")
        let findings = Tool.findings(report)
        #expect(findings.map(FleetTests.nodes) == [["web01=1"], ["web02=1"]])
        let whys = findings.map { $0["explanation"] as? String ?? "" }
        #expect(whys.count == 2 && whys[0].contains("This host runs Linux \(web01.kernel) (sos_commands/kernel/uname_-a), older than 5.8"), "\(whys)")
        #expect(whys.count == 2 && whys[1].contains("This host runs Linux \(web02.kernel) (sos_commands/kernel/uname_-a), 5.8 or later"), "\(whys)")
        #expect(report["host"] is NSNull)
        let hosts = try #require(report["hosts"] as? [String: [String: Any]])
        #expect(hosts.keys.sorted() == ["web01", "web02"])
        #expect((hosts["web02"]?["glibc_version"] as? [String: Any])?["value"] as? String == "2.40")
        let text = LimitTests.unwrapped(try Tool.run(args).stdout)
        #expect(text.contains("Host web01 hostname web01.example.com"), "\(text)")
        #expect(text.contains("Host web02 hostname web02.example.com"), "\(text)")

        // One node given a report, the rest a plain one: the plain one's facts serve the others.
        let mixed = try Tool.json(["--sysroot", root, "--sosreport", "web02=" + web02.directory, "--sosreport", SosreportFixture.rhel8.tarball]).1
        #expect((mixed["host"] as? [String: Any]).flatMap { ($0["hostname"] as? [String: Any])?["value"] as? String } == "rhel8.example.com")
        #expect((mixed["hosts"] as? [String: Any])?.keys.sorted() == ["web02"])
    }

    @Test func aNodesReportMustExistAndNameItsNode() throws {
        let empty = try Tool.run(["--sosreport", "=" + SosreportFixture.rhel8.tarball])
        #expect(empty.status == 64 && empty.stderr.contains("the node's name before = is empty"), "\(empty.stderr)")
        let missing = try Tool.run(["--sosreport", "web01=/nowhere/sosreport.tar.xz"])
        #expect(missing.status == 64 && missing.stderr.contains("--sosreport web01=/nowhere/sosreport.tar.xz: /nowhere/sosreport.tar.xz does not exist"), "\(missing.stderr)")
        let nothing = try Tool.run(["--sosreport", "web01="])
        #expect(nothing.status == 64 && nothing.stderr.contains("no path after ="), "\(nothing.stderr)")
        try SosreportFixture.built.get()
        let twice = try Tool.run(["--sosreport", "web01=" + SosreportFixture.rhel8.tarball, "--sosreport", "web01=" + SosreportFixture.rhel9.tarball])
        #expect(twice.status == 64 && twice.stderr.contains("node web01 was given one already"), "\(twice.stderr)")
    }

    /// A report whose audit.log sos cut (it keeps the tail of a log over its size limit, as a
    /// link to sos_strings/auditd/…tailed): ten events, the log holding the last six, the first
    /// of them cut inside its AVC line. The ausearch output gives the events the log lacks, the
    /// cut one whole, and none twice.
    static func cutReport(in tmp: TemporaryDirectory, linked: Bool) throws -> (directory: String, tarball: String) {
        let events = (100..<110).map { FleetTests.event(node: nil, serial: $0) }
        let full = events.joined()
        let cut = full.utf8.count - events[4...].joined().utf8.count + 12
        let tail = String(decoding: Array(full.utf8)[cut...], as: UTF8.self)
        let top = "sosreport-cut\(linked ? "-linked" : "")"
        let kept = linked ? "sos_strings/auditd/var.log.audit.audit.log.tailed" : "var/log/audit/audit.log"
        let ausearch = "sos_commands/auditd/ausearch_--input-logs_-m_avc_user_avc_fanotify_-ts_today"
        _ = try tmp.write(top + "/version.txt", "sosreport: 4.7.2\n")
        _ = try tmp.write(top + "/" + kept, tail)
        _ = try tmp.write(top + "/" + ausearch, SosreportFixture.ausearchForm(full))
        var members = ["version.txt", kept, ausearch]
        if linked {
            try FileManager.default.createDirectory(atPath: tmp.path + "/" + top + "/var/log/audit", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: tmp.path + "/" + top + "/var/log/audit/audit.log",
                                                       withDestinationPath: "../../../" + kept)
            members.append("var/log/audit/audit.log")
        }
        try SosreportFixture.tar(top: top, members: members, into: tmp.path + "/" + top + ".tar.xz", in: tmp.path)
        return (tmp.path + "/" + top, tmp.path + "/" + top + ".tar.xz")
    }

    @Test(arguments: [true, false])
    func aCutLogIsCompletedFromTheAusearchOutput(linked: Bool) throws {
        let tmp = try TemporaryDirectory("sos-cut")
        let report = try Self.cutReport(in: tmp, linked: linked)
        for input in [report.tarball, report.directory] {
            let (result, json) = try Tool.json([input])
            #expect(result.status == 0, "\(result.stderr)")
            let findings = Tool.findings(json)
            #expect(findings.count == 1 && findings.first?["count"] as? Int == 10, "\(findings.map { $0["count"] ?? "?" })")
            let how = linked ? "a link to sos_strings/auditd/var.log.audit.audit.log.tailed" : "its first line is partial"
            #expect(result.stderr.contains("var/log/audit/audit.log was cut by sos at 0.0 MiB (\(how)); events up to audit(1795770000.104:104) come from the ausearch output"), "\(result.stderr)")
            #expect(result.stderr.contains("20 records older than the report's audit logs read from here; the 20 later ones are the logs' own"), "\(result.stderr)")
            let cut = ((json["host"] as? [String: Any])?["audit_log_cut"] as? [String: Any])
            #expect(cut?["source"] as? String == (linked ? "sos_strings/auditd/var.log.audit.audit.log.tailed" : "var/log/audit/audit.log"))
            let text = LimitTests.unwrapped(try Tool.run([input]).stdout)
            #expect(text.contains("audit log cut by sos at 0.0 MiB; events up to audit(1795770000.104:104) come from the ausearch output"), "\(text)")
        }
    }
}
