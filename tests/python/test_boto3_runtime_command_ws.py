"""InvokeAgentRuntimeCommand through boto3's event-stream parser, and the /ws
endpoint with a botocore-presigned URL (SigV4QueryAuth, as the bedrock-agentcore
SDK's generate_presigned_url builds it) and the `websockets` client.

Deploys examples/python-stdlib-agent (no dependencies, no /ws handler).
"""

import asyncio
import os
import urllib.parse
import uuid

import boto3
import pytest
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from test_boto3_runtime import ENDPOINT, REGION, create_runtime, session_id, stdlib_agent_zip, upload, wait_ready

pytestmark = pytest.mark.skipif(not ENDPOINT, reason="AGENTCORE_TEST_ENDPOINT is not set")


@pytest.fixture(scope="module")
def clients():
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIDAGENTCORETEST")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "secret")
    control = boto3.client("bedrock-agentcore-control", endpoint_url=ENDPOINT, region_name=REGION)
    data = boto3.client("bedrock-agentcore", endpoint_url=ENDPOINT, region_name=REGION)
    return control, data


@pytest.fixture(scope="module")
def arn(clients):
    control, _ = clients
    key = f"boto3/cmd-agent-{uuid.uuid4().hex}.zip"
    upload("agents", key, stdlib_agent_zip())
    created = create_runtime(control, "boto3_cmd_" + uuid.uuid4().hex[:8], key)
    rt = wait_ready(control, created["agentRuntimeId"])
    yield rt["agentRuntimeArn"]
    control.delete_agent_runtime(agentRuntimeId=rt["agentRuntimeId"])


def run_command(data, arn, command, sid, timeout=None):
    body = {"command": command}
    if timeout:
        body["timeout"] = timeout
    resp = data.invoke_agent_runtime_command(agentRuntimeArn=arn, runtimeSessionId=sid, body=body)
    out, err, stop, started = "", "", None, False
    for event in resp["stream"]:
        chunk = event["chunk"]
        if "contentStart" in chunk:
            started = True
        if "contentDelta" in chunk:
            out += chunk["contentDelta"].get("stdout", "")
            err += chunk["contentDelta"].get("stderr", "")
        if "contentStop" in chunk:
            stop = chunk["contentStop"]
    return resp, started, out, err, stop


def test_command_output_exit_code_and_session(clients, arn):
    _, data = clients
    sid = session_id("boto3-cmd")
    resp, started, out, err, stop = run_command(data, arn, "echo out; echo err >&2; exit 5", sid)
    assert resp["runtimeSessionId"] == sid
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert started and out == "out\n" and err == "err\n"
    assert stop == {"exitCode": 5, "status": "COMPLETED"}


def test_command_timeout(clients, arn):
    _, data = clients
    _, _, out, _, stop = run_command(data, arn, "echo before; sleep 20", session_id("boto3-cmd-to"), timeout=1)
    assert out == "before\n" and stop["status"] == "TIMED_OUT"


def test_command_validation(clients, arn):
    _, data = clients
    with pytest.raises(data.exceptions.ValidationException):
        run_command(data, arn, "true", session_id("boto3-cmd-bad"), timeout=4000)


def presigned_ws_url(arn, sid, expires=300):
    """What AgentCoreRuntimeClient.generate_presigned_url builds, against ENDPOINT."""
    query = urllib.parse.urlencode({"qualifier": "DEFAULT", "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": sid})
    url = f"{ENDPOINT}/runtimes/{urllib.parse.quote(arn, safe='')}/ws?{query}"
    req = AWSRequest(method="GET", url=url)
    SigV4QueryAuth(Credentials("AKIDAGENTCORETEST", "secret"), "bedrock-agentcore", REGION, expires=expires).add_auth(req)
    return "ws" + req.url[len("http"):]


def test_ws_presigned_agent_without_handler(arn):
    """The stdlib agent has no /ws: the handshake is refused with the typed 424, before any upgrade."""
    pytest.importorskip("websockets")
    from websockets.asyncio.client import connect as ws_connect
    from websockets.exceptions import InvalidStatus

    async def connect(url):
        async with ws_connect(url):
            pass

    with pytest.raises(InvalidStatus) as info:
        asyncio.run(connect(presigned_ws_url(arn, session_id("boto3-ws"))))
    resp = info.value.response
    assert resp.status_code == 424
    assert resp.headers["X-Amzn-ErrorType"] == "RuntimeClientError"

    with pytest.raises(InvalidStatus) as info:
        asyncio.run(connect(presigned_ws_url(arn, session_id("boto3-ws"), expires=3600)))
    assert info.value.response.status_code == 403
