"""AgentCore Runtime through unmodified boto3, against an agentcore server.

The server URL comes from AGENTCORE_TEST_ENDPOINT (internal/e2e/clients_test.go
starts a server and sets it). Clients are created exactly as the AWS docs show,
with an explicit endpoint_url and dummy credentials:

    AGENTCORE_TEST_ENDPOINT=http://127.0.0.1:8765 python3 -m pytest -q tests/python

The deployed agent is examples/python-stdlib-agent/agent.py (no dependencies).
"""

import io
import json
import os
import pathlib
import time
import urllib.request
import uuid
import zipfile

import boto3
import pytest

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
REGION = "us-east-1"
ROLE_ARN = "arn:aws:iam::123456789012:role/AgentRuntimeRole"
REPO = pathlib.Path(__file__).resolve().parents[2]
AGENT = REPO / "examples" / "python-stdlib-agent" / "agent.py"

pytestmark = pytest.mark.skipif(not ENDPOINT, reason="AGENTCORE_TEST_ENDPOINT is not set")


def session_id(tag):
    """A valid runtimeSessionId (33+ characters), unique per call."""
    return f"{tag}-{uuid.uuid4()}"


@pytest.fixture(scope="module", autouse=True)
def dummy_credentials():
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
    os.environ["AWS_ACCESS_KEY_ID"] = "AKIDAGENTCORETEST"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "secret"
    os.environ.pop("AWS_SESSION_TOKEN", None)
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="module")
def control(dummy_credentials):
    return boto3.client("bedrock-agentcore-control", endpoint_url=ENDPOINT, region_name=REGION)


@pytest.fixture(scope="module")
def data(dummy_credentials):
    return boto3.client("bedrock-agentcore", endpoint_url=ENDPOINT, region_name=REGION)


def upload(bucket, key, body):
    """PUT a code zip through the server's /_agentcore/artifacts extension."""
    req = urllib.request.Request(f"{ENDPOINT}/_agentcore/artifacts/{bucket}/{key}", data=body, method="PUT")
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
        return json.loads(resp.read())


def running_sessions():
    with urllib.request.urlopen(f"{ENDPOINT}/_agentcore/sessions", timeout=10) as resp:
        return json.loads(resp.read())["sessions"]


def stdlib_agent_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(AGENT, "agent.py")
    return buf.getvalue()


def wait_ready(control, runtime_id, timeout=120):
    deadline = time.time() + timeout
    while True:
        rt = control.get_agent_runtime(agentRuntimeId=runtime_id)
        if rt["status"] == "READY":
            return rt
        assert rt["status"] not in ("CREATE_FAILED", "UPDATE_FAILED"), rt.get("failureReason")
        assert time.time() < deadline, f"runtime {runtime_id} not READY after {timeout}s: {rt['status']}"
        time.sleep(0.2)


def create_runtime(control, name, key):
    return control.create_agent_runtime(
        agentRuntimeName=name,
        agentRuntimeArtifact={
            "codeConfiguration": {
                "code": {"s3": {"bucket": "agents", "prefix": key}},
                "runtime": "PYTHON_3_11",
                "entryPoint": ["agent.py"],
            }
        },
        roleArn=ROLE_ARN,
        networkConfiguration={"networkMode": "PUBLIC"},
        description="boto3 test agent",
    )


@pytest.fixture(scope="module")
def artifact_key():
    key = f"boto3/stdlib-agent-{uuid.uuid4().hex}.zip"
    info = upload("agents", key, stdlib_agent_zip())
    assert info["key"] == key and info["size"] > 0
    return key


@pytest.fixture(scope="module")
def runtime(control, artifact_key):
    name = "boto3_stdlib_" + uuid.uuid4().hex[:8]
    created = create_runtime(control, name, artifact_key)
    assert created["status"] in ("CREATING", "READY")
    assert created["agentRuntimeArn"].startswith("arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/")
    assert created["agentRuntimeId"].startswith(name + "-")
    assert created["agentRuntimeVersion"] == "1"
    rt = wait_ready(control, created["agentRuntimeId"])
    assert rt["agentRuntimeName"] == name
    assert rt["agentRuntimeArn"] == created["agentRuntimeArn"]
    assert rt["agentRuntimeArtifact"]["codeConfiguration"]["entryPoint"] == ["agent.py"]
    assert rt["agentRuntimeArtifact"]["codeConfiguration"]["runtime"] == "PYTHON_3_11"
    yield rt
    try:
        control.delete_agent_runtime(agentRuntimeId=rt["agentRuntimeId"])
    except control.exceptions.ResourceNotFoundException:
        pass  # test_delete_agent_runtime already removed it


