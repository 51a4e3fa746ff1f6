"""The process groups the kernel started (workers, commands, tasks), so
that SIGTERM can take them all down with it."""
import os
import signal
import threading

_lock = threading.Lock()
_groups = set()


def add(pgid):
    with _lock:
        for g in list(_groups):  # forget groups that have no process left
            try:
                os.killpg(g, 0)
            except ProcessLookupError:
                _groups.discard(g)
            except OSError:
                pass
        _groups.add(pgid)


def kill(pgid):
    """SIGKILL the process group pgid (its leader may have exited already)."""
    with _lock:
        _groups.discard(pgid)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass


def kill_all():
    with _lock:
        groups = list(_groups)
        _groups.clear()
    for g in groups:
        try:
            os.killpg(g, signal.SIGKILL)
        except OSError:
            pass
