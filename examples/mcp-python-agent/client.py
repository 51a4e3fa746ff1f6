"""Call the MCP runtime's tools with the official MCP Python SDK client
(mcp 2.x), SigV4-signed with the caller's AWS credentials as boto3 finds them.

    python client.py <agent runtime ARN> [runtime session id]

The endpoint is AWS_ENDPOINT_URL_BEDROCK_AGENTCORE (this server, e.g.
http://127.0.0.1:8765), else AgentCore in the boto3 region.
"""

import asyncio
import os
import sys
import urllib.parse
import uuid

import boto3
import httpx2
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client


class SigV4(httpx2.Auth):
    """Signs each request (body included) for service bedrock-agentcore."""

    requires_request_body = True

    def __init__(self, session: boto3.Session):
        self.creds, self.region = session.get_credentials(), session.region_name or "us-east-1"

    def auth_flow(self, request):
        skip = {"connection", "content-length", "user-agent", "accept-encoding"}
        aws = AWSRequest(method=request.method, url=str(request.url), data=request.content,
                         headers={k: v for k, v in request.headers.items() if k.lower() not in skip})
        SigV4Auth(self.creds, "bedrock-agentcore", self.region).add_auth(aws)
        request.headers.update(dict(aws.headers))
        yield request


async def main(arn: str, session_id: str) -> None:
    session = boto3.Session()
    endpoint = os.environ.get("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE") or \
        f"https://bedrock-agentcore.{session.region_name or 'us-east-1'}.amazonaws.com"
    url = f"{endpoint}/runtimes/{urllib.parse.quote(arn, safe='')}/invocations?qualifier=DEFAULT"
    headers = {"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": session_id}
    async with httpx2.AsyncClient(headers=headers, auth=SigV4(session), timeout=60) as http:
        async with Client(streamable_http_client(url, http_client=http)) as client:
            print("protocol", client.session.protocol_version)
            print("tools", [t.name for t in (await client.list_tools()).tools])
            print("add", (await client.call_tool("add", {"a": 2, "b": 40})).structured_content)
            print("whoami", (await client.call_tool("whoami", {})).structured_content)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else str(uuid.uuid4())))