def invoke_json(data, arn, payload, sid=None):
    kwargs = {"agentRuntimeArn": arn, "payload": json.dumps(payload).encode(), "contentType": "application/json",
              "accept": "application/json"}
    if sid:
        kwargs["runtimeSessionId"] = sid
    response = data.invoke_agent_runtime(**kwargs)
    body = response["response"].read()
    return response, json.loads(body)


def test_invoke_json_and_session_round_trip(data, runtime):
    arn = runtime["agentRuntimeArn"]
    sid = session_id("boto3-json")
    response, answer = invoke_json(data, arn, {"prompt": "hello from boto3"}, sid)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["runtimeSessionId"] == sid
    assert "application/json" in response["contentType"]
    assert answer == {"result": "You said: hello from boto3", "sessionId": sid, "count": 1}

    # Same session id: same process, the counter moves on.
    response, answer = invoke_json(data, arn, {"prompt": "again"}, sid)
    assert response["runtimeSessionId"] == sid
    assert answer["count"] == 2 and answer["sessionId"] == sid

    # Another session id: a fresh process.
    other = session_id("boto3-other")
    _, answer = invoke_json(data, arn, {"prompt": "other"}, other)
    assert answer["count"] == 1 and answer["sessionId"] == other


def test_invoke_without_session_id_gets_one(data, runtime):
    arn = runtime["agentRuntimeArn"]
    response, answer = invoke_json(data, arn, {"prompt": "no session"})
    sid = response["runtimeSessionId"]
    assert len(sid) >= 33, sid
    assert answer["sessionId"] == sid and answer["count"] == 1
    # The generated id names a real session that can be reused.
    response, answer = invoke_json(data, arn, {"prompt": "reuse"}, sid)
    assert answer["count"] == 2


def test_invoke_streaming(data, runtime):
    sid = session_id("boto3-stream")
    n, delay_ms = 5, 200
    started = time.time()
    response = data.invoke_agent_runtime(
        agentRuntimeArn=runtime["agentRuntimeArn"],
        runtimeSessionId=sid,
        payload=json.dumps({"stream": True, "n": n, "delayMs": delay_ms}).encode(),
    )
    assert response["runtimeSessionId"] == sid
    assert "text/event-stream" in response["contentType"], response["contentType"]

    # Exactly as the AWS docs read a streaming answer.
    events, arrivals = [], []
    for line in response["response"].iter_lines(chunk_size=10):
        if line:
            line = line.decode("utf-8")
            if line.startswith("data: "):
                line = line[6:]
                events.append(json.loads(line))
                arrivals.append(time.time())
    assert [e["i"] for e in events] == list(range(n)), events
    ts = [e["t"] for e in events]
    assert ts == sorted(ts)
    # Relayed as produced, not buffered: the first event arrived well before the last.
    spread = arrivals[-1] - arrivals[0]
    assert spread >= (n - 1) * delay_ms / 1000 * 0.6, f"events arrived together ({spread:.3f}s): buffered stream"
    assert time.time() - started < 30


