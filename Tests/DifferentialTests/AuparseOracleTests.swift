import CAuparse
import Foundation
import Testing
import TestSupport
@testable import AuditEvents
@testable import AuditInput

/// Event grouping and field values compared with libauparse, the reference parser, on the
/// canonical forms (raw audit.log, `node=`, ENRICHED, default `ausearch` output).
@Suite struct AuparseOracleTests {
    /// What is compared, per event: record types in order, and the fields the diagnosis reads.
    typealias Summary = [String: [String]]

    static let fields = ["arch", "syscall", "success", "exit", "a0", "a1", "a2", "a3", "pid", "comm", "exe", "scontext", "tcontext", "tclass", "proctitle", "permissive"]

    /// libauparse keeps global state (its interpretation tables), so tests that run at once
    /// take turns with it.
    static let auparseLock = NSLock()

    static func auparse(_ path: String) -> Summary {
        auparseLock.lock()
        defer { auparseLock.unlock() }
        var out: Summary = [:]
        guard let au = auparse_init(AUSOURCE_FILE, path) else { return out }
        defer { auparse_destroy(au) }
        while auparse_next_event(au) > 0 {
            guard let stamp = auparse_get_timestamp(au) else { continue }
            let nodePointer = auparse_get_node(au)
            let node = nodePointer.map { String(cString: $0) } ?? ""
            free(UnsafeMutableRawPointer(mutating: nodePointer))
            let key = "\(node)|\(EventID(seconds: UInt64(stamp.pointee.sec), milliseconds: UInt16(stamp.pointee.milli), serial: UInt64(stamp.pointee.serial)))"
            var lines: [String] = []
            guard auparse_first_record(au) > 0 else { continue }
            repeat {
                let type = String(cString: auparse_get_type_name(au))
                // Walk this record's own fields: auparse_find_field would run on into later records.
                var values: [String: String] = [:]
                if auparse_first_field(au) > 0 {
                    repeat {
                        if let n = auparse_get_field_name(au), let v = auparse_get_field_str(au) {
                            let name = String(cString: n)
                            if values[name] == nil { values[name] = String(cString: v) }
                        }
                    } while auparse_next_field(au) > 0
                }
                var line = type
                for name in fields { if let v = values[name] { line += " \(name)=\(v)" } }
                if let perms = values["seperms"] { line += " perms=\(perms)" }
                lines.append(line)
            } while auparse_next_record(au) > 0
            // An event that comes out in two pieces is marked, not silently merged.
            out[key, default: []] += (out[key] == nil ? [] : ["(split here)"]) + lines
        }
        return out
    }

    static func ours(_ path: String) throws -> Summary {
        var stream = try RecordStream(.file(path), keepEverything: true)
        defer { stream.close() }
        return try summarize(&stream)
    }

    /// A record as `auparse` summarises it: type, then the compared fields.
    static func line(_ r: Record) -> String {
        let f = r.fields
        var line = r.type
        for name in fields { if let v = f.raw(name) { line += " \(name)=\(v)" } }
        if r.type == "AVC", !f.avcPermissions.isEmpty { line += " perms=" + f.avcPermissions.joined(separator: ",") }
        return line
    }

    /// Every event the stream's records form, summarised as `auparse` summarises its events.
    static func summarize(_ stream: inout RecordStream) throws -> Summary {
        var out: Summary = [:]
        var assembler = Assembler()
        try stream.readEvents(into: &assembler) { e in
            let key = "\(e.key.node ?? "")|\(e.key.id)"
            out[key, default: []] += (out[key] == nil ? [] : ["(split here)"]) + e.records.map(line)
        }
        return out
    }

    static func compare(_ path: String) throws -> (matched: Int, differences: [String]) {
        let theirs = auparse(path)
        let mine = try ours(path)
        var differences: [String] = []
        for key in Set(theirs.keys).union(mine.keys).sorted() {
            // EOE ends an event but is not always kept by auparse (a lone EOE after PROCTITLE is eaten).
            let a = theirs[key]?.filter { $0 != "EOE" } ?? [], b = mine[key]?.filter { $0 != "EOE" } ?? []
            if a != b { differences.append("\(key):\n  auparse: \(a)\n  ours:    \(b)") }
        }
        return (theirs.count, differences)
    }

    static var inputs: [String] {
        var list = ["seed-fluent-bit.log", "thread-stacks.log", "jit-pcre2.log", "jit-anonymous.log", "textrel.log", "heap-exec.log",
                    "chain-permissive.log", "forms/seed.ausearch-raw.log"].map { Package.root + "/SampleLogs/" + $0 }
        let corpus = Package.root + "/../shared/corpus/"
        for name in ["formats-01.log", "formats-02.log", "formats-04.log", "formats-05.log", "formats-06.log", "formats-07.log", "formats-08.log", "formats-12.log", "formats-13.log"]
            where FileManager.default.fileExists(atPath: corpus + name) {
            list.append(corpus + name)
        }
        return list
    }

    @Test(arguments: AuparseOracleTests.inputs)
    func groupingAndFieldsMatchAuparse(_ path: String) throws {
        let (matched, differences) = try Self.compare(path)
        #expect(matched > 0)
        #expect(differences.isEmpty, "\(path): \(differences.prefix(3).joined(separator: "\n"))")
    }

    @Test func generatedLogsMatchAuparse() throws {
        let dir = try TemporaryDirectory("oracle")
        try Toolchain.gcc(["-O2", "-o", "genlog", Package.root + "/Tests/Benchmarks/genlog.c"], in: dir.path)
        for variant in [[], ["enriched"], ["node"], ["enriched", "node"]] {
            let r = try Shell.run(dir.path + "/genlog", ["2"] + variant)
            let path = try dir.write("gen-\(variant.joined(separator: "-")).log", r.stdout)
            let (matched, differences) = try Self.compare(path)
            #expect(matched > 1000)
            #expect(differences.isEmpty, "\(variant): \(differences.prefix(3).joined(separator: "\n"))")
        }
    }
}
