import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The prescan of a large region, as two halves: one on a worker thread, the other on the main
/// thread if it has nothing else to do. The selection remembers earlier lines, so it stays on
/// the main thread, in input order; the prescan remembers nothing (see `Prescan`), so it may
/// also run ahead: `start` it as soon as the region is read and it runs while the main thread
/// still selects the lines of the region before and hands out their records.
///
/// Who touches what:
/// - The region's bytes are only read, by both threads. `ChunkedInput` keeps them valid until
///   the piece after the next one is read, and `RecordStream` reads that piece only once
///   `finish` has returned.
/// - Each half is run by whichever thread claims it first (an atomic flag): the worker takes
///   them in order; the main thread, once it needs the region, takes what the worker has not
///   begun, from the last half back. A half's result and lookups are written only by the
///   thread that claimed it, and read by the main thread once `finish` has waited for the
///   worker.
/// - `started` is the main thread's alone. The worker is a Dispatch thread, reused from region
///   to region, and only one region's prescan is under way at a time: a region's is started
///   once the one before has finished.
final class RegionPrescan: @unchecked Sendable {
    let region: UnsafeRawBufferPointer
    private let halves: [Half]
    private let maxLineLength: Int
    private let keepEverything: Bool
    private let worker = DispatchGroup()
    private var started = false
    /// Where the halves are offered instead of to a Dispatch worker, if set.
    private let spare: SpareWork?

    /// Splits `region` at the first line end after its middle, nil when there is none (the
    /// region is then scanned in one pass). `lookups`: one per half.
    init?(_ region: UnsafeRawBufferPointer, lookups: [InterpretedLookups], maxLineLength: Int, keepEverything: Bool, spare: SpareWork? = nil) {
        guard let base = region.baseAddress,
              let mid = memchr(base + region.count / 2, 0x0a, region.count - region.count / 2) else { return nil }
        let split = base.distance(to: mid) + 1
        self.region = region
        halves = [Half(0..<split, lookups[0]), Half(split..<region.count, lookups[1])]
        (self.maxLineLength, self.keepEverything) = (maxLineLength, keepEverything)
        self.spare = spare
    }

    /// Sets the worker on the halves, once.
    func start() {
        guard !started else { return }
        started = true
        if let spare { return spare.offer(self) }
        DispatchQueue.global().async(group: worker) { [self] in
            while helpWithAHalf() {}
        }
    }

    /// Whether a half is still to be claimed (a helper's question; the answer may be stale).
    var hasUnclaimedHalf: Bool { halves.contains { !$0.isClaimed } }

    /// A turn of the worker or a helper: runs the first half not yet claimed; false if there was
    /// none. Counted in the group before the claim, so that `finish` waits for a half begun.
    func helpWithAHalf() -> Bool {
        worker.enter()
        defer { worker.leave() }
        guard let half = halves.first(where: { $0.claim() }) else { return false }
        run(half)
        return true
    }

    /// The halves' prescans in order, and their lookups for the next region's halves.
    func finish() -> (prescans: [Prescan], lookups: [InterpretedLookups]) {
        start()
        for half in halves.reversed() where half.claim() { run(half) }
        worker.wait()
        return (halves.map(\.result), halves.map(\.lookups))
    }

    /// Waits until the worker has left the region, the halves it has not begun left undone
    /// (the stream is closed before the region's turn).
    func abandon() {
        for half in halves { _ = half.claim() }
        worker.wait()
    }

    private func run(_ half: Half) {
        half.result = Prescan(region, half.range, maxLineLength: maxLineLength, keepEverything: keepEverything, lookups: &half.lookups)
    }

    private final class Half {
        let range: Range<Int>
        private let claimed = Atomic(false)
        var result = Prescan()
        var lookups: InterpretedLookups

        init(_ range: Range<Int>, _ lookups: InterpretedLookups) {
            self.range = range
            self.lookups = lookups
        }

        var isClaimed: Bool { claimed.load(ordering: .acquiring) }

        /// True for the first thread to ask: that one runs the half.
        func claim() -> Bool {
            !claimed.exchange(true, ordering: .acquiringAndReleasing)
        }
    }
}
