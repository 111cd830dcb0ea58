#if canImport(Glibc)
import Glibc
#endif

/// A thread running one closure, joined when its result is needed. A plain pthread rather than
/// a Dispatch queue: the work runs for the whole input, and Dispatch's pool (two threads on two
/// cores) is left to the region prescan (`RegionPrescan`).
final class ReadingThread: Sendable {
    private let thread: pthread_t

    /// Starts `body` on a new thread; nil if none could be started.
    init?(_ body: @escaping @Sendable () -> Void) {
        final class Box: Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        guard pthread_create(&thread, nil, { context in
            Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context) == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return nil
        }
        self.thread = thread
    }

    /// Waits for the body to return.
    func join() { pthread_join(thread, nil) }
}
