"""AgentCore Evaluations through unmodified clients: boto3's bedrock-agentcore
`evaluate` with the session spans passed in, and the bedrock-agentcore SDK's
EvaluationClient (level lookups, evaluate pass-through with the SDK's own span
helpers for targets, create_evaluator_and_wait).

internal/e2e/evaluation_clients_test.go starts a server whose judge model is a
scripted OpenAI-compatible server (every answer: label "Yes" / "Very helpful"
/ "Good" as the scale asks) and runs this file with AGENTCORE_TEST_ENDPOINT and
AGENTCORE_TEST_EVAL_JUDGE=1.
"""

import json
import os
import pathlib
import uuid

import pytest

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
pytestmark = pytest.mark.skipif(
    not ENDPOINT or not os.environ.get("AGENTCORE_TEST_EVAL_JUDGE"),
    reason="needs a server with a scripted judge model (internal/e2e/evaluation_clients_test.go)",
)

if ENDPOINT:
    os.environ.setdefault("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", ENDPOINT)
    os.environ.setdefault("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL", ENDPOINT)

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPANS = json.loads((ROOT / "internal/evaluation/testdata/strands_session.json").read_text())
SESSION = "sess-eval-1"


def test_boto3_evaluate_trace_level():
    import boto3

    dp = boto3.client("bedrock-agentcore", region_name="us-east-1")
    out = dp.evaluate(
        evaluatorId="Builtin.Helpfulness",
        evaluationInput={"sessionSpans": SPANS},
        evaluationTarget={"traceIds": ["22222222222222222222222222222222"]},
    )
    [r] = out["evaluationResults"]
    assert r["evaluatorId"] == "Builtin.Helpfulness"
    assert r["evaluatorArn"] == "arn:aws:bedrock-agentcore:::evaluator/Builtin.Helpfulness"
    assert r["label"] == "Very helpful" and abs(r["value"] - 5 / 6) < 1e-9
    assert r["context"]["spanContext"] == {"sessionId": SESSION, "traceId": "22222222222222222222222222222222"}
    assert r["tokenUsage"]["totalTokens"] > 0


def test_boto3_evaluate_errors():
    import boto3
    from botocore.exceptions import ClientError

    dp = boto3.client("bedrock-agentcore", region_name="us-east-1")
    with pytest.raises(ClientError) as e:
        dp.evaluate(evaluatorId="Builtin.Nope", evaluationInput={"sessionSpans": SPANS})
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        dp.evaluate(evaluatorId="Builtin.Helpfulness", evaluationInput={"sessionSpans": SPANS},
                    evaluationTarget={"traceIds": ["f" * 32]})
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_evaluation_client_levels_and_evaluate():
    import bedrock_agentcore.evaluation.spans as span_helpers
    from bedrock_agentcore.evaluation import EvaluationClient

    client = EvaluationClient(region_name="us-east-1")
    assert client.get_evaluator_level("Builtin.Helpfulness") == "TRACE"
    assert client.get_evaluator_level("Builtin.ToolSelectionAccuracy") == "TOOL_CALL"
    assert client.get_evaluator_level("Builtin.GoalSuccessRate") == "SESSION"

    # The SDK's own helpers pick the targets from the spans.
    tool_spans = span_helpers.tool_span_ids(SPANS)
    assert len(tool_spans) == 3
    out = client.evaluate(evaluator_id="Builtin.ToolSelectionAccuracy",
                          evaluation_input={"sessionSpans": SPANS},
                          evaluation_target={"spanIds": tool_spans})
    assert [r["context"]["spanContext"]["spanId"] for r in out["evaluationResults"]] == tool_spans
    assert all(r["label"] == "Yes" and r["value"] == 1 for r in out["evaluationResults"])

    out = client.evaluate(
        evaluator_id="Builtin.TrajectoryInOrderMatch",
        evaluation_input={"sessionSpans": SPANS},
        evaluation_reference_inputs=[{"context": {"spanContext": {"sessionId": SESSION}},
                                      "expectedTrajectory": {"toolNames": ["get_weather", "send_email"]},
                                      "assertions": [{"text": "emails the forecast"}]}],
    )
    [r] = out["evaluationResults"]
    assert r["value"] == 1 and r["label"] == "Match"
    assert r["ignoredReferenceInputFields"] == ["assertions"]


def test_evaluation_client_custom_evaluator():
    from bedrock_agentcore.evaluation import EvaluationClient
    from bedrock_agentcore._utils.config import WaitConfig

    client = EvaluationClient(region_name="us-east-1")
    ev = client.create_evaluator_and_wait(
        wait_config=WaitConfig(max_wait=30, poll_interval=1),
        evaluator_name="PyTone_" + uuid.uuid4().hex[:8],
        level="TRACE",
        evaluator_config={"llmAsAJudge": {
            "instructions": "Is the tone friendly?\n{context}\n---\n{assistant_turn}",
            "ratingScale": {"categorical": [{"label": "Good", "definition": "friendly"},
                                            {"label": "Bad", "definition": "unfriendly"}]},
            "modelConfig": {"bedrockEvaluatorModelConfig": {"modelId": "my-judge", "inferenceConfig": {"maxTokens": 200}}},
        }},
    )
    assert ev["status"] == "ACTIVE" and ev["evaluatorType"] == "Custom"
    assert client.get_evaluator_level(ev["evaluatorId"]) == "TRACE"
    out = client.evaluate(evaluator_id=ev["evaluatorId"], evaluation_input={"sessionSpans": SPANS})
    assert [r["label"] for r in out["evaluationResults"]] == ["Good", "Good"]
    listed = client.list_evaluators()["evaluators"]
    assert any(e["evaluatorId"] == ev["evaluatorId"] for e in listed)
    assert sum(1 for e in listed if e["evaluatorType"] == "Builtin") == 17
    client.delete_evaluator(evaluator_id=ev["evaluatorId"])