def test_list_agent_runtimes_paginator(control, runtime, artifact_key):
    # A second runtime so that a page size of 1 really paginates.
    extra = create_runtime(control, "boto3_list_" + uuid.uuid4().hex[:8], artifact_key)
    try:
        paginator = control.get_paginator("list_agent_runtimes")
        pages = list(paginator.paginate(PaginationConfig={"PageSize": 1}))
        assert len(pages) >= 2, pages
        assert all(len(p["agentRuntimes"]) <= 1 for p in pages)
        ids = [r["agentRuntimeId"] for p in pages for r in p["agentRuntimes"]]
        assert len(ids) == len(set(ids)), f"duplicates across pages: {ids}"
        assert runtime["agentRuntimeId"] in ids and extra["agentRuntimeId"] in ids
        summary = next(r for p in pages for r in p["agentRuntimes"] if r["agentRuntimeId"] == runtime["agentRuntimeId"])
        assert summary["agentRuntimeArn"] == runtime["agentRuntimeArn"]
        assert summary["agentRuntimeName"] == runtime["agentRuntimeName"]
        assert summary["agentRuntimeVersion"] == "1"

        # build_full_result merges the pages.
        full = paginator.paginate(PaginationConfig={"PageSize": 1}).build_full_result()
        assert sorted(r["agentRuntimeId"] for r in full["agentRuntimes"]) == sorted(ids)
    finally:
        wait_ready(control, extra["agentRuntimeId"])
        control.delete_agent_runtime(agentRuntimeId=extra["agentRuntimeId"])


def test_stop_runtime_session(data, runtime):
    arn = runtime["agentRuntimeArn"]
    sid = session_id("boto3-stop")
    _, answer = invoke_json(data, arn, {"prompt": "one"}, sid)
    _, answer = invoke_json(data, arn, {"prompt": "two"}, sid)
    assert answer["count"] == 2
    assert any(s["sessionId"] == sid for s in running_sessions())

    out = data.stop_runtime_session(agentRuntimeArn=arn, runtimeSessionId=sid)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert out["runtimeSessionId"] == sid
    assert not any(s["sessionId"] == sid for s in running_sessions())

    # Stopping it again: the session is not running.
    with pytest.raises(data.exceptions.ResourceNotFoundException):
        data.stop_runtime_session(agentRuntimeArn=arn, runtimeSessionId=sid)

    # The same id now starts a fresh process.
    _, answer = invoke_json(data, arn, {"prompt": "three"}, sid)
    assert answer["count"] == 1


def test_typed_errors(control, data, runtime, artifact_key):
    missing_id = "nosuchagent_x-abcdefghij"
    with pytest.raises(control.exceptions.ResourceNotFoundException) as e:
        control.get_agent_runtime(agentRuntimeId=missing_id)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

    with pytest.raises(control.exceptions.ResourceNotFoundException):
        control.delete_agent_runtime(agentRuntimeId=missing_id)

    missing_arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/" + missing_id
    with pytest.raises(data.exceptions.ResourceNotFoundException):
        data.invoke_agent_runtime(agentRuntimeArn=missing_arn, runtimeSessionId=session_id("missing"),
                                  payload=b"{}")

    # Names allow [a-zA-Z][a-zA-Z0-9_]*: a hyphen is a server-side ValidationException.
    with pytest.raises(control.exceptions.ValidationException) as e:
        create_runtime(control, "bad-name-" + uuid.uuid4().hex[:6], artifact_key)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    # An artifact that is not in the store.
    with pytest.raises(control.exceptions.ValidationException):
        create_runtime(control, "boto3_noart_" + uuid.uuid4().hex[:6], "boto3/does-not-exist.zip")

    # The same name twice.
    with pytest.raises(control.exceptions.ConflictException) as e:
        create_runtime(control, runtime["agentRuntimeName"], artifact_key)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409

    # Unknown qualifier (endpoint name) on invoke.
    with pytest.raises(data.exceptions.ResourceNotFoundException):
        data.invoke_agent_runtime(agentRuntimeArn=runtime["agentRuntimeArn"], qualifier="nosuchendpoint",
                                  runtimeSessionId=session_id("qualifier"), payload=b"{}")


def test_delete_agent_runtime(control, data, artifact_key):
    created = create_runtime(control, "boto3_delete_" + uuid.uuid4().hex[:8], artifact_key)
    rid, arn = created["agentRuntimeId"], created["agentRuntimeArn"]
    wait_ready(control, rid)
    sid = session_id("boto3-delete")
    _, answer = invoke_json(data, arn, {"prompt": "before delete"}, sid)
    assert answer["count"] == 1

    out = control.delete_agent_runtime(agentRuntimeId=rid)
    assert out["ResponseMetadata"]["HTTPStatusCode"] in (200, 202)
    assert out["status"] in ("DELETING", "DELETED"), out
    deadline = time.time() + 30
    while True:
        try:
            rt = control.get_agent_runtime(agentRuntimeId=rid)
            assert rt["status"] == "DELETING", rt["status"]
        except control.exceptions.ResourceNotFoundException:
            break
        assert time.time() < deadline, "runtime still present 30s after delete"
        time.sleep(0.2)

    with pytest.raises(data.exceptions.ResourceNotFoundException):
        data.invoke_agent_runtime(agentRuntimeArn=arn, runtimeSessionId=sid, payload=b"{}")
    # Its sessions are gone too.
    assert not any(s["runtimeId"] == rid for s in running_sessions())
    ids = [r["agentRuntimeId"] for p in control.get_paginator("list_agent_runtimes").paginate() for r in p["agentRuntimes"]]
    assert rid not in ids


