"""The kernel's HTTP server (started by kernel.py once the Python worker is
on its way): GET /ping, POST /invoke, the tools behind them.
"""
import http.server
import json
import os
import signal
import socket
import sys
import traceback

import kernel_procs as procs
from kernel_cmd import Tasks, execute_command
from kernel_errors import Invalid, KernelError, Quota
from kernel_exec import LANGS, Interpreter
from kernel_files import Files
from kernel_io import run_result

MAX_BODY = 64 << 20  # bytes of one request
DRAIN_MAX = 256 << 20  # a longer body is not read before the 402 answer
DEFAULT_TIMEOUT = 300.0  # seconds, when the request has no timeoutSeconds
MAX_TIMEOUT = 28800.0


def _member(args, name, kind, tool, required=True, default=None):
    v = args.get(name)
    if v is None:
        if required:
            raise Invalid("%s is required for %s" % (name, tool))
        return default
    if not isinstance(v, kind) or (kind is not bool and isinstance(v, bool)):
        raise Invalid("%s must be a %s" % (name, {str: "string", bool: "boolean"}[kind]))
    return v


class Kernel:
    def __init__(self, root, python=None):
        """python is the Python Interpreter, already started (kernel.py
        starts it first); None = start one here."""
        self.root = root
        self.files = Files(root)
        self.tasks = Tasks(root)
        self.interps = {lang: Interpreter(lang, root) for lang in LANGS}
        if python is not None:
            self.interps["python"] = python
        else:
            self.interps["python"].start()

    def invoke(self, req):
        if not isinstance(req, dict):
            raise Invalid("the request body must be a JSON object")
        name = req.get("name")
        args = req.get("arguments")
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise Invalid("arguments must be an object")
        timeout = req.get("timeoutSeconds")
        if timeout is None or isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            timeout = DEFAULT_TIMEOUT
        timeout = min(float(timeout), MAX_TIMEOUT)
        if name == "executeCode":
            code = _member(args, "code", str, name)
            lang = _member(args, "language", str, name, False, "python")
            clear = _member(args, "clearContext", bool, name, False, False)
            if lang not in self.interps:
                raise Invalid("language %r is not supported here (use python or javascript; "
                              "typescript is transpiled by the server)" % lang)
            stdout, stderr, code_, images, ms = self.interps[lang].execute(code, clear, timeout)
            return run_result(stdout, stderr, code_, ms, images)
        if name == "executeCommand":
            return execute_command(_member(args, "command", str, name), self.root, timeout)
        if name == "startCommandExecution":
            return self.tasks.start(_member(args, "command", str, name))
        if name == "getTask":
            return self.tasks.get(_member(args, "taskId", str, name))
        if name == "stopTask":
            return self.tasks.stop(_member(args, "taskId", str, name))
        if name == "writeFiles":
            return self.files.write(args)
        if name == "readFiles":
            return self.files.read(args)
        if name == "listFiles":
            return self.files.list(args)
        if name == "removeFiles":
            return self.files.remove(args)
        if name is None:
            raise Invalid("name is required")
        raise Invalid("unknown tool name %r" % (name,))

    def shutdown(self):
        for i in self.interps.values():
            w = i.worker
            if w is not None:
                procs.kill(w.proc.pid)
        procs.kill_all()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    kernel = None

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        pass

    def _reply(self, status, obj, close=False):
        body = json.dumps(obj, separators=(",", ":")).encode()
        head = "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % (
            status, self.responses.get(status, ("",))[0], len(body))
        if close:
            head += "Connection: close\r\n"
            self.close_connection = True
        self.wfile.write(head.encode() + b"\r\n" + body)

    def _error(self, e, close=False):
        self._reply(e.status, {"__type": e.type, "message": str(e)}, close)

    def _body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts, size = [], 0
            while True:
                n = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if n == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                size += n
                if size > MAX_BODY:
                    raise Quota("the request body exceeds %d bytes" % MAX_BODY)
                parts.append(self.rfile.read(n))
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            if n <= DRAIN_MAX:  # read it, so that the client sees the answer
                left = n
                while left > 0:
                    got = self.rfile.read(min(left, 1 << 20))
                    if not got:
                        break
                    left -= len(got)
            raise Quota("the request body is %d bytes; the limit is %d" % (n, MAX_BODY))
        return self.rfile.read(n)

    def do_GET(self):
        if self.path.split("?")[0] == "/ping":
            self._reply(200, {"status": "Healthy"})
        else:
            self._reply(404, {"__type": "ResourceNotFoundException", "message": "no route GET %s" % self.path})

    def do_POST(self):
        try:
            body = self._body()
        except Quota as e:
            return self._error(e, close=True)
        except ValueError:
            return self._error(Invalid("malformed request body"), close=True)
        if self.path.split("?")[0] != "/invoke":
            return self._reply(404, {"__type": "ResourceNotFoundException", "message": "no route POST %s" % self.path})
        try:
            try:
                req = json.loads(body)
            except ValueError as e:
                raise Invalid("the request body is not JSON: %s" % e)
            self._reply(200, self.kernel.invoke(req))
        except KernelError as e:
            self._error(e)
        except Exception as e:
            traceback.print_exc()
            self._error(KernelError("%s: %s" % (type(e).__name__, e)))


def serve(root, python=None):
    """Serve the kernel working in root (the current directory) until SIGTERM."""
    kernel = Kernel(root, python)

    def stop(signum, frame):
        kernel.shutdown()
        os._exit(0)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, stop)
    Handler.kernel = kernel
    host = os.environ.get("AGENTCORE_KERNEL_HOST", "127.0.0.1")
    srv = http.server.ThreadingHTTPServer((host, int(os.environ.get("PORT") or 8080)), Handler)
    srv.daemon_threads = True
    print("kernel: listening on %s:%d in %s" % (host, srv.server_address[1], root), file=sys.stderr, flush=True)
    srv.serve_forever()
