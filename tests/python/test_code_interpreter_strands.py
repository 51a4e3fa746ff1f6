"""A Strands agent using the Code Interpreter through strands_tools'
AgentCoreCodeInterpreter, unmodified, with a scripted model in place of an
LLM: the model asks for one code_interpreter tool call that writes a file
in the session, then answers with the tool's output. The test reads the
file back through the bedrock-agentcore SDK.

Run by internal/e2e/codeinterpreter_clients_test.go (AGENTCORE_TEST_ENDPOINT
and AGENTCORE_TEST_CODE_INTERPRETER=1 set).
"""

import json
import os
import uuid

import pytest

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
pytestmark = pytest.mark.skipif(
    not ENDPOINT or not os.environ.get("AGENTCORE_TEST_CODE_INTERPRETER"),
    reason="needs a server with the Code Interpreter (internal/e2e/codeinterpreter_clients_test.go)",
)

if ENDPOINT:
    os.environ.setdefault("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", ENDPOINT)
    os.environ.setdefault("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL", ENDPOINT)

CODE = "with open('report.txt', 'w') as f:\n    f.write('answer=' + str(6 * 7))\nprint('wrote report.txt')"


def scripted_model():
    """A strands Model whose turn 1 calls code_interpreter and whose turn 2
    answers with what the tool returned (defined here so that strands is
    imported only when the test runs)."""
    from strands.models.model import Model

    class ScriptedModel(Model):
        def __init__(self):
            self.calls = []

        def update_config(self, **model_config):
            pass

        def get_config(self):
            return {}

        async def structured_output(self, output_model, prompt, system_prompt=None, **kwargs):
            raise NotImplementedError("not used by this test")
            yield  # an async generator, as the interface declares

        async def stream(self, messages, tool_specs=None, system_prompt=None, **kwargs):
            self.calls.append({"messages": messages, "tools": [t["name"] for t in tool_specs or []]})
            results = [b["toolResult"] for m in messages for b in m["content"] if "toolResult" in b]
            yield {"messageStart": {"role": "assistant"}}
            if not results:
                action = {"type": "executeCode", "language": "python", "code": CODE}
                tool_input = json.dumps({"code_interpreter_input": {"action": action}})
                yield {"contentBlockStart": {"start": {"toolUse": {"toolUseId": "call-1", "name": "code_interpreter"}}}}
                yield {"contentBlockDelta": {"delta": {"toolUse": {"input": tool_input}}}}
                yield {"contentBlockStop": {}}
                yield {"messageStop": {"stopReason": "tool_use"}}
            else:
                text = " ".join(c.get("text", "") for c in results[-1]["content"])
                yield {"contentBlockDelta": {"delta": {"text": f"status={results[-1]['status']} output={text}"}}}
                yield {"contentBlockStop": {}}
                yield {"messageStop": {"stopReason": "end_turn"}}
            yield {"metadata": {"usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}, "metrics": {"latencyMs": 1}}}

    return ScriptedModel()


def test_strands_agent_writes_a_file_through_the_interpreter():
    pytest.importorskip("strands_tools.code_interpreter")
    from strands import Agent
    from strands_tools.code_interpreter import AgentCoreCodeInterpreter
    from bedrock_agentcore.tools.code_interpreter_client import CodeInterpreter

    session_name = "strands-" + uuid.uuid4().hex[:8]
    interpreter = AgentCoreCodeInterpreter(region="us-east-1", session_name=session_name)
    model = scripted_model()
    agent = Agent(model=model, tools=[interpreter.code_interpreter], callback_handler=None)

    answer = str(agent("Compute 6*7 and save it to report.txt"))

    assert model.calls[0]["tools"] == ["code_interpreter"]
    assert len(model.calls) == 2
    assert "status=success" in answer and "wrote report.txt" in answer, answer

    session_id = interpreter._sessions[session_name].session_id
    client = CodeInterpreter("us-east-1")
    client.identifier, client.session_id = "aws.codeinterpreter.v1", session_id
    try:
        assert client.get_session()["status"] == "READY"
        assert client.download_file("report.txt") == "answer=42"
    finally:
        client.stop()
