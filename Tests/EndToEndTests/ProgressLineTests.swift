import Foundation
import Testing
import TestSupport

/// The progress line on a terminal, driven through a pseudo-terminal (Python's pty module): the
/// tool reads a FIFO fed a megabyte at a time until its progress line shows.
@Suite struct ProgressLineTests {
    /// ^C while the progress line is shown ends that line before the process dies of the signal:
    /// the shell's prompt used to follow the progress text on the same line.
    @Test func anInterruptEndsTheProgressLine() throws {
        let dir = try TemporaryDirectory("progress-interrupt")
        let script = #"""
        import os, pty, select, signal, sys, time
        tool, fifo = sys.argv[1], sys.argv[2]
        os.mkfifo(fifo)
        pid, terminal = pty.fork()
        if pid == 0:
            # As from a shell: the test runner spawns with signals blocked, which exec keeps.
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execv(tool, [tool, fifo])
        feed = os.open(fifo, os.O_WRONLY)
        line = b'type=SYSCALL msg=audit(1795700000.000:1): arch=c000003e syscall=10 success=no exit=-13 pid=1 comm="a" exe="/bin/a"\n'
        chunk = line * (1048576 // len(line))
        shown = b''
        deadline = time.monotonic() + 120   # a bound on a hung run, not a timing
        while b'MB read' not in shown and time.monotonic() < deadline:
            os.write(feed, chunk)
            while select.select([terminal], [], [], 0.02)[0]:
                shown += os.read(terminal, 65536)
        os.kill(pid, signal.SIGINT)
        os.close(feed)   # were the signal lost, the run would end at the end of its input
        while time.monotonic() < deadline:
            try:
                data = os.read(terminal, 65536)
            except OSError:
                break
            if not data:
                break
            shown += data
        _, status = os.waitpid(pid, 0)
        print('signal', os.WTERMSIG(status) if os.WIFSIGNALED(status) else -1)
        print('shown', b'MB read' in shown)
        print('ended', shown[shown.rfind(b'MB read'):].endswith(b'\n'))
        """#
        let r = try Shell.run("/usr/bin/python3", ["-c", script, Package.tool, dir.path + "/feed"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n") == ["signal 2", "shown True", "ended True"], "\(r.stdout)")
    }
}
