"""Tests of the agent, started locally (no server, no network):
pip install -r requirements-dev.txt && pytest"""

from conftest import SESSION_ID, events


def test_ping(agent):
    status, _, body = agent.request("GET", "/ping")
    assert status == 200 and '"Healthy"' in body


def test_reply(agent):
    status, _, body = agent.post({"prompt": "hi"})
    assert status == 200
    assert '"You said: hi"' in body and SESSION_ID in body


def test_stream(agent):
    status, content_type, body = agent.post({"prompt": "a b", "stream": True})
    assert status == 200 and content_type.startswith("text/event-stream")
    assert events(body) == [{"i": 0, "word": "a"}, {"i": 1, "word": "b"}, {"done": True, "words": 2}]
