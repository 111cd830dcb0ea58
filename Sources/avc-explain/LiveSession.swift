import AuditEvents
import AuditInput
import CLinux
import Diagnosis
import ELFLoader
import Rendering
#if canImport(Glibc)
import Glibc
#endif

/// `--live`, `--follow` and `--plugin`: sources read as they are written. Each finding is
/// printed as soon as its event is complete; identical denials within `window` seconds are
/// counted, and reported as "repeated N times" rather than printed again.
struct LiveSession {
    /// `--live`: the kernel's records, read on a thread of their own.
    var netlink: NetlinkReceiver?
    /// `--verbose`: how the session reads, on stderr.
    var verbose = false
    var followed: [(file: FollowedFile, parser: LineBatchParser)] = []
    var plugin: (lines: LineAccumulator, parser: LineBatchParser)?
    var netlinkParser = LineBatchParser(name: "(audit netlink)")
    var assembler = Assembler(window: 2)
    var diagnoser: Diagnoser
    var filter: EventFilter
    var output: LiveOutput
    let text: TextRenderer
    var repeats: RepeatSchedule
    /// Findings counted again after they were printed: at exit their final state is written
    /// as JSON Lines (kept only when those are wanted: the insert runs for every repeat).
    var changed: Set<Int> = []
    var lost = 0
    /// Timeline entries and SELinux error occurrences already streamed as JSON Lines records.
    var timelineStreamed = 0
    var errorsStreamed: [Int] = []
    var serialGaps = 0
    /// `--save-records`: every record received from the kernel, as auditd would log it.
    var recordsOut: AppendedFile?
    var lastSerial: UInt64?
    /// Wall-clock second of the last batch of input, for the quiet-stream flush.
    var lastArrival: UInt64 = 0
    static let quietSeconds: UInt64 = 2

    init(diagnoser: Diagnoser, filter: EventFilter, output: LiveOutput, text: TextRenderer, window: UInt64) {
        self.diagnoser = diagnoser
        self.filter = filter
        self.output = output
        self.text = text
        repeats = RepeatSchedule(window: window)
    }
    /// Why each followed path is not being read, as last told on stderr (nil: being read).
    var waitingTold: [String?] = []

    /// Refuses to start where no AVC can come: no SELinux, audit switched off.
    static func checkKernel() throws {
        var st = stat()
        guard stat("/sys/fs/selinux/enforce", &st) == 0 else {
            throw LiveError("SELinux is not enabled on this kernel (no /sys/fs/selinux), so there will be no AVC records to explain")
        }
        if KernelAudit.isEnabled() == false {
            throw LiveError("the kernel's audit is disabled: enable it with `auditctl -e 1`, or boot with audit=1")
        }
    }

