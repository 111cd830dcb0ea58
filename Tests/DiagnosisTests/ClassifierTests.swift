import Testing
import AuditInput
import AuditEvents
@testable import Diagnosis

/// A SYSCALL record shaped like kernel/auditsc.c writes it, with the given call and arguments.
private func syscall(arch: String = "c000003e", _ nr: Int, _ a0: String, _ a1: String, _ a2: String, _ a3: String = "0", per: String? = nil) -> Syscall {
    let perText = per.map { " per=\($0)" } ?? ""
    let line = "type=SYSCALL msg=audit(1700000000.100:1): arch=\(arch) syscall=\(nr)\(perText) success=no exit=-13 a0=\(a0) a1=\(a1) a2=\(a2) a3=\(a3) items=0 ppid=1 pid=2 auid=0 uid=0 comm=\"p\" exe=\"/bin/p\" subj=u:r:t_t:s0 key=(null)"
    guard case .record(let r) = RecordParser.parse(Array(line.utf8), source: SourceLocation(input: "t", line: 1)) else { fatalError() }
    return Event(key: r.key, records: [r]).syscall!
}

private func classify(_ perms: Set<Permission>, _ s: Syscall?, path: String? = nil) -> Mechanism {
    Classifier.classify(permissions: perms, syscall: s, mmap: nil, targetPath: path, facts: nil).mechanism
}

@Suite struct ClassifierTests {
    @Test func loaderStackMprotectWhateverPermissionWasDenied() {
        let s = syscall(10, "7ffd7caa3000", "1000", "1000007")
        #expect(classify([.execstack], s) == .loaderExecStack)
        #expect(classify([.execmem], s) == .loaderExecStack)
        #expect(classify([.execstack, .execmem], s) == .loaderExecStack)
    }

    @Test func otherArchitecturesByName() {
        #expect(classify([.execmem], syscall(arch: "c00000b7", 226, "ffffd000", "10000", "1000007")) == .loaderExecStack)
        #expect(classify([.execmem], syscall(arch: "40000003", 125, "bfcff000", "1000", "1000007")) == .loaderExecStack)
        #expect(classify([.execmem], syscall(arch: "80000016", 90, "3ffd000", "0", "0")) == .unknown,
                "s390x mmap passes its arguments in memory")
    }

    @Test func threadStackOfDefaultSizeWithoutELF() {
        #expect(classify([.execmem], syscall(10, "7f0e49f1d000", "800000", "7")) == .threadStackExec)
        #expect(classify([.execmem], syscall(9, "0", "801000", "7", "20022")) == .threadStackExec)
    }

    @Test func smallRWXProtectNeedsTheELFToDecide() {
        let c = Classifier.classify(permissions: [.execmem], syscall: syscall(10, "7fa184ee1000", "1000", "7"), mmap: nil, targetPath: nil, facts: nil)
        #expect(c.mechanism == .unknown)
        #expect(!c.evidenceNeeded.isEmpty)
    }

    @Test func jitPatterns() {
        #expect(classify([.execmem], syscall(9, "0", "10000", "7", "22")) == .jitRWXMapping)
        #expect(classify([.execmem], syscall(10, "7f0000001000", "4000", "5")) == .jitWXFlip)
    }

    @Test func heapTextrelMemfdPersonality() {
        #expect(classify([.execheap, .execmem], syscall(10, "55c85e3c4000", "1000", "7")) == .heapExec)
        #expect(classify([.execmod], syscall(10, "7f00", "1000", "5"), path: "/usr/lib/libx.so") == .textRelocation)
        #expect(classify([.execute], syscall(9, "0", "1000", "5", "1"), path: "/memfd:libffi (deleted)") == .memfdDoubleMap)
        #expect(classify([.execmem], syscall(9, "0", "1000", "3", "22", per: "400000")) == .readImpliesExec)
        #expect(classify([.execmem], syscall(59, "55d0", "55d1", "55d2")) == .rwxSegment)
    }

    @Test func withoutSyscallRecord() {
        let c = Classifier.classify(permissions: [.execstack], syscall: nil, mmap: nil, targetPath: nil, facts: nil)
        #expect(c.mechanism == .loaderExecStack)
        #expect(c.evidenceNeeded.contains { $0.contains("task,never") })
        #expect(classify([.execmem], nil) == .unknown)
    }

    @Test func renderedCall() {
        let s = syscall(10, "7ffd7caa3000", "1000", "1000007")
        #expect(MemoryCall(s).rendered(exit: -13, success: false) == "mprotect(0x7ffd7caa3000, 4096, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_GROWSDOWN) = -13 (EACCES)")
        let m = syscall(9, "0", "10000", "7", "22")
        #expect(MemoryCall(m).rendered(exit: nil, success: nil) == "mmap(0x0, 65536, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, …)")

        // Leftover bits in hex after the named ones, none at all, and each way of showing the result.
        let odd = syscall(9, "ffffffffffffffff", "0", "10", "0")
        #expect(MemoryCall(odd).rendered(exit: 0x7f00_0000_1000, success: true)
                == "mmap(0xffffffffffffffff, 0, 0x10, 0, …) = 0x7f0000001000")
        #expect(MemoryCall(odd).rendered(exit: 0x7f00_0000_1000, success: false) == "mmap(0xffffffffffffffff, 0, 0x10, 0, …) = 139637976731648")
        let none = syscall(10, "1000", "12345678901", "0")
        #expect(MemoryCall(none).rendered(exit: -1, success: false) == "mprotect(0x1000, 1250999896321, PROT_NONE) = -1 (EPERM)")
        #expect(MemoryCall(none).rendered(exit: -22, success: false) == "mprotect(0x1000, 1250999896321, PROT_NONE) = -22")
        #expect(MemoryCall(none).rendered(exit: 0, success: true) == "mprotect(0x1000, 1250999896321, PROT_NONE) = 0")
        #expect(MemoryCall(syscall(10, "1000", "1000", "8000005")).rendered(exit: nil, success: nil)
                == "mprotect(0x1000, 4096, PROT_READ|PROT_EXEC|0x8000000)")
        #expect(Prot.describe(0x300_0000) == "PROT_GROWSDOWN|PROT_GROWSUP" && MapFlags.describe(0) == "0")
    }
}

