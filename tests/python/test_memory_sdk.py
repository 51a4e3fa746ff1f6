"""AgentCore Memory through the unmodified bedrock-agentcore Python SDK
(MemoryClient and MemorySessionManager), used as its docs show.

internal/e2e/memory_clients_test.go starts a server whose extraction pipeline
calls a scripted OpenAI-compatible model, then runs this file with
AGENTCORE_TEST_ENDPOINT and AGENTCORE_TEST_MEMORY_MODEL=1 set. The model
extracts every "FACT: ..." line of the conversation as one memory.
"""

import os
import time
import uuid

import pytest

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
pytestmark = pytest.mark.skipif(
    not ENDPOINT or not os.environ.get("AGENTCORE_TEST_MEMORY_MODEL"),
    reason="needs a server with a scripted model (internal/e2e/memory_clients_test.go)",
)

if ENDPOINT:
    # The SDK's boto3 clients honour the standard per-service endpoint variables.
    os.environ.setdefault("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", ENDPOINT)
    os.environ.setdefault("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL", ENDPOINT)


def test_memory_client_long_term():
    from bedrock_agentcore.memory import MemoryClient

    client = MemoryClient(region_name="us-east-1")
    memory = client.create_memory_and_wait(
        name="SdkMemory_" + uuid.uuid4().hex[:8],
        strategies=[{"semanticMemoryStrategy": {"name": "facts", "namespaces": ["/facts/{actorId}/"]}},
                    {"userPreferenceMemoryStrategy": {"name": "prefs", "namespaces": ["/prefs/{actorId}/"]}}],
        description="python sdk test",
        event_expiry_days=7,
        max_wait=60,
        poll_interval=1,
    )
    memory_id = memory["id"]
    assert memory["status"] == "ACTIVE"
    assert len(memory["strategies"]) == 2

    event = client.create_event(
        memory_id=memory_id,
        actor_id="alice",
        session_id="s1",
        messages=[("FACT: The user drinks green tea every morning", "USER"), ("Noted, green tea it is.", "ASSISTANT")],
    )
    assert event["eventId"]

    assert client.wait_for_memories(memory_id=memory_id, namespace="/facts/alice/", max_wait=30, poll_interval=1)
    memories = client.retrieve_memories(memory_id=memory_id, namespace="/facts/alice/", query="what does the user drink?", top_k=3)
    assert memories
    assert memories[0]["content"]["text"] == "The user drinks green tea every morning"
    assert memories[0]["score"] > 0

    turns = client.get_last_k_turns(memory_id=memory_id, actor_id="alice", session_id="s1", k=1)
    assert turns and turns[0][0]["content"]["text"].startswith("FACT:")

    strategies = client.get_memory_strategies(memory_id)
    assert {s["name"] for s in strategies} == {"facts", "prefs"}
    client.delete_memory_and_wait(memory_id, max_wait=30, poll_interval=1)


def test_memory_session_manager():
    from bedrock_agentcore.memory import MemoryClient
    from bedrock_agentcore.memory.constants import ConversationalMessage, MessageRole
    from bedrock_agentcore.memory.session import MemorySessionManager

    memory = MemoryClient(region_name="us-east-1").create_memory_and_wait(
        name="SdkSession_" + uuid.uuid4().hex[:8],
        strategies=[{"semanticMemoryStrategy": {"name": "facts", "namespaces": ["/facts/{actorId}/"]}}],
        max_wait=60,
        poll_interval=1,
    )
    manager = MemorySessionManager(memory_id=memory["id"], region_name="us-east-1")
    session = manager.create_memory_session(actor_id="bob", session_id="chat-1")
    first = session.add_turns(messages=[
        ConversationalMessage("FACT: Bob is training for the Berlin marathon", MessageRole.USER),
        ConversationalMessage("Good luck with the training!", MessageRole.ASSISTANT),
    ])
    session.add_turns(messages=[
        ConversationalMessage("What pace should I run?", MessageRole.USER),
        ConversationalMessage("Try an easy conversational pace.", MessageRole.ASSISTANT),
    ])
    turns = session.get_last_k_turns(k=2)
    assert len(turns) == 2
    assert turns[0][0]["content"]["text"] == "What pace should I run?"

    # Fork the conversation from the first event and list the branch.
    session.fork_conversation(root_event_id=first["eventId"], branch_name="alt", messages=[
        ConversationalMessage("Actually, let's talk about swimming.", MessageRole.USER),
    ])
    branches = {b["name"] for b in session.list_branches()}
    assert branches == {"main", "alt"}
    alt = session.list_events(branch_name="alt")
    assert len(alt) == 1

    records = []
    deadline = time.time() + 30
    while not records and time.time() < deadline:
        records = session.search_long_term_memories(query="what race is Bob training for?", namespace_prefix="/facts/bob/", top_k=3)
        time.sleep(0.5)
    assert records and "Berlin marathon" in records[0]["content"]["text"]

    listed = session.list_long_term_memory_records(namespace_prefix="/facts/bob/")
    assert len(listed) == 1
    assert [a["actorId"] for a in manager.list_actors()] == ["bob"]
    assert [s["sessionId"] for s in session.get_actor().list_sessions()] == ["chat-1"]


def test_custom_strategy_overrides():
    """A custom semantic strategy added with add_custom_semantic_strategy_and_wait:
    its modelId and appendToPrompt reach the model (the Go side checks the model ids)."""
    from bedrock_agentcore.memory import MemoryClient

    client = MemoryClient(region_name="us-east-1")
    memory = client.create_memory_and_wait(name="SdkCustom_" + uuid.uuid4().hex[:8], strategies=[], max_wait=60, poll_interval=1)
    updated = client.add_custom_semantic_strategy_and_wait(
        memory_id=memory["id"],
        name="travel",
        extraction_config={"prompt": "Focus on travel plans.", "modelId": "custom-extract-model"},
        consolidation_config={"prompt": "Keep the newest plan.", "modelId": "custom-merge-model"},
        namespace_templates=["/travel/{actorId}/"],
        max_wait=60,
        poll_interval=1,
    )
    strategy = [s for s in updated["strategies"] if s["name"] == "travel"][0]
    assert strategy["type"] == "CUSTOM"
    assert strategy["configuration"]["type"] == "SEMANTIC_OVERRIDE"

    client.create_event(memory_id=memory["id"], actor_id="zoe", session_id="t1",
                        messages=[("FACT: Zoe flies to Nairobi in June", "USER")])
    assert client.wait_for_memories(memory_id=memory["id"], namespace="/travel/zoe/", max_wait=30, poll_interval=1)
    records = client.retrieve_memories(memory_id=memory["id"], namespace="/travel/zoe/", query="where is Zoe flying?")
    assert records[0]["content"]["text"] == "Zoe flies to Nairobi in June"
