"""MCP runtimes through the official MCP Python SDK client (mcp 2.x,
streamable HTTP).

Run by internal/e2e/mcp_python_test.go, which deploys the servers and passes
their ARNs: MCP_FASTMCP_ARN (examples/mcp-python-agent, MCPServer, stateless),
MCP_FASTMCP_STATEFUL_ARN (the same, stateful: it issues its own Mcp-Session-Id)
and MCP_GO_ARN (examples/mcp-go-agent, MCP Go SDK, stateless). The client is
pointed at the InvokeAgentRuntime URL exactly as the AWS MCP samples do:

    {endpoint}/runtimes/{quote(arn, safe='')}/invocations?qualifier=DEFAULT

Requests are SigV4-signed (sigv4_auth.py, botocore), as with IAM auth on AWS.
The handshake-era versions (initialize) go through ClientSession; the default
`mcp.Client` (mode "auto": server/discover, falling back to initialize) is
checked too.
"""

import asyncio
import os
import time
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
import httpx2  # noqa: E402
import mcp.client.session as client_session  # noqa: E402
from mcp import Client, ClientSession  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from sigv4_auth import SigV4HTTPX2Auth  # noqa: E402

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"


def url_for(arn):
    return f"{ENDPOINT}/runtimes/{urllib.parse.quote(arn, safe='')}/invocations?qualifier=DEFAULT"


def http_client(headers, sent):
    """A SigV4-signing httpx2 client that records the Mcp-Session-Id of each request it sends."""

    async def record(request):
        sent.append(request.headers.get("mcp-session-id"))

    return httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(60), auth=SigV4HTTPX2Auth(),
                              event_hooks={"request": [record]})


async def exercise(session):
    """tools/list → tools/call (add, echo, whoami twice); returns what the server saw."""
    tools = await session.list_tools()
    assert sorted(t.name for t in tools.tools) == ["add", "echo", "whoami"]
    res = await session.call_tool("add", {"a": 2, "b": 40})
    assert not res.is_error and res.structured_content["sum"] == 42
    res = await session.call_tool("echo", {"text": "héllo"})
    assert res.content[0].text == "héllo"
    first = (await session.call_tool("whoami", {})).structured_content
    second = (await session.call_tool("whoami", {})).structured_content
    return first, second


async def run_session(arn, version, headers):
    """initialize at `version` and exercise; returns the Mcp-Session-Id the
    client last sent and what the server saw."""
    sent = []
    saved = client_session.LATEST_HANDSHAKE_VERSION
    client_session.LATEST_HANDSHAKE_VERSION = version  # the version ClientSession.initialize offers
    try:
        async with http_client(headers, sent) as http, streamable_http_client(url_for(arn), http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                assert init.protocol_version == version
                first, second = await exercise(session)
                return sent[-1], first, second
    finally:
        client_session.LATEST_HANDSHAKE_VERSION = saved


@pytest.mark.parametrize("server", [k for k, v in SERVERS.items() if v])
@pytest.mark.parametrize("version", ["2025-11-25", "2025-06-18", "2025-03-26"])
def test_session_header(server, version):
    """With the runtime session header every request lands in that session."""
    session_id = f"mcp-py-{uuid.uuid4()}"
    _, first, second = asyncio.run(run_session(SERVERS[server], version, {SESSION_HEADER: session_id}))
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


async def run_client(arn, session_id, **kw):
    """mcp.Client (the SDK's high-level client) on a SigV4-signing httpx2 client."""
    async with http_client({SESSION_HEADER: session_id}, []) as http:
        t0 = time.monotonic()
        async with Client(streamable_http_client(url_for(arn), http_client=http), **kw) as client:
            connected = time.monotonic() - t0
            first, second = await exercise(client)
            return client.session.protocol_version, connected, first, second


@pytest.mark.parametrize("server", [k for k, v in SERVERS.items() if v])
def test_client_auto(server):
    """mcp.Client with its defaults, as in docs/protocols.md: it probes
    server/discover (2026-07-28) and falls back to initialize; either way the
    calls land in the runtime session named by the header. (The probe waits
    10 s: a cold runtime session slower than that gets the handshake.)"""
    session_id = f"mcp-py-{uuid.uuid4()}"
    version, connected, first, second = asyncio.run(run_client(SERVERS[server], session_id))
    print(f"{server}: mcp.Client negotiated {version} in {connected:.1f}s")
    assert version in ("2026-07-28", "2025-11-25")
    if server.startswith("fastmcp") and connected < 9:
        assert version == "2026-07-28"  # MCPServer (mcp 2.x) speaks the stateless revision
    assert first["runtimeSessionId"] == session_id
    assert second["pid"] == first["pid"] and second["calls"] == first["calls"] + 1


@pytest.mark.parametrize("server", [k for k, v in SERVERS.items() if v and k.startswith("fastmcp")])
def test_client_2026(server):
    """The stateless 2026-07-28 revision pinned (no probe, no initialize, no
    Mcp-Session-Id of its own): every request carries the runtime session header."""
    session_id = f"mcp-py-{uuid.uuid4()}"
    version, _, first, second = asyncio.run(run_client(SERVERS[server], session_id, mode="2026-07-28"))
    assert version == "2026-07-28"
    assert first["runtimeSessionId"] == session_id
    assert second["pid"] == first["pid"] and second["calls"] == first["calls"] + 1
