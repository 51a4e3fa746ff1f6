"""Pages the browser tests open in a session's Chromium, served on loopback by
the test process (the sessions run under the process sandbox driver in these
tests, so their Chromium shares the host's loopback).

  /form            a form: #greeting, #name, #email, #send (POST /submit)
  /submit          records the form (Pages.submissions), shows #result
  /typing          one text field #box at the top left (0,0 to 400x60), Enter submits it
  /color/<hex>     the whole viewport in one colour
  /cookie/set?v=   sets the cookie agentcore_profile=v (persistent) and localStorage["agentcore_profile"] = v
  /cookie/show     #cookie: the Cookie header the server got; #storage: localStorage["agentcore_profile"]
"""

import html
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Pages:
    def __init__(self):
        self.submissions = []
        self.user_agents = []
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_page(self, body, status=200, headers=()):
                data = ("<!doctype html><html><head><meta charset='utf-8'>" + body + "</html>").encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                pages.user_agents.append(self.headers.get("User-Agent", ""))
                url = urllib.parse.urlsplit(self.path)
                q = urllib.parse.parse_qs(url.query)
                if url.path == "/form":
                    self.send_page(
                        "<title>agentcore browser test</title></head><body>"
                        "<h1 id='greeting'>Hello from the test page</h1>"
                        "<form method='post' action='/submit'>"
                        "<input id='name' name='name'><input id='email' name='email'>"
                        "<button id='send' type='submit'>Send</button></form></body>"
                    )
                elif url.path == "/typing":
                    self.send_page(
                        "<title>typing</title></head><body style='margin:0'>"
                        "<form method='post' action='/submit'>"
                        "<input id='box' name='box' autocomplete='off' "
                        "style='position:absolute;left:0;top:0;width:400px;height:60px;font-size:24px;box-sizing:border-box'>"
                        "</form></body>"
                    )
                elif url.path.startswith("/color/"):
                    color = url.path.removeprefix("/color/")
                    if not all(c in "0123456789abcdefABCDEF" for c in color):
                        self.send_page("bad colour", 400)
                        return
                    self.send_page(
                        f"<title>color {color}</title><style>html,body{{margin:0;height:100%;background:#{color}}}</style></head><body></body>"
                    )
                elif url.path == "/cookie/set":
                    v = q.get("v", [""])[0]
                    self.send_page(
                        "<title>cookie set</title></head><body><p id='done'>set</p>"
                        f"<script>localStorage.setItem('agentcore_profile', {v!r})</script></body>",
                        headers=[("Set-Cookie", f"agentcore_profile={v}; Path=/; Max-Age=3600; SameSite=Lax")],
                    )
                elif url.path == "/cookie/show":
                    cookie = html.escape(self.headers.get("Cookie", ""))
                    self.send_page(
                        f"<title>cookie show</title></head><body><pre id='cookie'>{cookie}</pre><pre id='storage'></pre>"
                        "<script>document.getElementById('storage').textContent = localStorage.getItem('agentcore_profile') || ''</script></body>"
                    )
                else:
                    self.send_page("not found", 404)

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(n).decode()).items()}
                pages.submissions.append(form)
                pages.user_agents.append(self.headers.get("User-Agent", ""))
                name, email = html.escape(form.get("name", "")), html.escape(form.get("email", ""))
                self.send_page(f"<title>submitted</title></head><body><p id='result'>Thanks, {name} ({email})</p></body>")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
