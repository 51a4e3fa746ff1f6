"""AgentCore Gateway and Policy through unmodified boto3, against an agentcore
server (AGENTCORE_TEST_ENDPOINT; internal/e2e/clients_test.go sets it).

A small HTTP API served by this test becomes an OpenAPI target; the gateway's
MCP endpoint is called with plain JSON-RPC over HTTP.
"""

import http.server
import json
import os
import threading
import urllib.request
import uuid

import boto3
import botocore.exceptions
import pytest

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
REGION = "us-east-1"
ROLE_ARN = "arn:aws:iam::123456789012:role/GatewayRole"

pytestmark = pytest.mark.skipif(not ENDPOINT, reason="AGENTCORE_TEST_ENDPOINT is not set")


class Books(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        book_id = self.path.rsplit("/", 1)[-1]
        body = json.dumps({"id": book_id, "title": "Dune"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def api():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Books)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


@pytest.fixture(scope="module")
def control():
    return boto3.client("bedrock-agentcore-control", region_name=REGION, endpoint_url=ENDPOINT,
                        aws_access_key_id="AKIDAGENTCORETEST", aws_secret_access_key="secret")


def spec(base):
    return json.dumps({
        "openapi": "3.0.3", "info": {"title": "books", "version": "1"}, "servers": [{"url": base}],
        "paths": {"/books/{id}": {"get": {"operationId": "getBook", "summary": "Get a book by id",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}}}}},
    })


def mcp(url, method, params):
    req = urllib.request.Request(url, data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode(),
                                 headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                                          "MCP-Protocol-Version": "2025-06-18"})
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


def test_gateway_target_and_tool_call(control, api):
    gw = control.create_gateway(name=f"py-{uuid.uuid4().hex[:8]}", roleArn=ROLE_ARN, protocolType="MCP", authorizerType="NONE")
    assert gw["status"] == "READY" and gw["gatewayUrl"].endswith(f"/gateways/{gw['gatewayId']}/mcp")
    target = control.create_gateway_target(gatewayIdentifier=gw["gatewayId"], name="books",
                                           targetConfiguration={"mcp": {"openApiSchema": {"inlinePayload": spec(api)}}})
    assert target["status"] == "READY"
    items = control.list_gateway_targets(gatewayIdentifier=gw["gatewayId"])["items"]
    assert [t["name"] for t in items] == ["books"]

    tools = mcp(gw["gatewayUrl"], "tools/list", {})["result"]["tools"]
    assert [t["name"] for t in tools] == ["books___getBook"]
    result = mcp(gw["gatewayUrl"], "tools/call", {"name": "books___getBook", "arguments": {"id": "42"}})["result"]
    assert not result.get("isError") and json.loads(result["content"][0]["text"]) == {"id": "42", "title": "Dune"}

    with pytest.raises(control.exceptions.ConflictException):
        control.delete_gateway(gatewayIdentifier=gw["gatewayId"])
    control.delete_gateway_target(gatewayIdentifier=gw["gatewayId"], targetId=target["targetId"])
    control.delete_gateway(gatewayIdentifier=gw["gatewayId"])
    with pytest.raises(control.exceptions.ResourceNotFoundException):
        control.get_gateway(gatewayIdentifier=gw["gatewayId"])


def test_invalid_openapi_is_validation_exception(control):
    gw = control.create_gateway(name=f"py-{uuid.uuid4().hex[:8]}", roleArn=ROLE_ARN, authorizerType="NONE")
    with pytest.raises(control.exceptions.ValidationException) as err:
        control.create_gateway_target(gatewayIdentifier=gw["gatewayId"], name="broken",
                                      targetConfiguration={"mcp": {"openApiSchema": {"inlinePayload": '{"swagger": "2.0"}'}}})
    assert "OpenAPI" in str(err.value)
    control.delete_gateway(gatewayIdentifier=gw["gatewayId"])


def test_policy_engine_and_cedar(control):
    engine = control.create_policy_engine(name=f"py_{uuid.uuid4().hex[:8]}")
    assert engine["status"] == "ACTIVE"
    policy = control.create_policy(policyEngineId=engine["policyEngineId"], name="allow_all",
                                   definition={"cedar": {"statement": "permit(principal, action, resource);"}})
    assert policy["status"] == "ACTIVE"
    got = control.get_policy(policyEngineId=engine["policyEngineId"], policyId=policy["policyId"])
    assert got["definition"]["cedar"]["statement"].startswith("permit")
    with pytest.raises(control.exceptions.ValidationException):
        control.create_policy(policyEngineId=engine["policyEngineId"], name="broken",
                              definition={"cedar": {"statement": "permit(principal, action resource);"}})
    control.delete_policy(policyEngineId=engine["policyEngineId"], policyId=policy["policyId"])
    control.delete_policy_engine(policyEngineId=engine["policyEngineId"])
    with pytest.raises(control.exceptions.ResourceNotFoundException):
        control.get_policy_engine(policyEngineId=engine["policyEngineId"])
