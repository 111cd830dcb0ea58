import Foundation
import Synchronization
import Testing
import TestSupport
import AuditInput
@testable import avc_explain

/// The reading thread hands the diagnosis batches in order, never more than its budget ahead,
/// and frees what it allocated itself.
@Suite struct HandoffTests {
    /// Sends `count` batches of one item on a reading thread, `bytes` each; the receiver runs
    /// `afterEach` with the number received so far and how many sends had returned.
    private static func exchange(count: Int, bytes: Int, maxBytes: Int,
                                 afterEach: (Int, Int) -> Void = { _, _ in }) -> [Int] {
        let handoff = Handoff<Int>(maxBytes: maxBytes)
        let sendsReturned = Atomic<Int>(0)
        let thread = ReadingThread {
            for i in 0..<count {
                handoff.send([i], bytes: bytes)
                sendsReturned.add(1, ordering: .sequentiallyConsistent)
            }
            handoff.send([], bytes: 0)
        }
        var received: [Int] = []
        while case let batch = handoff.receive(), !batch.isEmpty {
            received += batch
            handoff.giveBack(batch)
            afterEach(received.count, sendsReturned.load(ordering: .sequentiallyConsistent))
        }
        thread?.join()
        return received
    }

    @Test func batchesArriveInOrder() {
        #expect(Self.exchange(count: 5_000, bytes: 10, maxBytes: 100) == Array(0..<5_000))
    }

    /// With room for two batches, the sender is never more than two ahead of the receiver, however
    /// long the receiver takes: after the receiver has taken k, at most k + 2 sends have
    /// returned (a send returns once its batch is queued). Without the bound, the sender would
    /// have finished during the receiver's first pause.
    @Test func theSenderWaitsForRoom() {
        var worst = 0
        _ = Self.exchange(count: 40, bytes: 100, maxBytes: 250) { received, returned in
            usleep(2_000)
            worst = max(worst, returned - received)
        }
        #expect(worst <= 2)
        #expect(worst >= 1, "the sender never ran ahead: the test proves nothing")
    }

    /// A batch larger than the whole budget still goes, alone: no deadlock on one huge event.
    @Test func aBatchPastTheBudgetGoesAlone() {
        #expect(Self.exchange(count: 20, bytes: 1_000, maxBytes: 100) == Array(0..<20))
    }

    /// A batch past the budget is freed before the sender goes on: the next one is built with
    /// nothing else held, as when reading on one thread (one huge event in memory, not four).
    /// Without it, a send returned once its batch was queued and the batches given back
    /// waited for the sender's next send to be freed.
    @Test func aBatchPastTheBudgetIsFreedBeforeTheNextIsBuilt() {
        final class Count: Sendable { let value = Atomic<Int>(0) }
        final class Tracked: Sendable {
            let freed: Count
            init(_ freed: Count) { self.freed = freed }
            deinit { freed.value.add(1, ordering: .sequentiallyConsistent) }
        }
        let freed = Count()
        let handoff = Handoff<Tracked>(maxBytes: 100)
        let unfreedAtReturn = Mutex<[Int]>([])
        let thread = ReadingThread {
            for i in 0..<20 {
                handoff.send([Tracked(freed)], bytes: 1_000)
                unfreedAtReturn.withLock { $0.append(i + 1 - freed.value.load(ordering: .sequentiallyConsistent)) }
            }
            handoff.send([], bytes: 0)
        }
        while case let batch = handoff.receive(), !batch.isEmpty {
            usleep(1_000)
            handoff.giveBack(batch)
        }
        thread?.join()
        #expect(unfreedAtReturn.withLock { $0 } == Array(repeating: 0, count: 20))
    }

    /// Items given back are released by the sender's thread, which allocated them.
    @Test func spentBatchesAreFreedBySender() throws {
        final class Log: Sendable { let threads = Mutex<[pthread_t]>([]) }
        final class Tracked: Sendable {
            let log: Log
            init(_ log: Log) { self.log = log }
            deinit { log.threads.withLock { $0.append(pthread_self()) } }
        }
        let log = Log()
        let handoff = Handoff<Tracked>(maxBytes: 4)
        let senderID = Mutex<pthread_t?>(nil)
        let thread = ReadingThread {
            senderID.withLock { $0 = pthread_self() }
            for _ in 0..<200 { handoff.send([Tracked(log)], bytes: 1) }
            handoff.send([], bytes: 0)
        }
        while case let batch = handoff.receive(), !batch.isEmpty { handoff.giveBack(batch) }
        thread?.join()
        let sender = try #require(senderID.withLock { $0 })
        // Read while the handoff still holds the batches given back after the sender's last
        // send: those go when it does, on this thread.
        let threads = withExtendedLifetime(handoff) { log.threads.withLock { $0 } }
        #expect(threads.count >= 190)
        #expect(threads.allSatisfy { pthread_equal($0, sender) != 0 })
    }
}

