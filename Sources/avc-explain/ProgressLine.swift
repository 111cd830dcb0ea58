#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Whether a progress line is on the terminal, for the signal handler that ends it.
private let progressShown = Atomic<Bool>(false)

/// A one-line progress report on stderr for large inputs, redrawn at most four times a
/// second, and only when stderr is a terminal.
struct ProgressLine {
    private var started = ProgressLine.now()
    private var lastDraw = 0.0
    private var done = 0
    private var drawn = false

    static func forStandardError() -> ProgressLine? {
        guard isatty(2) == 1 else { return nil }
        endLineOnSignal()
        return ProgressLine()
    }

    /// SIGINT (^C) or SIGTERM while a progress line is shown would leave the shell's prompt on
    /// its end: the handler ends the line, then the signal takes its default course, so the
    /// exit status still says it (130 for SIGINT in a shell). Only a write and a raise there:
    /// both async-signal-safe.
    private static func endLineOnSignal() {
        progressShown.store(false, ordering: .relaxed)   // initialised here, not first in the handler
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            if progressShown.load(ordering: .relaxed) {
                var newline = UInt8(ascii: "\n")
                _ = write(2, &newline, 1)
            }
            raise(signal)
        }
        // Reset to the default on entry: the raise then ends the process once the handler returns.
        action.sa_flags = Int32(bitPattern: UInt32(truncatingIfNeeded: SA_RESETHAND))
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    mutating func update(bytes: Int, denials: Int) {
        let t = Self.now()
        // Small inputs finish before anyone could read a progress line.
        guard t - started > 0.5, t - lastDraw > 0.25 else { return }
        lastDraw = t
        let total = done + bytes
        let mb = Double(total) / 1_048_576
        let rate = mb / max(t - started, 0.001)
        let text = "avc-explain: \(Int(mb)) MB read, \(Int(rate)) MB/s, \(denials) denied permission\(denials == 1 ? "" : "s") so far"
        draw("\r\u{1b}[K" + text)
        drawn = true
        progressShown.store(true, ordering: .relaxed)
    }

    mutating func finishInput(bytes: Int) { done += bytes }

    mutating func clear() {
        progressShown.store(false, ordering: .relaxed)
        if drawn { draw("\r\u{1b}[K") }
        drawn = false
    }

    private func draw(_ s: String) { Descriptor.write(s, to: 2) }
}
