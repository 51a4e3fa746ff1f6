"""The OpenAI-compatible front door (/v1/models, /v1/chat/completions) through
the official openai Python client.

Run by internal/e2e/openai_test.go (TestOpenAIPython), which deploys
examples/chat-go-agent as the runtime named in OPENAI_TEST_MODEL (with an
extra endpoint "prod"). The agent answers "turn N: <prompt words reversed>
[history M]", N counting the turns of its runtime session.
"""

import os
import time
import uuid

import pytest

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
MODEL = os.environ.get("OPENAI_TEST_MODEL", "")
if not ENDPOINT or not MODEL:
    pytest.skip("OPENAI_TEST_MODEL is not set (run by TestOpenAIPython)", allow_module_level=True)

openai = pytest.importorskip("openai")


@pytest.fixture(scope="module")
def client():
    return openai.OpenAI(base_url=f"{ENDPOINT}/v1", api_key="unused", max_retries=0)


def test_models(client):
    ids = [m.id for m in client.models.list()]
    assert MODEL in ids and f"{MODEL}:prod" in ids


def test_multi_turn_keeps_one_session(client):
    user = f"py-{uuid.uuid4()}"
    messages = [{"role": "system", "content": "be brief"}]
    for turn in (1, 2, 3):
        messages.append({"role": "user", "content": f"question {turn}"})
        res = client.chat.completions.create(model=MODEL, messages=messages, user=user)
        text = res.choices[0].message.content
        assert text == f"turn {turn}: {turn} question [history {len(messages)}]"
        assert res.object == "chat.completion" and res.choices[0].finish_reason == "stop"
        messages.append({"role": "assistant", "content": text})


def test_conversation_header(client):
    conv = f"conv-{uuid.uuid4()}"
    for turn in (1, 2):
        res = client.chat.completions.create(
            model=f"{MODEL}:prod",
            messages=[{"role": "user", "content": [{"type": "text", "text": "hi there"}]}],
            extra_headers={"X-Conversation-Id": conv},
        )
        assert res.choices[0].message.content == f"turn {turn}: there hi [history 1]"


def test_stream(client):
    start = time.monotonic()
    stream = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "a b c d e"}],
        user=f"py-{uuid.uuid4()}",
        stream=True,
        stream_options={"include_usage": True},
    )
    deltas, times, finish, usage = [], [], None, None
    for chunk in stream:
        assert chunk.object == "chat.completion.chunk"
        if chunk.usage:
            usage = chunk.usage
        if chunk.choices:
            if chunk.choices[0].delta.content:
                deltas.append(chunk.choices[0].delta.content)
                times.append(time.monotonic() - start)
            finish = chunk.choices[0].finish_reason or finish
    assert "".join(deltas) == "turn 1: e d c b a [history 1]"
    assert len(deltas) == 9 and finish == "stop"
    assert usage.prompt_tokens == 5 and usage.completion_tokens == 9
    assert times[-1] - times[0] > 0.1, "the stream was buffered"


def test_errors(client):
    with pytest.raises(openai.NotFoundError) as e:
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
    assert e.value.code == "model_not_found" and e.value.body["type"] == "invalid_request_error"
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model=MODEL, messages=[])
    assert e.value.code == "missing_required_parameter"
    with pytest.raises(openai.APIStatusError) as e:
        client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "fail"}])
    assert e.value.status_code == 424 and e.value.code == "runtime_client_error"
