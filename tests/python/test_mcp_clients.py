"""MCP runtimes through the official MCP Python SDK client (streamable HTTP).

Run by internal/e2e/mcp_python_test.go, which deploys the servers and passes
their ARNs: MCP_FASTMCP_ARN (examples/mcp-python-agent, FastMCP, stateless),
MCP_FASTMCP_STATEFUL_ARN (the same, stateful: it issues its own Mcp-Session-Id)
and MCP_GO_ARN (examples/mcp-go-agent, MCP Go SDK, stateless). The client is
pointed at the InvokeAgentRuntime URL exactly as the AWS MCP samples do:

    {endpoint}/runtimes/{quote(arn, safe='')}/invocations?qualifier=DEFAULT

Requests are SigV4-signed (sigv4_auth.py, botocore), as with IAM auth on AWS.
"""

import asyncio
import os
import urllib.parse
import uuid

import pytest

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
SERVERS = {
    k: os.environ.get(v, "")
    for k, v in (("fastmcp", "MCP_FASTMCP_ARN"), ("gosdk", "MCP_GO_ARN"), ("fastmcp-stateful", "MCP_FASTMCP_STATEFUL_ARN"))
}
if not ENDPOINT or not any(SERVERS.values()):
    pytest.skip("MCP runtime ARNs are not set (run by TestMCPPython)", allow_module_level=True)

mcp = pytest.importorskip("mcp")
from mcp import ClientSession, types  # noqa: E402
from mcp.client.streamable_http import streamablehttp_client  # noqa: E402
from sigv4_auth import SigV4HTTPXAuth  # noqa: E402


def url_for(arn):
    return f"{ENDPOINT}/runtimes/{urllib.parse.quote(arn, safe='')}/invocations?qualifier=DEFAULT"


async def run_session(arn, version, headers):
    """initialize → tools/list → tools/call, twice whoami; returns what the server saw."""
    saved = types.LATEST_PROTOCOL_VERSION
    types.LATEST_PROTOCOL_VERSION = version  # the version ClientSession.initialize offers
    try:
        async with streamablehttp_client(url_for(arn), headers=headers, timeout=60, auth=SigV4HTTPXAuth()) as (read, write, get_sid):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                assert init.protocolVersion == version
                tools = await session.list_tools()
                assert sorted(t.name for t in tools.tools) == ["add", "echo", "whoami"]
                res = await session.call_tool("add", {"a": 2, "b": 40})
                assert not res.isError and res.structuredContent["sum"] == 42
                res = await session.call_tool("echo", {"text": "héllo"})
                assert res.content[0].text == "héllo"
                first = (await session.call_tool("whoami", {})).structuredContent
                second = (await session.call_tool("whoami", {})).structuredContent
                return get_sid(), first, second
    finally:
        types.LATEST_PROTOCOL_VERSION = saved


@pytest.mark.parametrize("server", [k for k, v in SERVERS.items() if v])
@pytest.mark.parametrize("version", ["2025-11-25", "2025-06-18", "2025-03-26"])
def test_session_header(server, version):
    """With the runtime session header every request lands in that session."""
    session_id = f"mcp-py-{uuid.uuid4()}"
    headers = {"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": session_id}
    _, first, second = asyncio.run(run_session(SERVERS[server], version, headers))
    assert first["runtimeSessionId"] == session_id
    assert second["pid"] == first["pid"] and second["calls"] == first["calls"] + 1


@pytest.mark.parametrize("server", [k for k, v in SERVERS.items() if v])
def test_without_session_header(server):
    """Without it, a stateless server's session id is issued by the platform
    (it is the runtime session id); a stateful server's own id is routed back
    to the runtime session it came from."""
    sid, first, second = asyncio.run(run_session(SERVERS[server], "2025-06-18", {}))
    assert sid and first["mcpSessionId"] == sid
    if server.endswith("stateful"):
        assert first["runtimeSessionId"] and first["runtimeSessionId"] != sid
    else:
        assert first["runtimeSessionId"] == sid
    assert second["runtimeSessionId"] == first["runtimeSessionId"]
    assert second["pid"] == first["pid"] and second["calls"] == first["calls"] + 1
