"""The code-interpreter kernel: an HTTP/1.1 server inside the sandbox.

  GET  /ping    -> 200 {"status": "Healthy"}
  POST /invoke  {"name": ToolName, "arguments": {...}, "timeoutSeconds": n}
                -> 200 CodeInterpreterResult {content, structuredContent, isError}
                -> 400/402/404/500 {"__type": "...Exception", "message": "..."}

It listens on 127.0.0.1:$PORT (default 8080; $AGENTCORE_KERNEL_HOST
overrides the address), works in $HOME, and keeps one Python worker
(pyworker.py, started at once) and one JavaScript worker (kernel.js, started
by the first JavaScript call). SIGTERM kills every process it started.
Python 3.8+ standard library only.

This script only starts the Python worker, then imports and runs the HTTP
server (kernel_http): the worker's interpreter boots on another CPU while
this process imports its modules, rather than after them, so a new session's
first executeCode comes sooner. It is run with -S (kernel.Argv): the kernel
needs the standard library only, so site's start-up cost is skipped here
(the workers run with site as usual).
"""
import os

from kernel_exec import Interpreter


def main():
    root = os.environ.get("HOME") or os.getcwd()
    os.chdir(root)
    root = os.getcwd()
    python = Interpreter("python", root)
    python.start()
    import kernel_http

    kernel_http.serve(root, python)


if __name__ == "__main__":
    main()