def test_versions_endpoints_and_qualifiers(control, data, artifact_key):
    created = create_runtime(control, "boto3_versions_" + uuid.uuid4().hex[:8], artifact_key)
    rid, arn = created["agentRuntimeId"], created["agentRuntimeArn"]
    try:
        wait_ready(control, rid)
        updated = control.update_agent_runtime(
            agentRuntimeId=rid,
            agentRuntimeArtifact={"codeConfiguration": {"code": {"s3": {"bucket": "agents", "prefix": artifact_key}},
                                                        "runtime": "PYTHON_3_11", "entryPoint": ["agent.py"]}},
            roleArn=ROLE_ARN,
            networkConfiguration={"networkMode": "PUBLIC"},
            environmentVariables={"GREETING": "v2"},
        )
        assert updated["agentRuntimeVersion"] == "2"
        rt = wait_ready(control, rid)
        assert rt["agentRuntimeVersion"] == "2"
        assert rt["environmentVariables"] == {"GREETING": "v2"}
        v1 = control.get_agent_runtime(agentRuntimeId=rid, agentRuntimeVersion="1")
        assert v1["agentRuntimeVersion"] == "1"
        assert not v1.get("environmentVariables"), v1.get("environmentVariables")

        versions = control.list_agent_runtime_versions(agentRuntimeId=rid)["agentRuntimes"]
        assert sorted(v["agentRuntimeVersion"] for v in versions) == ["1", "2"]

        deadline = time.time() + 30
        while True:
            ep = control.get_agent_runtime_endpoint(agentRuntimeId=rid, endpointName="DEFAULT")
            if ep["status"] == "READY" and ep.get("liveVersion") == "2":
                break
            assert time.time() < deadline, f"DEFAULT endpoint did not move to version 2: {ep}"
            time.sleep(0.2)
        assert ep["agentRuntimeEndpointArn"] == arn + "/runtime-endpoint/DEFAULT"
        endpoints = control.list_agent_runtime_endpoints(agentRuntimeId=rid)["runtimeEndpoints"]
        assert [e["name"] for e in endpoints] == ["DEFAULT"]

        for qualifier in ("DEFAULT", "1", "2"):
            sid = session_id("boto3-q" + qualifier)
            response = data.invoke_agent_runtime(agentRuntimeArn=arn, qualifier=qualifier, runtimeSessionId=sid,
                                                 payload=json.dumps({"prompt": qualifier}).encode())
            answer = json.loads(response["response"].read())
            assert answer == {"result": f"You said: {qualifier}", "sessionId": sid, "count": 1}, (qualifier, answer)
        assert {s["version"] for s in running_sessions() if s["runtimeId"] == rid} == {1, 2}

        # Invoking through the endpoint ARN works like the runtime ARN + qualifier.
        sid = session_id("boto3-eparn")
        response = data.invoke_agent_runtime(agentRuntimeArn=ep["agentRuntimeEndpointArn"], runtimeSessionId=sid,
                                             payload=b'{"prompt": "via endpoint arn"}')
        assert json.loads(response["response"].read())["sessionId"] == sid
        assert any(s["sessionId"] == sid and s["version"] == 2 for s in running_sessions())

        with pytest.raises(data.exceptions.ResourceNotFoundException):
            data.invoke_agent_runtime(agentRuntimeArn=arn, qualifier="7", runtimeSessionId=session_id("boto3-v7"),
                                      payload=b"{}")
    finally:
        control.delete_agent_runtime(agentRuntimeId=rid)
