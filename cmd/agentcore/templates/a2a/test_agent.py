"""Tests of the A2A server, started locally (no server, no network):
pip install -r requirements-dev.txt && pytest"""

import json


def test_agent_card(agent):
    status, _, body = agent.request("GET", "/.well-known/agent-card.json")
    assert status == 200
    assert json.loads(body)["name"] == "__AGENT_NAME__"


def test_message_send_v03(agent):
    status, _, body = agent.post({"jsonrpc": "2.0", "id": "1", "method": "message/send", "params": {"message": {
        "kind": "message", "role": "user", "messageId": "m1", "parts": [{"kind": "text", "text": "hi"}]}}}, path="/")
    assert status == 200
    assert json.loads(body)["result"]["parts"] == [{"kind": "text", "text": "You said: hi"}]


def test_send_message_v1(agent):
    status, _, body = agent.post({"jsonrpc": "2.0", "id": "2", "method": "SendMessage", "params": {"message": {
        "role": "ROLE_USER", "messageId": "m2", "parts": [{"text": "hi"}]}}}, path="/", headers={"A2A-Version": "1.0"})
    assert status == 200
    assert json.loads(body)["result"]["message"]["parts"] == [{"text": "You said: hi"}]
