"""LiteLLM's bedrock/agentcore provider against the platform.

Run by internal/e2e/litellm_test.go, which deploys examples/chat-go-agent and
passes its ARN in LITELLM_AGENT_ARN (JSON answers) and LITELLM_SSE_AGENT_ARN
(the same agent with CHAT_STREAM=always: Bedrock Converse SSE events). LiteLLM is kept off the internet:
LITELLM_LOCAL_MODEL_COST_MAP=True (no cost-map download) and a dead proxy
for everything but loopback (set by the Go test).

    litellm.completion(model="bedrock/agentcore/<arn>",
                       aws_bedrock_runtime_endpoint=ENDPOINT, ...)
"""

import os
import time
import uuid

import pytest

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
ARN = os.environ.get("LITELLM_AGENT_ARN", "")
SSE_ARN = os.environ.get("LITELLM_SSE_AGENT_ARN", "")
if not ENDPOINT or not ARN or not SSE_ARN:
    pytest.skip("LITELLM_AGENT_ARN / LITELLM_SSE_AGENT_ARN are not set (run by TestLiteLLM)", allow_module_level=True)

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no cost-map download
litellm = pytest.importorskip("litellm")

AWS = dict(
    aws_bedrock_runtime_endpoint=ENDPOINT,
    aws_access_key_id="AKIDAGENTCORETEST",
    aws_secret_access_key="secret",
    aws_region_name="us-east-1",
)


@pytest.mark.parametrize("kind", ["json", "sse"])
def test_completion_keeps_session(kind):
    session = f"litellm-{uuid.uuid4()}"
    for turn in (1, 2):
        res = litellm.completion(
            model=f"bedrock/agentcore/{ARN if kind == 'json' else SSE_ARN}",
            messages=[{"role": "user", "content": "hello from litellm"}],
            runtimeSessionId=session,
            **AWS,
        )
        assert res.choices[0].message.content == f"turn {turn}: litellm from hello"
        assert res.choices[0].finish_reason == "stop"


def test_completion_qualifier():
    res = litellm.completion(
        model=f"bedrock/agentcore/{ARN}",
        messages=[{"role": "user", "content": "via endpoint"}],
        qualifier="prod",
        **AWS,
    )
    assert res.choices[0].message.content == "turn 1: endpoint via"


@pytest.mark.parametrize("kind", ["json", "sse"])
def test_stream(kind):
    start = time.monotonic()
    chunks = litellm.completion(
        model=f"bedrock/agentcore/{ARN if kind == 'json' else SSE_ARN}",
        messages=[{"role": "user", "content": "one two three four"}],
        stream=True,
        runtimeSessionId=f"litellm-stream-{uuid.uuid4()}",
        **AWS,
    )
    deltas, times = [], []
    for chunk in chunks:
        if chunk.choices and chunk.choices[0].delta.content:
            deltas.append(chunk.choices[0].delta.content)
            times.append(time.monotonic() - start)
    assert "".join(deltas) == "turn 1: four three two one"
    if kind == "sse":  # one chunk per agent event, as they come
        assert len(deltas) == 6
        assert times[-1] - times[0] > 0.05, "the stream was buffered"
    else:  # a JSON answer is one chunk
        assert len(deltas) == 1


def test_agent_error():
    with pytest.raises(Exception) as e:
        litellm.completion(model=f"bedrock/agentcore/{ARN}", messages=[{"role": "user", "content": "fail"}], **AWS)
    assert "RuntimeClientError" in str(e.value) or "424" in str(e.value)


def test_unknown_runtime():
    missing = ARN[: ARN.index("runtime/")] + "runtime/nosuch-0123456789"
    with pytest.raises(Exception) as e:
        litellm.completion(model=f"bedrock/agentcore/{missing}", messages=[{"role": "user", "content": "x"}], **AWS)
    assert "ResourceNotFoundException" in str(e.value)