    mutating func run() throws {
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGINT)
        sigaddset(&mask, SIGTERM)
        // auditd sends its plugins SIGHUP when it reloads, and logrotate scripts send it too:
        // the appended files are opened again, and the session goes on.
        sigaddset(&mask, SIGHUP)
        sigprocmask(SIG_BLOCK, &mask, nil)
        let signals = signalfd(-1, &mask, Int32(SFD_CLOEXEC))
        defer { close(signals) }
        var pluginOpen = plugin != nil
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        if let netlink {
            netlink.start()
            if verbose { Diagnostics.warn("audit netlink: " + Self.describe(netlink.source.receiveBuffer)) }
        }
        tellWaiting()
        loop: while true {
            var fds = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
            if let netlink { fds.append(pollfd(fd: netlink.readyFD, events: Int16(POLLIN), revents: 0)) }
            if pluginOpen { fds.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&fds, nfds_t(fds.count), 250)
            if fds[0].revents != 0 {
                var info = signalfd_siginfo()
                let n = read(signals, &info, MemoryLayout<signalfd_siginfo>.size)
                guard n == MemoryLayout<signalfd_siginfo>.size, info.ssi_signo == UInt32(SIGHUP) else { break loop }
                reopenAppendedFiles()
            }
            var items: [StreamItem] = []
            if let netlink, fds.contains(where: { $0.fd == netlink.readyFD && $0.revents != 0 }) {
                items += try received(netlink.take())
            }
            if pluginOpen, fds.contains(where: { $0.fd == 0 && $0.revents != 0 }) {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
                if n <= 0 {
                    pluginOpen = false
                    items += plugin!.parser.parse(plugin!.lines.finish())
                } else {
                    items += plugin!.parser.parse(plugin!.lines.add(buffer[0..<n]))
                }
            }
            for i in followed.indices {
                items += followed[i].parser.parse(followed[i].file.poll())
                for notice in followed[i].file.takeNotices() { Diagnostics.warn("\(followed[i].file.path): \(notice)") }
            }
            tellWaiting()
            handle(items)
            // Events complete by the records' own time (in the assembler). Only when nothing
            // at all has arrived for a while are open events taken as complete: an AVC alone, on
            // a system that audits no syscalls, would otherwise wait for the next record.
            let now = UInt64(max(time(nil), 0))
            if !items.isEmpty { lastArrival = now }
            if assembler.hasOpenEvents, now >= lastArrival + Self.quietSeconds { explain(assembler.flush()) }
            reportRepeats(final: false)
            if plugin != nil && !pluginOpen && netlink == nil && followed.isEmpty { break loop }
        }
        if let netlink {
            // What the socket and the queue hold at the signal is explained, not dropped.
            netlink.stop()
            handle(try received(netlink.take()))
        }
        explain(assembler.flush())
        reportRepeats(final: true)
        summary()
    }

    /// The netlink records taken from the receiver's queue, with its losses told.
    private mutating func received(_ batch: NetlinkReceiver.Batch) -> [StreamItem] {
        for _ in 0..<batch.overflows {
            lost += 1
            report(lost: "the kernel dropped audit messages: the socket's buffer overflowed (ENOBUFS)")
        }
        var items: [StreamItem] = []
        for datagram in batch.datagrams {
            let lines = NetlinkSource.lines(of: datagram)
            if recordsOut != nil { save(lines) }
            let parsed = netlinkParser.parse(lines)
            for case .record(let r) in parsed { noteSerial(r.key.id.serial) }
            items += parsed
        }
        return items
    }

    private mutating func handle(_ items: [StreamItem]) {
        for item in items {
            switch item {
            case .record(let r):
                explain(assembler.add(r))
            case .boundary:
                explain(assembler.boundary())
            case .loaderMessage(let m):
                guard filter.accepts(m) else { continue }
                diagnoser.add(m)
                show(diagnoser.touched, pid: nil)
            }
        }
    }

    private mutating func explain(_ events: [Event]) {
        for event in events where filter.accepts(event) {
            let pid = diagnoser.add(event)
            if output.wantsRecords { streamStateChanges(event.key) }
            show(diagnoser.touched, pid: pid)
        }
    }

    private mutating func show(_ touched: [(index: Int, isNew: Bool)], pid: Int64?) {
        let now = UInt64(max(time(nil), 0))
        for t in touched {
            if t.isNew {
                if let pid, let snapshot = ProcessSnapshot.read(pid: pid) { diagnoser.enrich(t.index, with: snapshot) }
                // The booleans in force now, not when the session started.
                if netlink != nil { diagnoser.policy = PolicyEnvironment.read(root: diagnoser.loader.root) }
                let f = diagnoser.finding(t.index)
                guard f.isExec || output.wantsRecords else { continue }
                output.record(JSONRenderer.line("finding", [("number", .int(Int64(t.index + 1))), ("finding", JSONRenderer.finding(f))]))
                if f.isExec {
                    output.text("\n" + text.render(f, number: t.index + 1), log: Self.logLine(f, number: t.index + 1), priority: LOG_WARNING)
                }
                repeats.printed(t.index, at: now)
            } else {
                repeats.counted(t.index)
                if output.wantsRecords { changed.insert(t.index) }
            }
        }
    }

    /// Repeats are told once per window, not once per denial.
    private mutating func reportRepeats(final: Bool) {
        let now = UInt64(max(time(nil), 0))
        for (index, count) in repeats.take(at: now, final: final) {
            // Counts and names only: the prose is not written for a repeat.
            let f = diagnoser.fact(index)
            output.record(JSONRenderer.line("repeat", [("number", .int(Int64(index + 1))), ("repeated", .int(Int64(count))), ("count", .int(Int64(f.count)))]))
            if f.isExec {
                let line = "[\(index + 1)] repeated \(count) time\(count == 1 ? "" : "s") (\(f.count) in all): \(f.permissions.map(\.name).joined(separator: " ")) for \(TerminalText.sanitize(f.process.comm ?? f.process.exe ?? "?"))"
                output.text(line + "\n", log: line)
            }
        }
    }

    /// Policy changes and SELinux errors the event brought, streamed as they come: in file
    /// mode they are the report's timeline and selinux_errors. What the diagnoser's bounds
    /// left out is not streamed; the summary's limits_reached counts it.
    private mutating func streamStateChanges(_ key: EventKey) {
        for change in diagnoser.timeline.dropFirst(timelineStreamed) {
            output.record(JSONRenderer.line("timeline", JSONRenderer.statusChange(change)))
        }
        timelineStreamed = diagnoser.timeline.count
        let errors = diagnoser.selinuxErrors
        guard errors.count != errorsStreamed.count || errors.map(\.count).reduce(0, +) != errorsStreamed.reduce(0, +) else { return }
        errorsStreamed += Array(repeating: 0, count: errors.count - errorsStreamed.count)
        for (i, e) in errors.enumerated() where e.count != errorsStreamed[i] {
            output.record(JSONRenderer.line("selinux_error", JSONRenderer.selinuxError(text: e.text, count: e.count) + JSONRenderer.event(key)))
            errorsStreamed[i] = e.count
        }
    }

    /// A followed path that is missing, or not a regular file, is told once each time its reason changes.
    private mutating func tellWaiting() {
        if waitingTold.count != followed.count { waitingTold = Array(repeating: nil, count: followed.count) }
        for (i, f) in followed.enumerated() where f.file.waitingReason != waitingTold[i] {
            if let reason = f.file.waitingReason { Diagnostics.warn("\(f.file.path): \(reason)") }
            waitingTold[i] = f.file.waitingReason
        }
    }

    private mutating func noteSerial(_ serial: UInt64) {
        if let last = lastSerial, serial > last + 1, serial - last < 1_000_000 { serialGaps += Int(serial - last - 1) }
        if lastSerial.map({ serial > $0 }) ?? true { lastSerial = serial }
    }

    private mutating func reopenAppendedFiles() {
        for problem in [recordsOut?.reopen(), output.recordsFile?.reopen()].compactMap({ $0 }) { Diagnostics.warn(problem) }
    }

    private func save(_ lines: [[UInt8]]) {
        var bytes: [UInt8] = []
        for line in lines { bytes += line; bytes.append(0x0a) }
        recordsOut?.write(bytes)
    }

    private func report(lost why: String) {
        output.record(JSONRenderer.line("lost", [("reason", .string(why))]))
        output.text("avc-explain: \(why)\n", log: why, priority: LOG_WARNING)
    }

    /// The socket's buffer, as `--verbose` tells it.
    static func describe(_ buffer: NetlinkSource.ReceiveBuffer) -> String {
        "receive buffer \(buffer.bytes) bytes (" + (buffer.forced ? "SO_RCVBUFFORCE" : "SO_RCVBUF, capped by net.core.rmem_max: SO_RCVBUFFORCE needs CAP_NET_ADMIN") + ")"
    }

    /// How `--live` read the kernel, in the JSON Lines summary.
    static func statistics(_ netlink: NetlinkReceiver) -> JSON {
        let s = netlink.statistics
        return .object([("receive_buffer", .int(Int64(netlink.source.receiveBuffer.bytes))),
                        ("receive_buffer_forced", .bool(netlink.source.receiveBuffer.forced)),
                        ("queue_peak_bytes", .int(Int64(s.peakBytes))), ("queue_full", .int(Int64(s.fullWaits)))])
    }

    /// A finding in syslog: the columns of `--format summary`, on one line.
    static func logLine(_ f: Finding, number: Int) -> String {
        let c = SummaryRenderer.columns(f)
        return "[\(number)] \(c[0])× \(c[1])  \(c[2])  \(c[3])  first fix: \(c[4])"
    }

    private func summary() {
        var inputs = followed.map(\.parser.stats)
        if netlink != nil { inputs.append(netlinkParser.stats) }
        if let plugin { inputs.append(plugin.parser.stats) }
        for stats in inputs { Analysis.report(stats) { Diagnostics.warn($0) } }
        if assembler.handedOnForBytes > 0 { Diagnostics.warn(EventReader.handedOn(assembler.handedOnForBytes, by: assembler)) }
        // Counted, not explained: the prose of every finding at once would be the run's peak of memory.
        let counts = diagnoser.findingCount
        if output.wantsRecords {
            // JSON Lines readers get each changed finding's final state before the summary.
            for index in changed.sorted() {
                output.record(JSONRenderer.line("update", [("number", .int(Int64(index + 1))), ("finding", JSONRenderer.finding(diagnoser.finding(index)))]))
            }
            output.record(JSONRenderer.line("summary", [
                ("events", .int(Int64(diagnoser.eventsSeen))), ("denials", .int(Int64(diagnoser.denialCount))),
                ("findings", .int(Int64(counts.all))), ("exec_findings", .int(Int64(counts.exec))),
                ("lost", .int(Int64(lost))), ("serial_gaps", .int(Int64(serialGaps))),
                ("limits_reached", .array(diagnoser.limitsReached.map(JSONRenderer.limit))),
            ] + (netlink.map { [("netlink", Self.statistics($0))] } ?? [])))
        }
        var line = "\(counts.exec) exec* finding\(counts.exec == 1 ? "" : "s") (\(diagnoser.denialCount) denied permissions in \(diagnoser.eventsSeen) events)"
        if lost > 0 { line += "; audit messages were lost \(lost) time\(lost == 1 ? "" : "s")" }
        if let netlink, verbose {
            let s = netlink.statistics
            Diagnostics.warn("audit netlink: \(Self.describe(netlink.source.receiveBuffer)); at most \(s.peakBytes) bytes waited for the analysis; its queue was full \(s.fullWaits) time\(s.fullWaits == 1 ? "" : "s")")
        }
        if serialGaps > 0 { line += "; \(serialGaps) serial numbers were never seen (lost events, or events the kernel numbered but did not log)" }
        let limits = diagnoser.limitsReached
        if !limits.isEmpty { line += "\nLimits reached: " + limits.map { TerminalText.sanitize($0.detail) }.joined(separator: "; ") + "." }
        output.text("\navc-explain: " + line + "\n", log: line)
    }
}

struct LiveError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