@Suite struct PolicyTests {
    @Test func userDomainsGetTheGlobalBooleans() {
        let b = PolicyKnowledge.booleans(for: [.execmem], domain: "unconfined_service_t")
        #expect(b.contains { $0.name == "deny_execmem" && $0.family == .fedora && !$0.allowingValue })
        #expect(b.contains { $0.name == "allow_execmem" && $0.family == .refpolicy && $0.allowingValue })
    }

    @Test func serviceDomainsGetTheirOwnBoolean() {
        let b = PolicyKnowledge.booleans(for: [.execmem], domain: "httpd_t")
        #expect(b.map(\.name) == ["httpd_execmem", "httpd_execmem"])
        #expect(b.first?.command == "setsebool -P httpd_execmem on")
    }

    @Test func confinedDomainsAreWarnedThatGlobalBooleansMayNotReachThem() {
        let global = PolicyKnowledge.booleans(for: [.execmem], domain: "staff_mozilla_t")
        #expect(PolicyKnowledge.caveat(for: global, domain: "staff_mozilla_t")?.contains("staff_mozilla_t") == true)
        #expect(PolicyKnowledge.caveat(for: global, domain: "unconfined_t") == nil)
        let service = PolicyKnowledge.booleans(for: [.execmem], domain: "httpd_t")
        #expect(PolicyKnowledge.caveat(for: service, domain: "httpd_t") == nil)
    }

    @Test func execstackNeedsBothOnRefpolicy() {
        let b = PolicyKnowledge.booleans(for: [.execstack], domain: "user_t")
        #expect(b.contains { $0.name == "selinuxuser_execstack" })
        #expect(b.contains { $0.name == "allow_execstack" && $0.note?.contains("allow_execmem") == true })
    }
}

@Suite struct JITFingerprintTests {
    @Test func symbolsNameTheGenerator() {
        let found = JITFingerprints.bySymbols([
            .init(name: "printf", defined: false),
            .init(name: "pcre2_jit_compile_8", defined: false),
            .init(name: "wasm_runtime_init", defined: true),
            .init(name: "pcre2_jit_match_8", defined: false),
        ])
        #expect(found.map(\.component.name) == ["PCRE2 JIT", "WAMR (WebAssembly)"])
        #expect(found.first?.clue == "imports pcre2_jit_compile_8")
        #expect(found.last?.clue == "defines wasm_runtime_init")
    }

    /// The byte test that spares a string for most symbols drops none that `bySymbols` would
    /// match: every prefix itself, names a byte away from one, a combining mark or a CR LF
    /// right after one (where the Characters differ though the bytes begin alike), other
    /// scripts, and bytes that are not UTF-8.
    @Test func theByteFilterKeepsEveryTellingSymbol() {
        let prefixes = JITFingerprints.symbolPrefixes.map { Array($0.0.utf8) }
        var names: [[UInt8]] = [Array("printf".utf8), Array("_".utf8), [0xff], [0xe2, 0x84, 0xaa], Array("Ｊ".utf8), [0x70, 0xcc, 0x81]]
        for p in prefixes {
            names += [p, p + Array("_8".utf8), Array(p.dropLast()), p + [0xcc, 0x81], p + [0x0d, 0x0a], p + [0xff], [0xff] + p,
                      Array(p.dropFirst()), [p[0] ^ 0x20] + p.dropFirst()]
        }
        for name in names {
            let telling = !JITFingerprints.bySymbols([.init(name: String(decoding: name, as: UTF8.self), defined: false)]).isEmpty
            #expect(!telling || JITFingerprints.mayBeTelling(name[...]), "\(name)")
        }
        #expect(!JITFingerprints.mayBeTelling(Array("malloc".utf8)[...]))
        #expect(!JITFingerprints.mayBeTelling(Array("__libc_start_main".utf8)[...]))
        #expect(!JITFingerprints.mayBeTelling(Array("\u{e9}p".utf8)[...]))   // no prefix begins with its first byte
    }

    /// The byte search from the end answers as splitting the path on "/" did.
    @Test func baseNameIsTheLastComponent() {
        for path in ["/usr/bin/node", "node", "/opt/app/", "//lib//libffi.so.8//", "/", "", "/usr/bin/n\u{f6}de", "/a/\u{301}b"] {
            #expect(path.lastPathComponent == path.split(separator: "/").last.map(String.init) ?? path, "\(path)")
        }
    }
}
