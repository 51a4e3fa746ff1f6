"""Stateful Python worker of the code-interpreter kernel.

Started by kernel.py as `python pyworker.py REQ_FD RES_FD` in its own process
group. Requests arrive as JSON lines on REQ_FD, answers leave as JSON lines on
RES_FD; fds 1 and 2 are pipes the kernel reads, so everything user code (and
its subprocesses) prints is captured. After each run the worker writes the
marker from $AGENTCORE_KERNEL_MARK to fd 1 and fd 2 so the kernel knows the
run's output is complete.

Requests:  {"id": n, "op": "exec", "code": "..."}   {"id": n, "op": "reset"}
Answers:   {"id": n, "exitCode": int, "images": [base64 PNG, ...]}

SIGINT interrupts a running cell (KeyboardInterrupt); it is ignored while idle.
"""
import ast
import base64
import builtins
import importlib
import io
import json
import linecache
import os
import signal
import site
import sys
import threading
import time
import traceback
import types

REQ_FD, RES_FD = int(sys.argv[1]), int(sys.argv[2])
MARK = os.environ.pop("AGENTCORE_KERNEL_MARK", "").encode()
HERE = os.path.abspath(__file__)

# User code sees the working directory first on sys.path (as `python -c`
# would), not the kernel's directory.
sys.path[0] = ""
sys.argv = [""]
for _fd in (REQ_FD, RES_FD):
    os.set_inheritable(_fd, False)
for _s in (sys.stdout, sys.stderr):
    _s.reconfigure(encoding="utf-8", errors="backslashreplace", line_buffering=True)

# inspect.CO_COROUTINE (not imported: inspect costs the worker's start-up
# several ms): the flag of a code object compiled with top-level awaits.
CO_COROUTINE = 0x80

running = False  # a cell is executing: SIGINT raises KeyboardInterrupt


def on_sigint(signum, frame):
    if running:
        raise KeyboardInterrupt


signal.signal(signal.SIGINT, on_sigint)


def watch_parent():
    """Kill this process group when the kernel goes away."""
    ppid = os.getppid()
    while True:
        time.sleep(1)
        if os.getppid() != ppid:
            os.killpg(0, signal.SIGKILL)


threading.Thread(target=watch_parent, daemon=True).start()


def fresh_namespace():
    """A new __main__ module whose dict holds the user's globals (so pickle
    finds classes and functions defined by user code)."""
    mod = types.ModuleType("__main__")
    mod.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = mod
    return mod.__dict__


ns = fresh_namespace()
cells = 0
loop = None
seen_pth = set()


def add_user_site():
    """Make packages installed with `pip install --user` importable at once."""
    p = site.getusersitepackages()
    try:
        os.makedirs(p, exist_ok=True)
    except OSError:
        return
    if p not in sys.path:
        # Like site.py: the user site comes before the system site-packages.
        system = set(site.getsitepackages())
        at = next((i for i, e in enumerate(sys.path) if e in system), len(sys.path))
        sys.path.insert(at, p)
    try:
        for name in sorted(os.listdir(p)):
            if name.endswith(".pth") and name not in seen_pth:
                seen_pth.add(name)
                site.addpackage(p, name, None)
    except OSError:
        pass
    importlib.invalidate_caches()


def compile_cell(src, fname):
    """Compile src as a cell: the statements, and its last expression apart
    so that its value can be displayed (unless the cell ends with ';')."""
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    tree = ast.parse(src, fname, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not src.rstrip().endswith(";"):
        last = ast.Expression(tree.body.pop().value)
    body = compile(tree, fname, "exec", flags=flags, dont_inherit=True)
    expr = compile(last, fname, "eval", flags=flags, dont_inherit=True) if last else None
    return body, expr


def run_code(code):
    """eval a code object in the user namespace; awaits top-level await."""
    global loop
    if code.co_flags & CO_COROUTINE:
        import asyncio

        if loop is None or loop.is_closed():
            loop = asyncio.new_event_loop()
        return loop.run_until_complete(eval(code, ns))
    return eval(code, ns)


def format_exc(e):
    """The traceback of e without the worker's own frames."""
    if isinstance(e, SyntaxError):
        return "".join(traceback.format_exception_only(type(e), e))
    tb = e.__traceback__
    while tb is not None and not tb.tb_frame.f_code.co_filename.startswith("<cell-"):
        tb = tb.tb_next
    te = traceback.TracebackException(type(e), e, tb or e.__traceback__)
    te.stack = traceback.StackSummary.from_list([f for f in te.stack if f.filename != HERE])
    return "".join(te.format())


def execute(src):
    """Run one cell; return its exit code (0, 1 on an exception, or the
    SystemExit code)."""
    global running, cells
    cells += 1
    fname = "<cell-%d>" % cells
    linecache.cache[fname] = (len(src), None, src.splitlines(True), fname)
    add_user_site()
    try:
        try:
            body, expr = compile_cell(src, fname)
            running = True
            run_code(body)
            value = run_code(expr) if expr is not None else None
        finally:
            running = False
        if value is not None:
            ns["_"] = value
            print(repr(value))
        return 0
    except SystemExit as e:
        if e.code is None or e.code == 0:
            return 0
        if isinstance(e.code, int):
            return e.code
        print(e.code, file=sys.stderr)
        return 1
    except BaseException as e:
        running = False
        sys.stderr.write(format_exc(e))
        return 1


def figures():
    """PNG images of the matplotlib figures left open; closes them. Only
    when the user's code imported pyplot."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return []
    out = []
    try:
        for num in plt.get_fignums():
            buf = io.BytesIO()
            plt.figure(num).savefig(buf, format="png", bbox_inches="tight")
            out.append(base64.b64encode(buf.getvalue()).decode())
        plt.close("all")
    except Exception as e:
        print("could not render matplotlib figures: %s" % e, file=sys.stderr)
    return out


def flush_and_mark():
    for s in {id(x): x for x in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)}.values():
        try:
            s.flush()
        except Exception:
            pass
    for fd in (1, 2):
        try:
            os.write(fd, MARK)
        except OSError:
            pass


def main():
    global running, ns
    fin = os.fdopen(REQ_FD, "rb")
    fout = os.fdopen(RES_FD, "wb")
    while True:
        running = False
        try:
            line = fin.readline()
        except KeyboardInterrupt:
            continue
        if not line:
            os._exit(0)
        try:
            req = json.loads(line)
            answer = {"id": req.get("id"), "exitCode": 0, "images": []}
            if req.get("op") == "reset":
                plt = sys.modules.get("matplotlib.pyplot")
                if plt is not None:
                    plt.close("all")
                ns = fresh_namespace()
            else:
                answer["exitCode"] = execute(req.get("code", ""))
                answer["images"] = figures()
                flush_and_mark()
            fout.write(json.dumps(answer).encode() + b"\n")
            fout.flush()
        except KeyboardInterrupt:
            continue
        except OSError:
            os._exit(1)


main()
