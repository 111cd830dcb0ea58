import Dispatch
import Synchronization

/// Batches passed from one thread to another, in order, with at most `maxBytes` held between
/// them (and always at least one batch, however large): once a send leaves more than that
/// held, the sender waits until enough is freed, so memory stays bounded whichever side is
/// slower. Items go in batches so that the two threads meet once per batch, not once per item
/// (a semaphore wake-up costs about as much as diagnosing a repeated denial).
///
/// Held means sent and not yet freed: queued, being used by the receiver, or given back. A
/// batch counts until it is freed, not just until it is received: otherwise a batch of one
/// huge event (thousands of records of one stamp) was freed only after three more like it had
/// been built, four times the memory of reading on one thread.
///
/// Spent batches go back to the sender to be freed there: memory is then freed by the thread
/// that allocated it. Freed by the receiver, each item's arrays went to the sender's malloc
/// arena under its lock, which the sender was taking at the same time for new ones (on a dense
/// log, a tenth of the run waiting on that lock).
final class Handoff<Item: Sendable>: Sendable {
    let maxBytes: Int
    private struct State {
        var queued: [(items: [Item], bytes: Int)] = []
        /// The bytes of the batches received and not yet given back, in the order received.
        var taken: [Int] = []
        var spent: [[Item]] = []
        var spentBytes = 0
        var held = 0
    }
    private let state = Mutex(State())
    /// Signalled once per batch sent (and per `wake`), and once per batch given back. A sender that holds too
    /// much waits for a batch given back and looks again; those it did not wait for leave the
    /// count high, so it may look a few times for nothing, which is harmless.
    private let sent = DispatchSemaphore(value: 0)
    private let givenBack = DispatchSemaphore(value: 0)

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// Hands `batch` over; `bytes` is what it holds. Returns once no more than `maxBytes` is held.
    /// An empty batch means the sender is done.
    func send(_ batch: [Item], bytes: Int) {
        _ = freeSpent()
        state.withLock { s in
            s.queued.append((batch, bytes))
            s.held += bytes
        }
        sent.signal()
        while freeSpent() { givenBack.wait() }
    }

    /// Frees the batches given back, here on the sender's thread and outside the lock; true
    /// while more than `maxBytes` is still held.
    private func freeSpent() -> Bool {
        var freed: [[Item]] = []
        return state.withLock { s in
            swap(&s.spent, &freed)
            s.held -= s.spentBytes
            s.spentBytes = 0
            return s.held > maxBytes
        }
    }

    /// The next batch, waiting for one; empty once the sender is done. Every batch received
    /// must be given back (`giveBack`): the sender waits for it. While there is none,
    /// `whileWaiting` is called for other work, until it returns false (nothing to do); then the
    /// receiver sleeps until a batch is sent or `wake` is called.
    func receive(whileWaiting: () -> Bool = { false }) -> [Item] {
        while true {
            let batch = state.withLock { s -> [Item]? in
                guard !s.queued.isEmpty else { return nil }
                let first = s.queued.removeFirst()
                s.taken.append(first.bytes)
                return first.items
            }
            if let batch { return batch }
            // `sent` counts sends and wakes, not batches waiting: a wake-up may find nothing,
            // and a batch may be found before its signal is waited for; either way the receiver
            // looks again, at worst once for nothing.
            if !whileWaiting() { sent.wait() }
        }
    }

    /// Wakes the receiver if it sleeps in `receive`, to look for work again.
    func wake() { sent.signal() }

    /// Hands a received batch back, to be freed by the sender.
    func giveBack(_ batch: consuming [Item]) {
        var batch = Optional(batch)
        state.withLock { s in
            s.spent.append(batch.take()!)
            s.spentBytes += s.taken.removeFirst()
        }
        givenBack.signal()
    }
}
