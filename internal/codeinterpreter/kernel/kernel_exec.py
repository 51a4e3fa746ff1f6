"""executeCode: the stateful language workers (pyworker.py, kernel.js).

Each language has one worker process at a time, in its own process group,
talking JSON lines over two pipes (requests on its fd REQ_FD, answers on
RES_FD); its stdout and stderr are captured by kernel_io.Capture. A worker
that exited, or that did not stop within GRACE seconds of a timeout, is
replaced by a new one and the result says its state was lost.
"""
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import kernel_io
import kernel_procs as procs

GRACE = 2.0  # seconds between the interrupt and the kill
HERE = os.path.dirname(os.path.abspath(__file__))
DIED = object()
TIMEOUT_EXIT = 124


def exit_code(rc):
    """A process's exit status as a shell would report it."""
    if rc is None:
        return 1
    return 128 - rc if rc < 0 else (rc or 1)


class Worker:
    def __init__(self, lang, argv, root):
        self.lang = lang
        self.mark = ("\x1e\x1fagentcore-kernel-end-%s\x1f\x1e" % os.urandom(8).hex()).encode()
        env = dict(os.environ, AGENTCORE_KERNEL_MARK=self.mark.decode())
        env.setdefault("MPLBACKEND", "Agg")
        req_r, self.req_w = os.pipe()
        res_r, res_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                argv + [str(req_r), str(res_w)], cwd=root, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(req_r, res_w),
                start_new_session=True)
        except OSError:
            for fd in (res_r, self.req_w):
                os.close(fd)
            raise
        finally:
            os.close(req_r)
            os.close(res_w)
        procs.add(self.proc.pid)
        self.out = kernel_io.Capture(self.proc.stdout, self.mark)
        self.err = kernel_io.Capture(self.proc.stderr, self.mark)
        self.answers = queue.Queue()
        self.seq = 0
        threading.Thread(target=self._read, args=(os.fdopen(res_r, "rb"),), daemon=True).start()

    def _read(self, f):
        for line in f:
            try:
                self.answers.put(json.loads(line))
            except ValueError:
                pass
        f.close()
        self.answers.put(DIED)

    def alive(self):
        return self.proc.poll() is None

    def send(self, op, **kw):
        """Send a request; its sequence number, or None if the worker is gone."""
        self.seq += 1
        data = json.dumps(dict(kw, id=self.seq, op=op)).encode() + b"\n"
        try:
            while data:
                data = data[os.write(self.req_w, data):]
        except OSError:
            return None
        return self.seq

    def wait(self, seq, timeout):
        """The answer to request seq, DIED, or None after timeout."""
        if seq is None:
            return DIED
        deadline = time.monotonic() + timeout
        while True:
            try:
                a = self.answers.get(timeout=max(0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if a is DIED or a.get("id") == seq:
                return a

    def kill(self):
        procs.kill(self.proc.pid)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.close(self.req_w)
        except OSError:
            pass


def _python_argv():
    return [sys.executable, os.path.join(HERE, "pyworker.py")]


def _node_argv():
    node = os.environ.get("AGENTCORE_NODE")
    if not node:
        import shutil  # only here: the kernel starts without it

        node = shutil.which("node") or "node"
    return [node, os.path.join(HERE, "kernel.js")]


LANGS = {"python": ("Python", _python_argv), "javascript": ("JavaScript", _node_argv)}


class Interpreter:
    """One language's worker and the lock that serialises its runs."""

    def __init__(self, lang, root):
        self.lang, self.root = lang, root
        self.title, self.argv = LANGS[lang]
        self.lock = threading.Lock()
        self.worker = None

    def start(self):
        self.worker = Worker(self.lang, self.argv(), self.root)

    def stop(self):
        if self.worker is not None:
            self.worker.kill()

    def _lost(self, why):
        self.worker.kill()
        self.worker = None
        if self.lang == "python":
            self._restart()
        return "%s; the %s context was lost and a new interpreter was started." % (why, self.title)

    def _restart(self):
        try:
            self.start()
        except OSError as e:
            print("kernel: cannot start the %s worker: %s" % (self.title, e), file=sys.stderr)

    def execute(self, code, clear, timeout):
        """Run code; returns (stdout, stderr, exitCode, images, executionTime ms)."""
        t0 = time.monotonic()
        if not self.lock.acquire(timeout=timeout):
            return "", "Another %s execution is still running; try again later.\n" % self.title, TIMEOUT_EXIT, [], 0.0
        try:
            return self._execute(code, clear, timeout, t0)
        finally:
            self.lock.release()

    def _execute(self, code, clear, timeout, t0):
        notes = []
        w = self.worker
        if w is not None and not w.alive():
            rc = w.proc.poll()
            notes.append(self._lost("The %s interpreter had exited (exit code %d)" % (self.title, exit_code(rc))))
            w = self.worker
        if w is None:
            self.start()
            w = self.worker
        if clear and w.wait(w.send("reset"), 10) in (None, DIED):
            self._lost("clear")
            if self.worker is None:
                self.start()
            w = self.worker
        w.out.begin()
        w.err.begin()
        seq = w.send("exec", code=code, timeoutMs=int(timeout * 1000))
        ans = w.wait(seq, timeout) if seq is not None else DIED
        timed_out = False
        if ans is None:
            timed_out = True
            if self.lang == "python":
                os.kill(w.proc.pid, signal.SIGINT)
            ans = w.wait(seq, GRACE)
        code_ = 0
        images = []
        if ans is None or ans is DIED:
            if ans is None:
                code_ = TIMEOUT_EXIT
                notes.append(self._lost("Execution timed out after %gs and did not stop when interrupted, so it was killed" % timeout))
            else:
                w.proc.wait()
                code_ = exit_code(w.proc.returncode)
                notes.append(self._lost("The %s interpreter exited (exit code %d) while running this code" % (self.title, code_)))
            stdout = w.out.end("stdout", 0.5)
            stderr = w.err.end("stderr", 0.5)
        else:
            stdout = w.out.end("stdout", 2)
            stderr = w.err.end("stderr", 2)
            code_ = ans.get("exitCode", 1)
            images = ans.get("images") or []
            timed_out = timed_out or ans.get("timedOut", False)
            if timed_out:
                code_ = TIMEOUT_EXIT
                notes.append("Execution timed out after %gs and was interrupted; the %s context was kept." % (timeout, self.title))
        if notes:
            if stderr and not stderr.endswith("\n"):
                stderr += "\n"
            stderr += "".join(n + "\n" for n in notes)
        return stdout, stderr, code_, images, (time.monotonic() - t0) * 1000.0
