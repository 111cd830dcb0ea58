import Dispatch
import Synchronization

/// Batches passed from one thread to another, in order, with at most `maxBytes` waiting (and
/// always at least one batch, however large): the sender waits when the receiver falls that far
/// behind, so memory stays bounded whichever side is slower. Items go in batches so that the
/// two threads meet once per batch, not once per item (a semaphore wake-up costs about as much
/// as diagnosing a repeated denial).
///
/// Spent batches go back to the sender to be freed there: memory is then freed by the thread
/// that allocated it. Freed by the receiver, each item's arrays went to the sender's malloc
/// arena under its lock, which the sender was taking at the same time for new ones (on a dense
/// log, a tenth of the run waiting on that lock).
final class Handoff<Item: Sendable>: Sendable {
    let maxBytes: Int
    private struct Queue {
        var batches: [(items: [Item], bytes: Int)] = []
        var bytes = 0
    }
    private let queue = Mutex(Queue())
    private let spent = Mutex<[[Item]]>([])
    /// Signalled once per batch sent, and once per batch received. A sender that finds no room
    /// waits for a receipt and looks again; receipts it did not wait for leave the count high,
    /// so it may look a few times for nothing, which is harmless.
    private let sent = DispatchSemaphore(value: 0)
    private let received = DispatchSemaphore(value: 0)

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// Hands `batch` over, waiting for room; `bytes` is what it holds. An empty batch means the
    /// sender is done.
    func send(_ batch: [Item], bytes: Int) {
        // Spent batches are freed here, on the sender's thread, outside the lock.
        var freed: [[Item]] = []
        spent.withLock { swap(&$0, &freed) }
        freed.removeAll()
        while !queue.withLock({ q in
            guard q.batches.isEmpty || q.bytes + bytes <= maxBytes else { return false }
            q.batches.append((batch, bytes))
            q.bytes += bytes
            return true
        }) {
            received.wait()
        }
        sent.signal()
    }

    /// The next batch, waiting for one; empty once the sender is done.
    func receive() -> [Item] {
        sent.wait()
        let batch = queue.withLock { q in
            let first = q.batches.removeFirst()
            q.bytes -= first.bytes
            return first.items
        }
        received.signal()
        return batch
    }

    /// Hands a received batch back, to be freed by the sender.
    func giveBack(_ batch: consuming [Item]) {
        var batch = Optional(batch)
        spent.withLock { $0.append(batch.take()!) }
    }
}
