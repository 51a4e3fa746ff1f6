"""pytest fixture `agent`: the project's entry point (from .agentcore.yaml)
started as AgentCore would start it, on a free port, with the scripted
model of fake_openai.py as its OPENAI_BASE_URL when the project has one."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SESSION_ID = "test-session-0123456789-0123456789-01"


def _entrypoint():
    with open(os.path.join(HERE, ".agentcore.yaml")) as f:
        for line in f:
            if line.startswith("entrypoint:"):
                return line.split(":", 1)[1].strip()
    raise RuntimeError(".agentcore.yaml has no entrypoint")


class Agent:
    def __init__(self, url):
        self.url = url

    def request(self, method, path, payload=None, headers=None):
        """Returns (status, content type, body text)."""
        data = None if payload is None else json.dumps(payload).encode()
        h = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
             "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": SESSION_ID}
        h.update(headers or {})
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read().decode()

    def post(self, payload, path="/invocations", headers=None):
        return self.request("POST", path, payload, headers)


def events(body):
    """The JSON payloads of a server-sent event stream."""
    return [json.loads(line[5:]) for line in body.splitlines() if line.startswith("data:")]


@pytest.fixture(scope="session")
def agent():
    with ExitStack() as stack:
        env = dict(os.environ)
        if os.path.exists(os.path.join(HERE, "fake_openai.py")):
            from fake_openai import FakeOpenAI

            env.update(OPENAI_BASE_URL=stack.enter_context(FakeOpenAI()), OPENAI_API_KEY="test", MODEL="fake-model")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env["PORT"] = str(port)
        proc = subprocess.Popen([sys.executable, _entrypoint()], cwd=HERE, env=env)
        stack.callback(proc.wait, 10)
        stack.callback(proc.terminate)
        url = "http://127.0.0.1:%d" % port
        deadline = time.time() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("the agent did not start listening on port %d" % port)
                time.sleep(0.1)
        yield Agent(url)
