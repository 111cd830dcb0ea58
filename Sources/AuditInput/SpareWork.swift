import Synchronization

/// Pre-scan halves (`RegionPrescan`) that a thread with nothing else to do may run. Reading on
/// a thread of its own, a stream offers its regions' halves here, and the thread it hands
/// events to runs them while it waits for more: the two threads then share two cores, where a
/// third (a Dispatch worker for the halves) had the three contending for them. A half nobody
/// has begun when its region's turn comes is run by the stream itself, as without help.
public final class SpareWork: Sendable {
    private let offered = Mutex<[RegionPrescan]>([])
    /// Called when a half is offered: wakes the helper if it sleeps.
    private let wake: @Sendable () -> Void

    public init(wake: @escaping @Sendable () -> Void) {
        self.wake = wake
    }

    /// Offers a region's halves. Regions whose halves are all claimed are let go here too, not
    /// only when the helper looks: a helper kept busy (a log of many programs) may not look for
    /// a long time, and each region holds its prescan's results.
    func offer(_ job: RegionPrescan) {
        offered.withLock { jobs in
            Self.letGoOfClaimed(&jobs)
            jobs.append(job)
        }
        wake()
    }

    /// Regions held (each with its prescan's results) until let go.
    var regionsHeld: Int { offered.withLock { $0.count } }

    /// Runs one half not yet begun, if there is one; false when there is none.
    public func help() -> Bool {
        while let job = offered.withLock({ jobs -> RegionPrescan? in
            Self.letGoOfClaimed(&jobs)
            return jobs.first
        }) {
            if job.helpWithAHalf() { return true }
        }
        return false
    }

    private static func letGoOfClaimed(_ jobs: inout [RegionPrescan]) {
        jobs.removeAll { !$0.hasUnclaimedHalf }
    }
}
