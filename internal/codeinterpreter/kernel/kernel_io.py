"""Output capture shared by the kernel's workers, commands and tasks."""
import os
import threading

OUTPUT_CAP = 1 << 20  # bytes kept per stream and call


class Capped:
    """A byte buffer that keeps the first `cap` bytes and counts the rest."""

    def __init__(self, cap=OUTPUT_CAP):
        self.cap = cap
        self.buf = bytearray()
        self.dropped = 0

    def add(self, data):
        room = self.cap - len(self.buf)
        if room > 0:
            self.buf += data[:room]
        self.dropped += max(0, len(data) - max(room, 0))

    def text(self, name):
        s = self.buf.decode("utf-8", errors="replace")
        if self.dropped:
            s += "\n[%s truncated: it exceeded %d bytes; %d more bytes were dropped]\n" % (name, self.cap, self.dropped)
        return s


class Drain:
    """Reads a pipe until EOF into a Capped buffer (a command's output)."""

    def __init__(self, f):
        self.out = Capped()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, args=(f,), daemon=True)
        self.thread.start()

    def _run(self, f):
        fd = f.fileno()
        try:
            while True:
                data = os.read(fd, 65536)
                if not data:
                    break
                with self.lock:
                    self.out.add(data)
        except OSError:
            pass
        finally:
            f.close()

    def done(self, timeout=0):
        self.thread.join(timeout)
        return not self.thread.is_alive()

    def text(self, name):
        with self.lock:
            return self.out.text(name)


class Capture:
    """Reads one output pipe of a long-lived worker. The worker ends each
    run's output with `mark`; begin() starts a run's buffer and end() waits
    for that run's marker (or EOF) and returns the text."""

    def __init__(self, f, mark):
        self.mark = mark
        self.cond = threading.Condition()
        self.out = Capped()
        self.marks = 0
        self.want = 1
        self.eof = False
        threading.Thread(target=self._run, args=(f,), daemon=True).start()

    def _run(self, f):
        fd, hold, n = f.fileno(), b"", len(self.mark)
        try:
            while True:
                data = os.read(fd, 65536)
                if not data:
                    break
                data = hold + data
                while True:
                    i = data.find(self.mark)
                    if i < 0:
                        break
                    with self.cond:
                        self.out.add(data[:i])
                        self.marks += 1
                        self.cond.notify_all()
                    data = data[i + n:]
                keep = len(data) - (n - 1)
                hold = data[max(keep, 0):]
                if keep > 0:
                    with self.cond:
                        self.out.add(data[:keep])
        except OSError:
            pass
        finally:
            with self.cond:
                self.out.add(hold)
                self.eof = True
                self.cond.notify_all()
            f.close()

    def begin(self):
        with self.cond:
            self.out = Capped()
            self.want = self.marks + 1

    def end(self, name, timeout):
        """The run's output once its marker (or EOF) arrived, or after timeout."""
        with self.cond:
            self.cond.wait_for(lambda: self.marks >= self.want or self.eof, timeout)
            return self.out.text(name)


def run_result(stdout, stderr, exit_code, ms, images=(), **extra):
    """The CodeInterpreterResult of a run: text = stdout (+ stderr when not
    empty), image blocks, structuredContent {stdout, stderr, exitCode,
    executionTime}; isError when the exit code is not 0."""
    text = stdout
    if stderr:
        text += ("\n" if text and not text.endswith("\n") else "") + stderr
    content = [{"type": "text", "text": text}]
    content += [{"type": "image", "data": d, "mimeType": "image/png"} for d in images]
    sc = dict(extra, stdout=stdout, stderr=stderr, exitCode=exit_code, executionTime=round(ms, 3))
    return {"content": content, "structuredContent": sc, "isError": exit_code != 0}
