"""AgentCore Runtime agent using only the Python standard library.

Implements the HTTP-protocol container contract without any SDK:
  GET  /ping         {"status": "Healthy"|"HealthyBusy", "time_of_last_update": <int unix seconds>}
  POST /invocations  JSON in; JSON or SSE (text/event-stream) out

Payloads:
  {"prompt": "hi"}                   -> {"result": "You said: hi", "sessionId": ..., "count": N}
  {"stream": true, "n": 5}           -> SSE events {"i": k, "t": <unix nanos>}, delayMs (default 100) apart
  {"action": "busy", "seconds": 10}  -> background job; /ping reports HealthyBusy until it ends
"""

import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"


class Health:
    """Tracks background tasks; time_of_last_update moves only when the status changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tasks = 0
        self._status = "Healthy"
        self._since = int(time.time())

    def _set(self, tasks):
        self._tasks = tasks
        status = "HealthyBusy" if tasks else "Healthy"
        if status != self._status:
            self._status, self._since = status, int(time.time())

    def start_task(self):
        with self._lock:
            self._set(self._tasks + 1)

    def end_task(self):
        with self._lock:
            self._set(self._tasks - 1)

    def ping(self):
        with self._lock:
            return {"status": self._status, "time_of_last_update": self._since}


health = Health()
counter_lock = threading.Lock()
counter = 0


def next_count():
    global counter
    with counter_lock:
        counter += 1
        return counter


def run_busy(seconds):
    health.start_task()

    def job():
        try:
            time.sleep(seconds)
        finally:
            health.end_task()

    threading.Thread(target=job, daemon=True).start()


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    # Without this, Nagle's algorithm plus delayed ACKs stall every request on a
    # kept-alive connection by ~40 ms (the platform keeps connections open).
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # one JSON line per request on stderr
        sys.stderr.write(json.dumps({"level": "INFO", "message": fmt % args}) + "\n")

    def send_json(self, status, obj):
        body = dumps(obj)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/ping":
            self.send_json(200, health.ping())
        elif self.path == "/invocations":
            self.send_json(405, {"error": "Method Not Allowed"})
        else:
            self.send_json(404, {"error": "Not Found"})

    def do_POST(self):
        if self.path != "/invocations":
            self.send_json(404, {"error": "Not Found"})
            return
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            self.send_json(400, {"error": "Invalid JSON", "details": str(e)})
            return
        try:
            self.invoke(payload, self.headers.get(SESSION_HEADER))
        except Exception as e:  # the contract's generic error reply
            self.send_json(500, {"error": str(e)})

    def invoke(self, payload, session_id):
        count = next_count()
        if not isinstance(payload, dict):
            payload = {"prompt": payload}
        if payload.get("action") == "busy":
            seconds = float(payload.get("seconds", 10))
            run_busy(seconds)
            self.send_json(200, {"result": f"busy for {seconds}s", "sessionId": session_id, "count": count})
        elif payload.get("stream"):
            self.stream(int(payload.get("n", 5)), float(payload.get("delayMs", 100)) / 1000)
        else:
            self.send_json(200, {"result": f"You said: {payload.get('prompt', '')}", "sessionId": session_id, "count": count})

    def stream(self, n, delay):
        """SSE with chunked encoding: one `data: <json>\\n\\n` event per item, flushed at once."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def chunk(data):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        try:
            for k in range(n):
                if k:
                    time.sleep(delay)
                chunk(b"data: " + dumps({"i": k, "t": time.time_ns()}) + b"\n\n")
        except (BrokenPipeError, ConnectionResetError):
            return
        except Exception as e:
            error = {"error": str(e), "error_type": type(e).__name__, "message": "An error occurred during streaming"}
            chunk(b"data: " + dumps(error) + b"\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def main():
    in_container = os.path.exists("/.dockerenv") or os.environ.get("DOCKER_CONTAINER")
    host = "0.0.0.0" if in_container else "127.0.0.1"
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    # SIGTERM (sent by the platform when it stops the session) ends serve_forever cleanly.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    sys.stderr.write(json.dumps({"level": "INFO", "message": f"listening on {host}:{port}"}) + "\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