/// The reader sends everything an input yields, in input order, in batches within its bounds.
@Suite struct EventReaderTests {
    @Test func batchesKeepTheirBoundsAndInputOrder() throws {
        let dir = try TemporaryDirectory("event-reader")
        var log = ""
        for i in 0..<50 {
            let stamp = "msg=audit(1795700000.\(100 + i):\(i + 1)):"
            log += "type=AVC \(stamp) avc:  denied  { execmem } for  pid=\(1000 + i) comm=\"app\" scontext=system_u:system_r:unconfined_service_t:s0 tcontext=system_u:system_r:unconfined_service_t:s0 tclass=process permissive=0\n"
            log += "type=SYSCALL \(stamp) arch=c000003e syscall=10 success=no exit=-13 a0=7f0000000000 a1=1000 a2=7 a3=0 items=0 ppid=1 pid=\(1000 + i) auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"app\" exe=\"/opt/app/bin/app\" subj=system_u:system_r:unconfined_service_t:s0 key=(null)\n"
            log += "type=EOE \(stamp) \n"
        }
        let path = try dir.write("reader.log", log)
        var reader = EventReader(sources: [.file(path), .file(dir.path + "/missing.log")], scopes: [:], filter: .init(), reportsProgress: false)
        // A batch closes at 7 items, or once it holds 2,000 bytes (an event here is three
        // records, about 900 bytes with their overhead): never later.
        for (items, bytes) in [(7, 2_000), (7, Int.max), (1_000, 2_000)] {
            reader.batchItems = items
            reader.batchBytes = bytes
            let batches = Self.batches(reader)
            #expect(batches.last?.items.isEmpty == true && batches.last?.bytes == 0)
            for batch in batches.dropLast() {
                let sizes = batch.items.map(EventReader.bytes)
                #expect(batch.bytes == sizes.reduce(0, +))
                #expect(batch.items.count <= items)
                if batch.items.count > 1 { #expect(batch.bytes - sizes.last! < bytes) }
            }
            // Every batch but the last one with items was sent as soon as it was full.
            #expect(batches.dropLast(2).allSatisfy { $0.items.count == items || $0.bytes >= bytes })
        }
        let items = Self.batches(reader).flatMap(\.items)
        let serials = items.compactMap { item -> UInt64? in
            if case .event(let event) = item { return event.key.id.serial }
            return nil
        }
        #expect(serials == Array(1...50))
        // Each input's end comes after its events, in input order: the missing one last.
        let ends = items.enumerated().compactMap { i, item -> (Int, InputEnd)? in
            if case .finished(let end) = item { return (i, end) }
            return nil
        }
        #expect(ends.count == 2)
        #expect(ends[0].1.stats?.name == path && !ends[0].1.failed && ends[0].0 > serials.count - 1)
        #expect(ends[1].1.stats == nil && ends[1].1.failed)
        #expect(ends[1].1.warnings.first?.hasPrefix(dir.path + "/missing.log: cannot open:") == true)
    }

    /// Loader messages count against the budget by their text: a log of nothing else (one per
    /// line, up to the 1 MiB line length) cannot fill memory while the diagnosis lags. They
    /// counted nothing before, so any number of such batches could wait.
    @Test func loaderMessagesCountTheirText() throws {
        let dir = try TemporaryDirectory("event-reader-loader")
        // Long names, as glibc could write them (PATH_MAX): a longer reason is not its message.
        let directory = "/opt/" + String(repeating: "Z", count: 4_000)
        var log = ""
        for i in 0..<10 {
            log += "prog\(i): error while loading shared libraries: \(directory)/lib\(i).so: cannot enable executable stack as shared object requires: Permission denied\n"
        }
        var reader = EventReader(sources: [.file(try dir.write("loader.log", log))], scopes: [:], filter: .init(), reportsProgress: false)
        reader.batchBytes = 10_000
        let batches = Self.batches(reader).dropLast()
        #expect(batches.flatMap(\.items).count == 11)
        // Three messages make a batch of about 12,500 bytes.
        #expect(batches.map(\.items.count) == [3, 3, 3, 2])
        #expect(batches.allSatisfy { $0.bytes >= 4_000 * $0.items.count - 4_000 })
    }

    /// With a progress line, each chunk's mark goes at once, at the end of its batch, even when
    /// the chunks hold no record to keep: the line moves while a log without denials (or a pipe
    /// that stalls) is read. Marks were sent only beside items, in full batches, so this log
    /// had none.
    @Test func progressMarksGoAfterEveryChunk() throws {
        let dir = try TemporaryDirectory("event-reader-progress")
        let line = "type=USER_LOGIN msg=audit(1795700000.000:1): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" res=failed'\n"
        let log = String(repeating: line, count: (4 << 20) / line.utf8.count)
        let reader = EventReader(sources: [.file(try dir.write("logins.log", log))], scopes: [:], filter: .init(), reportsProgress: true)
        let batches = Self.batches(reader).dropLast()
        let marks = batches.map { batch in
            batch.items.compactMap { item -> Int? in
                if case .scanned(let bytes) = item { return bytes }
                return nil
            }
        }
        #expect(marks.flatMap { $0 }.count >= 2)
        #expect(marks.flatMap { $0 }.last == log.utf8.count)
        for (batch, marks) in zip(batches, marks) where !marks.isEmpty {
            #expect(marks.count == 1)
            if case .scanned = batch.items.last {} else { Issue.record("a progress mark waited in its batch") }
        }
    }

    private static func batches(_ reader: EventReader) -> [(items: [ReadItem], bytes: Int)] {
        var batches: [(items: [ReadItem], bytes: Int)] = []
        reader.run { batches.append(($0, $1)) }
        return batches
    }

}
