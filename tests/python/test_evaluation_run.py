"""On-demand evaluation of a hosted session through the unmodified
bedrock-agentcore SDK: EvaluationClient.run() collects the session's spans
(log group aws/spans) and gen_ai event records (the runtime's log group
/aws/bedrock-agentcore/runtimes/<agentId>-DEFAULT) with Logs Insights queries
through boto3 `logs` (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS), looks up evaluator levels
(bedrock-agentcore-control) and calls evaluate (bedrock-agentcore).

internal/e2e/evaluation_run_test.go deploys testdata/strandsagent, invokes it
twice in one session (tools [calculator], then [calculator, format_answer])
with a scripted judge ("Very helpful" / "Yes") and runs this file with
AGENTCORE_TEST_EVAL_RUN={"agentId", "sessionId", "traceIds", "toolSpanIds"}.
"""

import json
import os
from datetime import datetime, timedelta, timezone

import pytest

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
RUN = json.loads(os.environ.get("AGENTCORE_TEST_EVAL_RUN") or "{}")
pytestmark = pytest.mark.skipif(
    not ENDPOINT or not RUN,
    reason="needs a hosted session and a scripted judge (internal/e2e/evaluation_run_test.go)",
)

if ENDPOINT and RUN:
    for var in ("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL"):
        os.environ.setdefault(var, ENDPOINT)

AGENT, SESSION = RUN.get("agentId", ""), RUN.get("sessionId", "")
TRACES, TOOL_SPANS = RUN.get("traceIds", []), RUN.get("toolSpanIds", [])
LOG_GROUP = f"/aws/bedrock-agentcore/runtimes/{AGENT}-DEFAULT"


def client():
    from bedrock_agentcore.evaluation import EvaluationClient

    return EvaluationClient(region_name="us-east-1")


def by_evaluator(results):
    out = {}
    for r in results:
        assert "errorCode" not in r, r
        out.setdefault(r["evaluatorId"], []).append(r)
    return out


def test_run_every_level():
    results = client().run(
        evaluator_ids=["Builtin.Helpfulness", "Builtin.GoalSuccessRate", "Builtin.ToolSelectionAccuracy"],
        session_id=SESSION,
        agent_id=AGENT,
    )
    got = by_evaluator(results)
    # TRACE: one result per trace of the session, in trace order.
    helpful = got["Builtin.Helpfulness"]
    assert [r["context"]["spanContext"]["traceId"] for r in helpful] == TRACES
    for r in helpful:
        assert r["label"] == "Very helpful" and abs(r["value"] - 5 / 6) < 1e-9
        assert r["context"]["spanContext"]["sessionId"] == SESSION
        assert r["tokenUsage"]["totalTokens"] > 0
    # SESSION: one result.
    [goal] = got["Builtin.GoalSuccessRate"]
    assert goal["label"] == "Yes" and goal["value"] == 1.0
    assert goal["context"]["spanContext"]["sessionId"] == SESSION
    # TOOL_CALL: one result per tool span.
    tools = got["Builtin.ToolSelectionAccuracy"]
    assert sorted(r["context"]["spanContext"]["spanId"] for r in tools) == sorted(TOOL_SPANS)
    assert all(r["label"] == "Yes" and r["value"] == 1.0 for r in tools)
    assert len(results) == len(TRACES) + 1 + len(TOOL_SPANS)


def test_run_one_trace():
    results = client().run(
        evaluator_ids=["Builtin.Helpfulness", "Builtin.ToolSelectionAccuracy"],
        session_id=SESSION,
        agent_id=AGENT,
        trace_id=TRACES[1],
    )
    got = by_evaluator(results)
    [helpful] = got["Builtin.Helpfulness"]
    assert helpful["context"]["spanContext"]["traceId"] == TRACES[1]
    tools = got["Builtin.ToolSelectionAccuracy"]
    assert {r["context"]["spanContext"]["traceId"] for r in tools} == {TRACES[1]}
    assert sorted(r["context"]["spanContext"]["spanId"] for r in tools) == sorted(TOOL_SPANS[1:])


