"""Tests of the MCP server, started locally (no server, no network):
pip install -r requirements-dev.txt && pytest"""

from conftest import events


def call(agent, method, params):
    status, _, body = agent.post({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, path="/mcp")
    assert status == 200, body
    return events(body)[-1]["result"]


def test_list_tools(agent):
    assert sorted(t["name"] for t in call(agent, "tools/list", {})["tools"]) == ["add", "echo"]


def test_add(agent):
    assert call(agent, "tools/call", {"name": "add", "arguments": {"a": 2, "b": 3}})["structuredContent"] == {"result": 5.0}


def test_echo(agent):
    assert call(agent, "tools/call", {"name": "echo", "arguments": {"text": "hi"}})["content"][0]["text"] == "hi"
