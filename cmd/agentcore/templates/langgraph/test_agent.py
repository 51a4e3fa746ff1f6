"""Tests of the agent, started locally with the scripted model of
fake_openai.py as its OPENAI_BASE_URL (no network):
pip install -r requirements-dev.txt && pytest"""

from conftest import events
from fake_openai import REPLY


def test_reply(agent):
    status, _, body = agent.post({"prompt": "hello"})
    assert status == 200, body
    assert REPLY in body


def test_stream(agent):
    status, content_type, body = agent.post({"prompt": "hello", "stream": True})
    assert status == 200 and content_type.startswith("text/event-stream")
    assert "".join(events(body)) == REPLY