def test_run_with_expected_trajectory():
    from bedrock_agentcore.evaluation import ReferenceInputs

    c = client()
    [match] = c.run(
        evaluator_ids=["Builtin.TrajectoryExactOrderMatch"],
        session_id=SESSION,
        agent_id=AGENT,
        reference_inputs=ReferenceInputs(expected_trajectory=["calculator", "calculator", "format_answer"]),
    )
    assert match["evaluatorId"] == "Builtin.TrajectoryExactOrderMatch"
    assert match["value"] == 1.0, match
    [miss] = c.run(
        evaluator_ids=["Builtin.TrajectoryExactOrderMatch"],
        session_id=SESSION,
        log_group_name=LOG_GROUP,
        reference_inputs=ReferenceInputs(expected_trajectory=["calculator", "format_answer"]),
    )
    assert miss["value"] == 0.0, miss
    assert "format_answer" in miss.get("explanation", "")


def test_span_helper_default_query():
    from bedrock_agentcore.evaluation.utils.cloudwatch_span_helper import CloudWatchSpanHelper

    helper = CloudWatchSpanHelper(region="us-east-1")
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    start = end - timedelta(hours=1)
    spans = helper.query_log_group("aws/spans", SESSION, start, end)
    # Per invocation: invoke_agent, two event loop cycles, two chat spans,
    # the tool spans; and the platform's spans of the same traces.
    agent = [s for s in spans if s["scope"]["name"] == "strands.telemetry.tracer"]
    assert len(agent) == 2 + 4 + 4 + len(TOOL_SPANS), [s["name"] for s in spans]
    assert "InvokeAgentRuntime" in [s["name"] for s in spans]
    assert {s["traceId"] for s in spans} == set(TRACES)
    assert all(s["attributes"]["session.id"] == SESSION for s in spans)
    assert {s["spanId"] for s in spans} >= set(TOOL_SPANS)
    starts = [s["startTimeUnixNano"] for s in spans]
    assert starts == sorted(starts)  # sort @timestamp asc
    records = helper.query_log_group(LOG_GROUP, SESSION, start, end)
    # One event record per chat span, tool span and invoke_agent span.
    assert len(records) == 2 + 4 + len(TOOL_SPANS), records
    for r in records:
        assert r["scope"]["name"] == "strands.telemetry.tracer"
        assert set(r["body"]) == {"input", "output"}
        assert r["traceId"] in TRACES
    both = helper.fetch_spans(SESSION, LOG_GROUP, start, end)
    assert len(both) == len(spans) + len(records)


def test_logs_client_directly():
    import boto3
    from botocore.exceptions import ClientError

    logs = boto3.client("logs", region_name="us-east-1")
    groups = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="/aws/bedrock-agentcore/")["logGroups"]]
    assert LOG_GROUP in groups
    assert "aws/spans" in [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    now = int(datetime.now(timezone.utc).timestamp())
    q = logs.start_query(
        logGroupNames=["aws/spans"], startTime=now - 3600, endTime=now + 60,
        queryString=f'fields @timestamp, name | filter attributes.session.id = "{SESSION}" '
        'and attributes.gen_ai.operation.name = "execute_tool" | sort @timestamp desc | limit 2',
    )
    res = logs.get_query_results(queryId=q["queryId"])
    assert res["status"] == "Complete"
    assert [dict((f["field"], f["value"]) for f in row)["name"] for row in res["results"]] == [
        "execute_tool format_answer", "execute_tool calculator"]
    assert res["statistics"]["recordsMatched"] == len(TOOL_SPANS)
    with pytest.raises(ClientError) as e:
        logs.start_query(logGroupName="aws/spans", startTime=now - 60, endTime=now, queryString="stats count(*) by bin(5m)")
    assert e.value.response["Error"]["Code"] == "MalformedQueryException"
    with pytest.raises(ClientError) as e:
        logs.start_query(logGroupName="/aws/bedrock-agentcore/runtimes/nope_agent-AbCdEfGhIj-DEFAULT",
                         startTime=now - 60, endTime=now, queryString="fields @message")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
