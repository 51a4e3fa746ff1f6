"""An MCP server for AgentCore Runtime (serverProtocol MCP) written with the
official MCP Python SDK (mcp 2.x, MCPServer — FastMCP in mcp 1.x): stateless
streamable HTTP on 0.0.0.0:8000, path /mcp, as the AgentCore MCP contract
asks. Under agentcore's process sandbox it listens on 127.0.0.1:$PORT instead.
MCP_STATEFUL=1 makes it stateful (it issues its own Mcp-Session-Id).

Tools: add (a+b), echo (text back), whoami (the runtime session id and
Mcp-Session-Id the call arrived with, and a per-process call count).
"""

import os

from mcp.server.mcpserver import Context, MCPServer
from pydantic import BaseModel

PORT = os.environ.get("PORT")
mcp = MCPServer("mcp-python-agent")
_calls = 0


class Sum(BaseModel):
    sum: float


class Who(BaseModel):
    runtimeSessionId: str
    mcpSessionId: str
    calls: int
    pid: int


def _count() -> int:
    global _calls
    _calls += 1
    return _calls


@mcp.tool()
def add(a: float, b: float) -> Sum:
    """Add two numbers."""
    _count()
    return Sum(sum=a + b)


@mcp.tool()
def echo(text: str) -> str:
    """Echo the text back."""
    _count()
    return text


@mcp.tool()
def whoami(ctx: Context) -> Who:
    """Report the session this call arrived in."""
    headers = ctx.headers or {}
    return Who(
        runtimeSessionId=headers.get("x-amzn-bedrock-agentcore-runtime-session-id", ""),
        mcpSessionId=headers.get("mcp-session-id", ""),
        calls=_count(),
        pid=os.getpid(),
    )


if __name__ == "__main__":
    mcp.run(
        transport="streamable-http",
        host="127.0.0.1" if PORT else "0.0.0.0",
        port=int(PORT or 8000),
        stateless_http=os.environ.get("MCP_STATEFUL") is None,
    )
