"""A scripted OpenAI-compatible model for the tests: POST .../chat/completions
answers REPLY, as one JSON completion or, with "stream": true, as server-sent
chunks. Standard library only.

    with FakeOpenAI() as url:   # http://127.0.0.1:PORT/v1
        os.environ["OPENAI_BASE_URL"] = url
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPLY = "Hello from the scripted model."


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        self.server.requests.append(req)
        if not self.path.endswith("/chat/completions"):
            self.send_error(404)
            return
        base = {"id": "chatcmpl-fake", "created": int(time.time()), "model": req.get("model", "fake")}
        usage = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        if not req.get("stream"):
            body = json.dumps(dict(base, object="chat.completion", usage=usage, choices=[{
                "index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": REPLY}}])).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        chunk = dict(base, object="chat.completion.chunk")
        events = [dict(chunk, choices=[{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])]
        for word in REPLY.split(" "):
            piece = word if not events[1:] else " " + word
            events.append(dict(chunk, choices=[{"index": 0, "delta": {"content": piece}, "finish_reason": None}]))
        events.append(dict(chunk, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}]))
        events.append(dict(chunk, choices=[], usage=usage))
        body = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events) + b"data: [DONE]\n\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FakeOpenAI:
    """A context manager running the scripted model on a free port."""

    def __enter__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.requests = []
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return "http://127.0.0.1:%d/v1" % self.server.server_address[1]

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
