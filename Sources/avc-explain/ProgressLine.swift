#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress report on stderr for large inputs, redrawn at most four times a
/// second, and only when stderr is a terminal.
struct ProgressLine {
    private var started = ProgressLine.now()
    private var lastDraw = 0.0
    private var done = 0
    private var drawn = false

    static func forStandardError() -> ProgressLine? { isatty(2) == 1 ? ProgressLine() : nil }

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
    }

    mutating func finishInput(bytes: Int) { done += bytes }

    mutating func clear() {
        if drawn { draw("\r\u{1b}[K") }
        drawn = false
    }

    private func draw(_ s: String) { Descriptor.write(s, to: 2) }
}
