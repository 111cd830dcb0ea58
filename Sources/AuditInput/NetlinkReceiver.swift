import CLinux
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Reads a `NetlinkSource` on a thread that does nothing else, into a bounded queue the
/// analysis takes from. The first denial of a program costs milliseconds of ELF work; read on
/// the same thread, a burst behind it would overflow the socket. When the queue is full the
/// reader waits, and the backlog stays in the socket's buffer: what is lost past both is the
/// kernel's ENOBUFS, counted.
public final class NetlinkReceiver: Sendable {
    public let source: NetlinkSource
    /// Readable (an eventfd) when there is something to `take()`.
    public let readyFD: Int32
    /// Bound on the bytes queued (each datagram charged its size and an array's overhead).
    public let maxQueuedBytes: Int

    private struct State {
        var datagrams: [[UInt8]] = []
        var bytes = 0
        var overflows = 0
        var failure: NetlinkSource.Failure?
        /// Whether `readyFD` was written since the last `take()`.
        var signalled = false
        var stopping = false
        /// The reading thread, joined by `stop()`.
        var thread: pthread_t?
        var statistics = Statistics()
    }
    private let state = Mutex(State())

    public struct Statistics: Sendable, Equatable {
        /// Most bytes queued at once.
        public var peakBytes = 0
        /// Times the queue was full and the reader waited for the analysis.
        public var fullWaits = 0
    }

    /// What arrived since the last take: datagrams in order, and how many times the kernel
    /// dropped messages (ENOBUFS) meanwhile.
    public struct Batch {
        public var datagrams: [[UInt8]]
        public var overflows: Int
    }

    static let datagramOverhead = 32

    public init(source: NetlinkSource, maxQueuedBytes: Int = 16 << 20) {
        self.source = source
        self.maxQueuedBytes = maxQueuedBytes
        readyFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
    }

    deinit { close(readyFD) }

    /// Starts the reading thread; it holds the receiver until `stop()`.
    public func start() {
        var thread = pthread_t()
        let retained = Unmanaged.passRetained(self).toOpaque()
        let started = pthread_create(&thread, nil, { context in
            Unmanaged<NetlinkReceiver>.fromOpaque(context!).takeRetainedValue().readUntilStopped()
            return nil
        }, retained)
        if started == 0 {
            state.withLock { $0.thread = thread }
        } else {
            Unmanaged<NetlinkReceiver>.fromOpaque(retained).release()
            state.withLock { $0.failure = .socket(started) }
            signal()
        }
    }

    /// Stops reading once what the socket holds now has been queued, and waits for that: a
    /// session ending (SIGTERM after a burst) explains every record the kernel delivered, not
    /// only those the reader had reached.
    public func stop() {
        let thread = state.withLock { s -> pthread_t? in
            s.stopping = true
            defer { s.thread = nil }
            return s.thread
        }
        if let thread { pthread_join(thread, nil) }
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Everything queued; throws what stopped the reader, once the queue before it is taken.
    public func take() throws -> Batch {
        var count: UInt64 = 0
        _ = read(readyFD, &count, 8)
        let (batch, failure) = state.withLock { s -> (Batch, NetlinkSource.Failure?) in
            let batch = Batch(datagrams: s.datagrams, overflows: s.overflows)
            s.datagrams.removeAll()
            s.bytes = 0
            s.overflows = 0
            s.signalled = false
            return (batch, batch.datagrams.isEmpty && batch.overflows == 0 ? s.failure : nil)
        }
        if let failure { throw failure }
        return batch
    }

    private func readUntilStopped() {
        // An audit record is at most MAX_AUDIT_MESSAGE_LENGTH (8,970) bytes.
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var ready = pollfd(fd: source.fd, events: Int16(POLLIN), revents: 0)
        // Once stopping, one last pass reads what the socket holds, at most a receive buffer's
        // worth (a storm that goes on cannot keep the session from ending).
        var budget = Int.max
        while true {
            let stopping = state.withLock { $0.stopping }
            if stopping { budget = max(source.receiveBuffer.bytes, 1 << 20) }
            _ = poll(&ready, 1, stopping ? 0 : 200)
            while budget > 0 {
                let received: NetlinkSource.Received
                do {
                    received = try buffer.withUnsafeMutableBytes { try source.receive(into: $0) }
                } catch {
                    state.withLock { $0.failure = error as? NetlinkSource.Failure ?? .socket(EIO) }
                    signal()
                    return
                }
                switch received {
                case .none: break
                case .overflow:
                    state.withLock { $0.overflows += 1 }
                    signal()
                    continue
                case .datagram(let n):
                    if budget != Int.max { budget -= n }
                    enqueue(Array(buffer[0..<n]))
                    continue
                }
                break
            }
            if stopping { return }
        }
    }

    /// Queues a datagram; while the queue is full, waits for the analysis to take from it.
    /// Once stopping it does not wait (the analysis is waiting for the reader to end): the last
    /// pass's budget bounds the queue instead.
    private func enqueue(_ datagram: [UInt8]) {
        let cost = datagram.count + Self.datagramOverhead
        var waited = false
        while true {
            let queued = state.withLock { s -> Bool in
                // Stopping: the analysis waits for this thread to end and takes nothing meanwhile.
                guard s.stopping || s.bytes == 0 || s.bytes + cost <= maxQueuedBytes else { return false }
                s.datagrams.append(datagram)
                s.bytes += cost
                s.statistics.peakBytes = max(s.statistics.peakBytes, s.bytes)
                return true
            }
            if queued { break }
            if !waited {
                waited = true
                state.withLock { $0.statistics.fullWaits += 1 }
            }
            usleep(1000)
        }
        signal()
    }

    /// Wakes the analysis, once per take.
    private func signal() {
        let first = state.withLock { s -> Bool in
            defer { s.signalled = true }
            return !s.signalled
        }
        guard first else { return }
        var one: UInt64 = 1
        _ = write(readyFD, &one, 8)
    }
}
