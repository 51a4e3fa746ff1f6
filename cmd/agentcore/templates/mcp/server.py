"""__AGENT_NAME__: an MCP server for AgentCore Runtime (serverProtocol MCP), on
the official MCP Python SDK (mcp 2.x, MCPServer): stateless streamable HTTP
at /mcp on 0.0.0.0:8000, as AgentCore's MCP contract asks (127.0.0.1:$PORT
when agentcore runs it with PORT set).

Tools: add (a + b) and echo (the text back). Add yours with @mcp.tool().
"""

import os

from mcp.server import MCPServer

mcp = MCPServer("__AGENT_NAME__")


@mcp.tool()
def add(a: float, b: float) -> float:
    """Add two numbers."""
    return a + b


@mcp.tool()
def echo(text: str) -> str:
    """Echo the text back."""
    return text


if __name__ == "__main__":
    port = os.environ.get("PORT")
    mcp.run(transport="streamable-http", host="127.0.0.1" if port else "0.0.0.0", port=int(port or 8000),
            stateless_http=True)
