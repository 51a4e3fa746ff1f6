"""A2A runtimes through the official A2A Python SDK client (a2a-sdk).

Run by internal/e2e/a2a_test.go (TestA2APython), which deploys
examples/a2a-go-agent (A2A Go SDK) as an A2A runtime and passes its ARN in
A2A_AGENT_ARN. The card is fetched from the platform's GetAgentCard path
(<invocation URL>/.well-known/agent-card.json) with boto3 and with the SDK's
card resolver; messages go to the URL the card names.
"""

import asyncio
import json
import os
import time
import urllib.parse
import uuid

import pytest

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
ARN = os.environ.get("A2A_AGENT_ARN", "")
if not ENDPOINT or not ARN:
    pytest.skip("A2A_AGENT_ARN is not set (run by TestA2APython)", allow_module_level=True)

pytest.importorskip("a2a")
import boto3  # noqa: E402
import httpx  # noqa: E402
from a2a.client import A2ACardResolver, ClientConfig, create_client  # noqa: E402
from a2a.types.a2a_pb2 import Message, Part, Role, SendMessageRequest  # noqa: E402
from sigv4_auth import SigV4HTTPXAuth  # noqa: E402

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
BASE = f"{ENDPOINT}/runtimes/{urllib.parse.quote(ARN, safe='')}/invocations"


def test_get_agent_card_boto3():
    data = boto3.client("bedrock-agentcore", endpoint_url=ENDPOINT, region_name="us-east-1")
    session = f"a2a-boto3-{uuid.uuid4()}"
    out = data.get_agent_card(agentRuntimeArn=ARN, runtimeSessionId=session)
    card = out["agentCard"]
    if isinstance(card, (str, bytes)):
        card = json.loads(card)
    assert card["name"] == "a2a-go-agent" and out["runtimeSessionId"] == session
    assert card["url"] == BASE


async def converse(streaming):
    session = f"a2a-py-{uuid.uuid4()}"
    async with httpx.AsyncClient(headers={SESSION_HEADER: session}, timeout=60, auth=SigV4HTTPXAuth()) as hc:
        card = await A2ACardResolver(hc, BASE).get_agent_card()
        assert card.name == "a2a-go-agent"
        client = await create_client(card, ClientConfig(httpx_client=hc, streaming=streaming))
        replies = []
        for text in ("hello", "again"):
            msg = Message(role=Role.ROLE_USER, message_id=str(uuid.uuid4()), parts=[Part(text=text)])
            async for ev in client.send_message(SendMessageRequest(message=msg)):
                if ev.HasField("message"):
                    replies.append(" ".join(p.text for p in ev.message.parts))
        words, times, final = [], [], None
        start = time.monotonic()
        msg = Message(role=Role.ROLE_USER, message_id=str(uuid.uuid4()), parts=[Part(text="stream red green blue")])
        async for ev in client.send_message(SendMessageRequest(message=msg)):
            if ev.HasField("artifact_update"):
                words.append(" ".join(p.text for p in ev.artifact_update.artifact.parts))
                times.append(time.monotonic() - start)
            if ev.HasField("status_update"):
                final = ev.status_update.status.state
            if ev.HasField("task"):
                final = ev.task.status.state
        return session, replies, words, times, final


@pytest.mark.parametrize("streaming", [True, False])
def test_send_and_stream(streaming):
    session, replies, words, times, final = asyncio.run(converse(streaming))
    assert replies[0].startswith(f"You said: hello (session {session}, message ")
    assert replies[1].startswith(f"You said: again (session {session}, message ")
    n1, n2 = (int(r.rsplit(" ", 1)[1].rstrip(")")) for r in replies)
    assert n2 == n1 + 1, "both messages reached the same agent process"
    assert final is not None
    if streaming:
        assert words == ["red", "green", "blue"]
        assert times[-1] - times[0] > 0.1, "the stream was buffered"
