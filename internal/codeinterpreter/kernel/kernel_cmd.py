"""executeCommand and the tasks of startCommandExecution/getTask/stopTask.

Each command runs as `/bin/sh -c command` in the working directory in its
own process group, stdin from /dev/null, stdout and stderr captured (capped).
"""
import subprocess
import threading
import time
import uuid

import kernel_io
import kernel_procs as procs
from kernel_errors import NotFound
from kernel_exec import TIMEOUT_EXIT, exit_code

DRAIN_WAIT = 0.5  # seconds to wait for output after the shell exited (background jobs may hold the pipes)


def _spawn(command, root):
    p = subprocess.Popen(["/bin/sh", "-c", command], cwd=root, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    procs.add(p.pid)
    return p, kernel_io.Drain(p.stdout), kernel_io.Drain(p.stderr)


def execute_command(command, root, timeout):
    """Run command to completion or until timeout (then its process group is
    killed and the exit code is 124)."""
    t0 = time.monotonic()
    p, out, err = _spawn(command, root)
    try:
        r = p.wait(timeout)
        rc = exit_code(r) if r else 0
        timed_out = False
    except subprocess.TimeoutExpired:
        procs.kill(p.pid)
        p.wait()
        rc, timed_out = TIMEOUT_EXIT, True
    out.done(DRAIN_WAIT)
    err.done(DRAIN_WAIT)
    stdout, stderr = out.text("stdout"), err.text("stderr")
    if timed_out:
        if stderr and not stderr.endswith("\n"):
            stderr += "\n"
        stderr += "Command timed out after %gs and was killed.\n" % timeout
    return kernel_io.run_result(stdout, stderr, rc, (time.monotonic() - t0) * 1000.0)


class Task:
    def __init__(self, command, root):
        self.id = str(uuid.uuid4())
        self.t0 = time.monotonic()
        self.t1 = None
        self.canceled = False
        self.proc, self.out, self.err = _spawn(command, root)
        threading.Thread(target=self._reap, daemon=True).start()

    def _reap(self):
        self.proc.wait()
        self.t1 = time.monotonic()

    def status(self):
        if self.canceled:
            return "canceled"
        if self.proc.poll() is None:
            return "working"
        return "completed" if self.proc.returncode == 0 else "failed"

    def result(self, headline):
        st = self.status()
        sc = {"taskId": self.id, "taskStatus": st}
        if st != "working":
            self.out.done(DRAIN_WAIT)
            self.err.done(DRAIN_WAIT)
        stdout, stderr = self.out.text("stdout"), self.err.text("stderr")
        sc.update(stdout=stdout, stderr=stderr)
        text = headline % {"id": self.id, "status": st}
        if st != "working":
            rc = exit_code(self.proc.returncode) if self.proc.returncode else 0
            sc.update(exitCode=rc, executionTime=round(((self.t1 or time.monotonic()) - self.t0) * 1000.0, 3))
            text += " (exit code %d)" % rc
        if stdout or stderr:
            text += "\n" + stdout + ("\n" if stdout and stderr and not stdout.endswith("\n") else "") + stderr
        return {"content": [{"type": "text", "text": text}], "structuredContent": sc, "isError": False}


class Tasks:
    def __init__(self, root):
        self.root = root
        self.lock = threading.Lock()
        self.tasks = {}

    def start(self, command):
        t = Task(command, self.root)
        with self.lock:
            self.tasks[t.id] = t
        return {"content": [{"type": "text", "text": "Task %s started" % t.id}],
                "structuredContent": {"taskId": t.id, "taskStatus": "working"}, "isError": False}

    def _get(self, task_id):
        with self.lock:
            t = self.tasks.get(task_id)
        if t is None:
            raise NotFound("task %s does not exist" % task_id)
        return t

    def get(self, task_id):
        return self._get(task_id).result("Task %(id)s is %(status)s")

    def stop(self, task_id):
        t = self._get(task_id)
        if t.proc.poll() is None:
            t.canceled = True
            procs.kill(t.proc.pid)
            t.proc.wait()
            return t.result("Task %(id)s was %(status)s")
        return t.result("Task %(id)s had already ended: %(status)s")
