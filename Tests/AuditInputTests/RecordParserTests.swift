import Testing
@testable import AuditInput

private func parse(_ line: String) -> ParsedLine {
    RecordParser.parse(Array(line.utf8), source: SourceLocation(input: "t", line: 1))
}

private func record(_ line: String) throws -> Record {
    guard case .record(let r) = parse(line) else { throw ParseFailure(line: line) }
    return r
}

private struct ParseFailure: Error { var line: String }

@Suite struct RecordParserTests {
    @Test func rawRecord() throws {
        let r = try record(#"type=AVC msg=audit(1163773049.845:11390): avc:  denied  { execstack } for  pid=6507 comm="firefox-bin" scontext=staff_u:staff_r:staff_mozilla_t:s0 tcontext=staff_u:staff_r:staff_mozilla_t:s0 tclass=process"#)
        #expect(r.type == "AVC")
        #expect(r.key == EventKey(node: nil, id: EventID(seconds: 1163773049, milliseconds: 845, serial: 11390)))
        #expect(r.body.hasPrefix("avc:  denied"))
        #expect(r.enrichment == nil)
    }

    @Test func nodeAndHostPrefixesBecomeTheNode() throws {
        let a = try record("node=web1.example.com type=EOE msg=audit(1451781471.394:194435): ")
        #expect(a.key.node == "web1.example.com")
        #expect(a.type == "EOE")
        #expect(a.body == "")
        let b = try record("host=dhcppc2 type=AVC msg=audit(1166045975.667:1128): avc:  denied  { execmod } for  pid=1")
        #expect(b.key.node == "dhcppc2")
    }

    @Test func enrichedTailIsSplitOff() throws {
        let r = try record("type=SYSCALL msg=audit(1615114232.375:15558): arch=c000003e syscall=59 key=(null)\u{1d}ARCH=x86_64 SYSCALL=execve AUID=\"user\"")
        #expect(r.body == "arch=c000003e syscall=59 key=(null)")
        #expect(r.enrichment == "ARCH=x86_64 SYSCALL=execve AUID=\"user\"")
    }

    @Test func millisecondsKeepTheirLeadingZeros() throws {
        let r = try record("type=EOE msg=audit(1700000000.007:5):")
        #expect(r.key.id.milliseconds == 7)
        #expect(r.key.id.description == "1700000000.007:5")
    }

    @Test func ausearchSeparatorsAreNotRecords() {
        guard case .separator(.eventBoundary) = parse("----") else { Issue.record("---- is a boundary"); return }
        guard case .separator(.blank) = parse("time->Fri Nov 17 14:17:29 2006") else { Issue.record("time-> is skipped"); return }
        guard case .separator(.blank) = parse("   ") else { Issue.record("blank"); return }
    }

    @Test(arguments: [
        "# source: a comment",
        "Nov 17 14:17:29 host kernel: something else",
        "type=AVC msg=audit(abc.845:1): body",
        "type=AVC msg=audit(1.2345:1): body",             // four-digit milliseconds
        "type=AVC msg=audit(99999999999999999999999.1:1): x", // overflows 64 bits
        "type=AVC msg=audit(1.1:1",                        // no closing parenthesis
        "node= type=AVC msg=audit(1.1:1): x",
        "type=",
        "",
    ])
    func notARecord(_ line: String) {
        if line.isEmpty {
            guard case .separator = parse(line) else { Issue.record("empty line is blank"); return }
            return
        }
        guard case .malformed = parse(line) else { Issue.record("accepted: \(line)"); return }
    }

    /// As the log writes it: milliseconds in three digits, every digit of the largest values.
    @Test func eventIDDescription() {
        #expect(EventID(seconds: 1163773049, milliseconds: 845, serial: 11390).description == "1163773049.845:11390")
        #expect(EventID(seconds: 1700000000, milliseconds: 7, serial: 0).description == "1700000000.007:0")
        #expect(EventID(seconds: 0, milliseconds: 0, serial: 1).description == "0.000:1")
        #expect(EventID(seconds: .max, milliseconds: 999, serial: .max).description == "18446744073709551615.999:18446744073709551615")
        #expect(EventKey(node: "web1", id: EventID(seconds: 5, milliseconds: 40, serial: 9)).description == "web1:5.040:9")
    }
}

@Suite struct FieldsTests {
    @Test func avcPermissionsAndResult() {
        let f = Fields(parsing: #"avc:  denied  { read write execmem } for  pid=12 comm="a b" path="/x y" scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=process permissive=1"#)
        #expect(f.avcResult == "denied")
        #expect(f.avcPermissions == ["read", "write", "execmem"])
        #expect(f["comm"] == "a b")
        #expect(f["path"] == "/x y")
        #expect(f["permissive"] == "1")
        #expect(f.int("pid") == 12)
    }

    /// Where each word and value ends: an `=` inside a value is the value's, a quoted value
    /// ends at its closing quote even without a space after it, a word without `=` is no
    /// field, an empty value is a value, and an unclosed quote runs to the end.
    @Test func wordAndValueBoundaries() {
        let f = Fields(parsing: #"a=b=c  q="x y"z lone e= last='open to the end"#)
        #expect(f.pairs.map { "\($0.name)|\($0.raw)" } == ["a|b=c", #"q|"x y""#, "e|", "last|'open to the end"])
        let braces = Fields(parsing: "t={ x y } u=1")
        #expect(braces.pairs.map { "\($0.name)|\($0.raw)" } == ["t|{ x y }", "u|1"])
    }

    @Test func hexEncodedStringsAreDecoded() {
        let f = Fields(parsing: "proctitle=2F6F70742F62696E2F6100202D63 exe=2F7573722F62696E2F646275732D6461656D6F6E202864656C6574656429 name=[32611]")
        #expect(f["proctitle"] == "/opt/bin/a  -c")
        #expect(f["exe"] == "/usr/bin/dbus-daemon (deleted)")
        #expect(f["name"] == "[32611]")
    }

    @Test func sentinelsReadAsAbsent() {
        let f = Fields(parsing: "key=(null) tty=(none) hostname=?")
        #expect(f["key"] == nil)
        #expect(f["tty"] == nil)
        #expect(f["hostname"] == nil)
    }

    @Test func numericFields() {
        let f = Fields(parsing: "arch=c000003e a0=7ffd7caa3000 a2=1000007 exit=-13 flags=0x22")
        #expect(f.hex("arch") == 0xc000_003e)
        #expect(f.hex("a2") == 0x100_0007)
        #expect(f.hex("flags") == 0x22)
        #expect(f.int("exit") == -13)
    }

    @Test func userMessageKeepsItsInnerText() {
        let f = Fields(parsing: "pid=854 uid=81 msg='avc:  denied  { send_msg } for msgtype=method_call exe=\"/usr/bin/dbus-daemon\" tclass=dbus'")
        let inner = Fields(parsing: f["msg"] ?? "")
        #expect(inner.avcPermissions == ["send_msg"])
        #expect(inner["tclass"] == "dbus")
    }

    /// The byte-level readers agree with the standard library's parsers on every form: the
    /// usual ones are read from the bytes, the rest handed over.
    @Test func numbersAtTheEdgesReadAsTheStandardLibraryReadsThem() {
        let cases = ["0", "-0", "007", "+5", "-", "", "12a", "999999999999999999", "9223372036854775807",
                     "9223372036854775808", "-9223372036854775808", "-9223372036854775809"]
        for text in cases {
            let f = Fields(parsing: "n=\(text)")
            #expect(f.int("n") == Int64(text), "int \(text)")
        }
        let hexCases = ["0", "0x", "0x0", "0X1f", "ffffffffffffffff", "10000000000000000", "0x10000000000000000",
                        "-1", "+a", "g", "DeadBeef"]
        for text in hexCases {
            let f = Fields(parsing: "n=\(text)")
            let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
            #expect(f.hex("n") == UInt64(digits, radix: 16), "hex \(text)")
        }
    }

    @Test func namesAreMatchedWhole() {
        let f = Fields(parsing: "a=1 a0=2 aa=3 a1=4")
        #expect(f.int("a0") == 2)
        #expect(f.int("a1") == 4)
        #expect(f.int("aa") == 3)
        #expect(f.int("a") == 1)
        #expect(f.int("a2") == nil)
        #expect(f.int("") == nil)
    }

    @Test func encodedValuesDecodeOnlyUnderTheirNames() {
        let f = Fields(parsing: #"comm=6162 tclass=6162 exe=616 path="" name=2F6100 proctitle=6100620000"#)
        #expect(f["comm"] == "ab")
        #expect(f["tclass"] == "6162")     // not a field the kernel hex-encodes
        #expect(f["exe"] == "616")         // odd length: not hex
        #expect(f["path"] == "")
        #expect(f["name"] == "/a")         // trailing NULs dropped
        #expect(f["proctitle"] == "a b")   // argv NULs shown as spaces
    }

    @Test func userMessageFieldsAreReadInPlace() {
        let f = Fields(parsing: "pid=854 msg='avc:  denied  { send_msg } for pid=9 tclass=dbus' res=1")
        #expect(f.int("pid") == 854)       // the record's own pid wins
        #expect(f["tclass"] == "dbus")     // the message's fields follow the record's
        let inner = f.nested("msg")
        #expect(inner?.avcResult == "denied")
        #expect(inner?.avcPermissions == ["send_msg"])
        #expect(inner?.int("pid") == 9)
        #expect(inner?.raw("res") == nil)
        #expect(Fields(parsing: "msg=? pid=1").nested("msg") == nil)
        #expect(Fields(parsing: "msg=bare").nested("msg")?.pairs.isEmpty == true)
    }

    @Test func unterminatedQuoteDoesNotCrash() {
        let f = Fields(parsing: #"comm="abc path=/x"#)
        #expect(f.raw("comm") == #""abc path=/x"#)
    }
}

@Suite struct AuditNamesTests {
    @Test func syscallNamesComeFromLibaudit() {
        #expect(AuditNames.syscall(10, arch: 0xc000_003e) == "mprotect")
        #expect(AuditNames.syscall(9, arch: 0xc000_003e) == "mmap")
        #expect(AuditNames.syscall(226, arch: 0xc000_00b7) == "mprotect")
        #expect(AuditNames.syscall(125, arch: 0x4000_0003) == "mprotect")
        #expect(AuditNames.machine(arch: 0xc000_003e) == "x86_64")
        #expect(AuditNames.machine(arch: 0x1234) == nil)
        // Little-endian 32-bit ARM (AUDIT_ARCH_ARM); libaudit's own name for it is "armeb".
        #expect(AuditNames.machine(arch: 0x4000_0028) == "arm")
    }

    @Test func recordTypeNames() {
        #expect(AuditNames.recordType(1400) == "AVC")
        #expect(AuditNames.recordType(1300) == "SYSCALL")
        #expect(AuditNames.recordType(99999) == "UNKNOWN[99999]")
    }
}

@Suite struct LoaderMessageTests {
    private let here = SourceLocation(input: "t", line: 1)

    @Test func startupFormWithSyslogPrefix() throws {
        let m = try #require(LoaderMessage.parse("Nov 29 10:00:01 web01 flb[812]: /opt/fb/bin/flb: error while loading shared libraries: libfluent-bit.so: cannot enable executable stack as shared object requires: Permission denied", source: here))
        #expect(m.program == "/opt/fb/bin/flb")
        #expect(m.object == "libfluent-bit.so")
        #expect(m.reason == "Permission denied")
    }

    @Test func dlerrorFormInQuotes() throws {
        let m = try #require(LoaderMessage.parse(#"error: "/usr/lib/plugins/libwasm.so: cannot enable executable stack as shared object requires: Invalid argument""#, source: here))
        #expect(m.program == nil)
        #expect(m.object == "/usr/lib/plugins/libwasm.so")
        #expect(m.reason == "Invalid argument")
    }

    @Test func otherLinesAreNotLoaderMessages() {
        #expect(LoaderMessage.parse("cannot enable executable stack as shared object requires: x", source: here) == nil)
        #expect(LoaderMessage.parse("hello", source: here) == nil)
        // A marker with no object before it.
        #expect(LoaderMessage.parse("   : cannot enable executable stack as shared object requires: Permission denied", source: here) == nil)
    }

    /// The message is cut on bytes: the words around the markers, the quotes, parenthesis and
    /// colon around names, the blanks and quotes after the reason, non-ASCII names whole.
    @Test func namesAndReasonAreCutAsGlibcWritesThem() throws {
        let m = try #require(LoaderMessage.parse(#"x "'/opt/é app/bin/run': error while loading shared libraries: ("libé.so.1: cannot restore segment prot after reloc: Permission denied' "  "#, source: here))
        #expect(m.kind == .textRelocation)
        #expect(m.program == "app/bin/run")
        #expect(m.object == "libé.so.1")
        #expect(m.reason == "Permission denied")
        // No word before the start-up marker: no program.
        let bare = try #require(LoaderMessage.parse(" : error while loading shared libraries: libz.so: cannot enable executable stack as shared object requires: Invalid argument", source: here))
        #expect(bare.program == nil && bare.object == "libz.so" && bare.kind == .executableStack)
        // Longer than glibc writes: a reason past strerror's 128 bytes.
        #expect(LoaderMessage.parse("libz.so: cannot enable executable stack as shared object requires: " + String(repeating: "x", count: 129), source: here) == nil)
    }
}
