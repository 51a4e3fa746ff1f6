"""SigV4 signing for the HTTP clients of the MCP and A2A SDKs, with botocore:
the same signature boto3 sends, service bedrock-agentcore. The A2A SDK uses
httpx (SigV4HTTPXAuth); mcp 2.x uses httpx2 (SigV4HTTPX2Auth). Both have the
same Auth interface."""

import os

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

UNSIGNED = {"connection", "content-length", "user-agent", "accept-encoding"}


class _SigV4:
    """Signs every request (body included) with SigV4."""

    requires_request_body = True

    def __init__(self, region="us-east-1", service="bedrock-agentcore"):
        self.creds = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
        self.region, self.service = region, service

    def auth_flow(self, request):
        headers = {k: v for k, v in request.headers.items() if k.lower() not in UNSIGNED}
        aws = AWSRequest(method=request.method, url=str(request.url), data=request.content, headers=headers)
        SigV4Auth(self.creds, self.service, self.region).add_auth(aws)
        for k, v in aws.headers.items():
            request.headers[k] = v
        yield request


class SigV4HTTPXAuth(_SigV4, httpx.Auth):
    """httpx.Auth (A2A SDK)."""


try:
    import httpx2
except ImportError:  # mcp 2.x is not installed
    pass
else:

    class SigV4HTTPX2Auth(_SigV4, httpx2.Auth):
        """httpx2.Auth (mcp 2.x)."""
