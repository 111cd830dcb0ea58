import Foundation
import Testing
@testable import AuditInput
#if canImport(Glibc)
import Glibc
#endif

/// The netlink reader thread, over a datagram socket pair standing in for the audit socket.
@Suite struct NetlinkReceiverTests {
    /// A session stopped right after a burst still gets every datagram the socket held: the
    /// reader drains the socket before it ends, and `stop()` waits for it.
    @Test func stoppingTakesEverythingTheSocketHolds() throws {
        var pair: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
        defer { close(pair[1]) }
        let receiver = NetlinkReceiver(source: NetlinkSource(adopting: pair[0]), maxQueuedBytes: 256)
        let sent = Self.sendUntilFull(pair[1])
        try #require(sent >= 10)
        receiver.start()
        receiver.stop()   // before the reader had a chance to read, and with a queue smaller than the burst
        let batch = try receiver.take()
        #expect(batch.datagrams.count == sent)
        #expect(batch.datagrams.first.map { String(decoding: $0.prefix(11), as: UTF8.self) } == "datagram 0 ")
        #expect(batch.datagrams.last.map { String(decoding: $0.prefix(while: { $0 != 0x41 }), as: UTF8.self) } == "datagram \(sent - 1) ")
    }

    /// A reader waiting for room in a full queue does not hold up the stop.
    @Test func aFullQueueDoesNotBlockTheStop() throws {
        var pair: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
        defer { close(pair[1]) }
        let receiver = NetlinkReceiver(source: NetlinkSource(adopting: pair[0]), maxQueuedBytes: 1)
        receiver.start()
        // The reader queues the first and then waits for room; give it time to get there.
        var sent = 0
        while receiver.statistics.fullWaits == 0 { sent += Self.sendUntilFull(pair[1], from: sent); usleep(1000) }
        sent += Self.sendUntilFull(pair[1], from: sent)
        receiver.stop()
        #expect(try receiver.take().datagrams.count == sent)
    }

    /// Sends numbered datagrams without waiting until the socket takes no more (a datagram socket
    /// pair queues only net.unix.max_dgram_qlen of them, 10 by default); how many it took.
    static func sendUntilFull(_ fd: Int32, from first: Int = 0) -> Int {
        var i = first
        while true {
            var datagram = Array("datagram \(i) ".utf8) + [UInt8](repeating: 0x41, count: 100)
            guard send(fd, &datagram, datagram.count, Int32(MSG_DONTWAIT)) == datagram.count else { return i - first }
            i += 1
        }
    }
}
