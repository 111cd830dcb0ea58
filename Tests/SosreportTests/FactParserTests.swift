import Testing
@testable import Sosreport

/// The command outputs as sos stores them, each read into the fact it holds.
@Suite struct FactParserTests {
    @Test func unameOfRHELAndDebian() {
        let rhel = FactParsers.uname("Linux rhel8.example.com 4.18.0-553.el8_10.x86_64 #1 SMP Fri May 10 15:19:13 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n")
        #expect(rhel?.release == "4.18.0-553.el8_10.x86_64")
        #expect(rhel?.machine == "x86_64")
        let debian = FactParsers.uname("Linux deb 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux\n")
        #expect(debian?.release == "6.1.0-18-amd64")
        #expect(debian?.machine == "x86_64")
        #expect(FactParsers.uname("uname: command not found\n") == nil)
    }

    @Test func glibcFromInstalledRPMsPrefersTheHostArchitecture() {
        let rpms = """
        gcc-8.5.0-22.el8_10.x86_64                                  Mon 01 Jan 2024 10:00:00 AM UTC
        glibc-2.28-251.el8_10.i686                                  Mon 01 Jan 2024 10:00:00 AM UTC
        glibc-2.28-251.el8_10.x86_64                                Mon 01 Jan 2024 10:00:00 AM UTC
        glibc-common-2.28-251.el8_10.x86_64                         Mon 01 Jan 2024 10:00:00 AM UTC
        """
        #expect(FactParsers.glibcFromRPMs(rpms, architecture: "x86_64") == "2.28")
        #expect(FactParsers.glibcFromRPMs("glibc-common-2.34-100.el9.x86_64  Mon\n", architecture: nil) == nil)
    }

    @Test func glibcFromDpkgList() {
        let dpkg = """
        ||/ Name           Version         Architecture Description
        +++-==============-===============-============-=================
        rc  libc6-dbg:amd64 2.31-13        amd64        old
        ii  libc6:amd64    2.36-9+deb12u4  amd64        GNU C Library: Shared libraries
        """
        #expect(FactParsers.glibcFromDpkg(dpkg) == "2.36")
    }

    @Test func sestatusModePolicyAndBooleans() {
        let text = """
        SELinux status:                 enabled
        SELinuxfs mount:                /sys/fs/selinux
        Loaded policy name:             targeted
        Current mode:                   permissive
        Mode from config file:          enforcing

        Policy booleans:
        deny_execmem                                off
        selinuxuser_execstack                       on
        """
        let status = FactParsers.sestatus(text)
        #expect(status.mode == "permissive")
        #expect(status.policyName == "targeted")
        #expect(status.booleans == ["deny_execmem": false, "selinuxuser_execstack": true])
        #expect(FactParsers.sestatus("SELinux status:                 disabled\n").mode == "disabled")
        #expect(FactParsers.sestatus("SELinux status: enabled\n").booleans == nil)
    }

    @Test func psAuxZwwKeepsTheCommandsSpaces() throws {
        let text = """
        LABEL                           USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
        system_u:system_r:init_t:s0     root           1  0.0  0.1 174000 13000 ?        Ss   10:00   0:01 /usr/lib/systemd/systemd --switched-root --system
        garbage line
        """
        let list = try #require(FactParsers.processes(text))
        #expect(list.count == 1)
        #expect(list.first?.pid == 1)
        #expect(list.first?.context == "system_u:system_r:init_t:s0")
        #expect(list.first?.command == "/usr/lib/systemd/systemd --switched-root --system")
        #expect(FactParsers.processes("USER PID\n") == nil)
    }
}
