"""AgentCore Code Interpreter through the unmodified bedrock-agentcore Python
SDK (CodeInterpreter, code_session) and boto3, used as their docs show.

internal/e2e/codeinterpreter_clients_test.go starts a server and runs this
file with AGENTCORE_TEST_ENDPOINT and AGENTCORE_TEST_CODE_INTERPRETER=1 set
(and AGENTCORE_TEST_CI_ENV when the data libraries were built, see .ci/run).
Nothing here reaches the internet: the package installed with
install_packages is a wheel built here, uploaded into the session, and found
by the session's pip through a pip.conf in the session's home directory.
"""

import base64
import hashlib
import io
import os
import time
import uuid
import zipfile

import pytest

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
pytestmark = pytest.mark.skipif(
    not ENDPOINT or not os.environ.get("AGENTCORE_TEST_CODE_INTERPRETER"),
    reason="needs a server with the Code Interpreter (internal/e2e/codeinterpreter_clients_test.go)",
)

if ENDPOINT:
    # The SDK's boto3 clients honour the standard per-service endpoint variables.
    os.environ.setdefault("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", ENDPOINT)
    os.environ.setdefault("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL", ENDPOINT)

REGION = "us-east-1"


def results(response):
    """The result events of an InvokeCodeInterpreter response (botocore
    raises EventStreamError for an exception event)."""
    return [event["result"] for event in response["stream"] if "result" in event]


def result(response):
    rs = results(response)
    assert len(rs) == 1, rs
    return rs[0]


def out(response):
    """stdout of one executeCode/executeCommand result, asserting success."""
    r = result(response)
    sc = r["structuredContent"]
    assert not r.get("isError"), r
    assert sc["exitCode"] == 0, sc
    return sc["stdout"]


def test_execute_code_keeps_python_state():
    from bedrock_agentcore.tools.code_interpreter_client import code_session

    with code_session(REGION) as client:
        assert out(client.execute_code("x = 21\nimport math")) == ""
        r = result(client.execute_code("print(x * 2)\nmath.sqrt(16)"))
        # The value of a last expression is printed, as in a notebook.
        assert r["structuredContent"]["stdout"] == "42\n4.0\n"
        assert r["content"][0]["type"] == "text" and "42" in r["content"][0]["text"]
        assert isinstance(r["structuredContent"]["executionTime"], float)

        r = result(client.execute_code("def f():\n    return 1 / 0\nf()"))
        assert r["isError"] is True
        assert r["structuredContent"]["exitCode"] == 1
        assert "ZeroDivisionError" in r["structuredContent"]["stderr"]
        assert "Traceback" in r["structuredContent"]["stderr"]
        # The session keeps working, state included.
        assert out(client.execute_code("print(x)")) == "21\n"


def test_clear_context():
    from bedrock_agentcore.tools.code_interpreter_client import code_session

    with code_session(REGION) as client:
        out(client.execute_code("secret = 'kept'"))
        assert out(client.execute_code("print(secret)")) == "kept\n"
        result(client.clear_context())
        r = result(client.execute_code("print(secret)"))
        assert r["isError"] is True and "NameError" in r["structuredContent"]["stderr"]
        # clearContext on a call resets first, then runs the code.
        out(client.execute_code("y = 1"))
        r = result(client.execute_code("print('y' in globals())", clear_context=True))
        assert r["structuredContent"]["stdout"] == "False\n"


def test_javascript_and_typescript():
    from bedrock_agentcore.tools.code_interpreter_client import code_session

    with code_session(REGION) as client:
        js = client.invoke("executeCode", {"code": "let n = 40;\nconsole.log(n + 2);", "language": "javascript"})
        assert out(js) == "42\n"
        # Top-level declarations stay; a completion value is printed.
        assert out(client.invoke("executeCode", {"code": "n + 1", "language": "javascript"})).strip() == "41"
        # Awaited promises.
        code = "const v = await new Promise(r => setTimeout(() => r('later'), 10));\nconsole.log(v);"
        assert out(client.invoke("executeCode", {"code": code, "language": "javascript"})) == "later\n"
        ts = "interface P { name: string }\nconst greet = (p: P): string => `hi ${p.name}`;\nconsole.log(greet({ name: 'ts' }));"
        assert out(client.invoke("executeCode", {"code": ts, "language": "typescript"})) == "hi ts\n"
        assert out(client.execute_code("console.log(typeof greet)", language="typescript")) == "function\n"
        r = result(client.invoke("executeCode", {"code": "throw new Error('boom')", "language": "javascript"}))
        assert r["isError"] is True and "boom" in r["structuredContent"]["stderr"]
        # Python's state is separate from JavaScript's.
        r = result(client.execute_code("print(n)"))
        assert r["isError"] is True and "NameError" in r["structuredContent"]["stderr"]


def test_execute_command():
    from bedrock_agentcore.tools.code_interpreter_client import code_session

    with code_session(REGION) as client:
        r = result(client.execute_command("echo hello; echo oops >&2; exit 3"))
        sc = r["structuredContent"]
        assert (sc["stdout"], sc["stderr"], sc["exitCode"]) == ("hello\n", "oops\n", 3)
        assert r["isError"] is True
        # Commands and code share the working directory.
        out(client.execute_command("mkdir -p made && echo from-shell > made/f.txt"))
        assert out(client.execute_code("print(open('made/f.txt').read().strip())")) == "from-shell\n"
        assert out(client.execute_command("python3 -c 'import sys; print(sys.version_info[0])'")) == "3\n"


def test_files_upload_download_list_remove():
    from botocore.exceptions import ClientError
    from bedrock_agentcore.tools.code_interpreter_client import code_session

    binary = bytes(range(256))
    with code_session(REGION) as client:
        result(client.upload_file("data/notes.txt", "hello file", description="a note"))
        result(client.upload_file("bin.dat", binary))
        r = result(client.upload_files([{"path": "a.csv", "content": "x,y\n1,2\n"}, {"path": "data/b.json", "content": '{"k": 1}'}]))
        assert not r.get("isError") and "2" in r["content"][0]["text"]

        assert client.download_file("data/notes.txt") == "hello file"
        assert client.download_file("bin.dat") == binary
        # download_files keys the answer by resource.uri without "file://":
        # the paths come back as they were asked for.
        files = client.download_files(["data/notes.txt", "a.csv", "data/b.json"])
        assert files == {"data/notes.txt": "hello file", "a.csv": "x,y\n1,2\n", "data/b.json": '{"k": 1}'}
        home = out(client.execute_code("import os; print(os.getcwd())")).strip()
        assert client.download_files([home + "/a.csv"]) == {home + "/a.csv": "x,y\n1,2\n"}
        # The code sees the uploaded files.
        assert out(client.execute_code("import json; print(json.load(open('data/b.json'))['k'])")) == "1\n"

        listing = result(client.invoke("listFiles", {"directoryPath": "data"}))["content"]
        entries = {c["name"]: c for c in listing if c["type"] == "resource_link"}
        assert set(entries) == {"notes.txt", "b.json"}, listing
        assert entries["notes.txt"]["size"] == len("hello file")
        assert entries["notes.txt"]["uri"].startswith("file://") and entries["notes.txt"]["uri"].endswith("notes.txt")
        top = {c["name"]: c for c in result(client.invoke("listFiles"))["content"] if c["type"] == "resource_link"}
        assert {"data", "bin.dat", "a.csv"} <= set(top), top
        assert top["data"]["description"] == "directory" and top["bin.dat"]["description"] == "file"

        r = result(client.invoke("removeFiles", {"paths": ["bin.dat", "data/b.json"]}))
        assert not r.get("isError"), r
        with pytest.raises(FileNotFoundError):
            client.download_file("bin.dat")
        r = result(client.invoke("readFiles", {"paths": ["data/b.json"]}))
        assert r["isError"] is True and "data/b.json" in str(r["content"])

        # Nothing outside the session's working directory: the kernel
        # refuses it, which arrives as the stream's validationException
        # event (botocore raises it as EventStreamError).
        with pytest.raises(ClientError) as e:
            result(client.upload_file("../escape.txt", "x"))
        assert e.value.response["Error"]["Code"] == "validationException", e.value.response
        with pytest.raises(ClientError) as e:
            result(client.invoke("readFiles", {"paths": ["/etc/passwd"]}))
        assert e.value.response["Error"]["Code"] == "validationException", e.value.response
        # An unknown tool is refused before the stream: a plain ValidationException.
        with pytest.raises(ClientError) as e:
            client.invoke("noSuchTool", {})
        assert e.value.response["Error"]["Code"] == "ValidationException", e.value.response


def test_command_tasks():
    from botocore.exceptions import ClientError
    from bedrock_agentcore.tools.code_interpreter_client import code_session

    with code_session(REGION) as client:
        sc = result(client.invoke("startCommandExecution", {"command": "sleep 0.3; echo done"}))["structuredContent"]
        task = sc["taskId"]
        assert task and sc["taskStatus"] == "working"
        deadline = time.time() + 30
        while True:
            sc = result(client.invoke("getTask", {"taskId": task}))["structuredContent"]
            if sc["taskStatus"] != "working" or time.time() > deadline:
                break
            time.sleep(0.1)
        assert (sc["taskStatus"], sc["stdout"], sc["exitCode"]) == ("completed", "done\n", 0), sc

        task = result(client.invoke("startCommandExecution", {"command": "sleep 60"}))["structuredContent"]["taskId"]
        sc = result(client.invoke("stopTask", {"taskId": task}))["structuredContent"]
        assert sc["taskStatus"] == "canceled", sc
        assert result(client.invoke("getTask", {"taskId": task}))["structuredContent"]["taskStatus"] == "canceled"

        with pytest.raises(ClientError) as e:
            result(client.invoke("getTask", {"taskId": "no-such-task"}))
        assert "notfound" in e.value.response["Error"]["Code"].lower(), e.value.response


def test_session_lifecycle():
    from botocore.exceptions import ClientError
    from bedrock_agentcore.tools.code_interpreter_client import CodeInterpreter

    client = CodeInterpreter(REGION)
    name = "life-" + uuid.uuid4().hex[:8]
    session_id = client.start(name=name, session_timeout_seconds=300)
    identifier = client.identifier
    assert identifier == "aws.codeinterpreter.v1"
    info = client.get_session()
    assert info["status"] == "READY" and info["name"] == name and info["sessionTimeoutSeconds"] == 300
    ready = client.list_sessions(status="READY")["items"]
    assert session_id in [s["sessionId"] for s in ready]
    assert out(client.execute_code("print('alive')")) == "alive\n"

    assert client.stop() is True
    info = client.get_session(interpreter_id=identifier, session_id=session_id)
    assert info["status"] == "TERMINATED"
    # A stopped session cannot be invoked (the SDK's invoke would start a
    # new one, so call the API directly).
    with pytest.raises(ClientError) as e:
        client.data_plane_client.invoke_code_interpreter(
            codeInterpreterIdentifier=identifier, sessionId=session_id, name="executeCode",
            arguments={"code": "print(1)", "language": "python"})
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    terminated = client.list_sessions(interpreter_id=identifier, status="TERMINATED", max_results=100)["items"]
    assert session_id in [s["sessionId"] for s in terminated]


@pytest.mark.skipif(not os.environ.get("AGENTCORE_TEST_CI_ENV"),
                    reason="the data libraries are not built (AGENTCORE_TEST_CI_ENV, see .ci/run)")
def test_data_libraries_and_images():
    from bedrock_agentcore.tools.code_interpreter_client import code_session

    with code_session(REGION) as client:
        code = (
            "import numpy as np, pandas as pd, matplotlib.pyplot as plt\n"
            "df = pd.DataFrame({'x': np.arange(5)})\n"
            "df['y'] = df.x ** 2\n"
            "print(int(df.y.sum()))\n"
            "plt.plot(df.x, df.y)\n"
        )
        r = result(client.execute_code(code))
        assert not r.get("isError"), r
        assert r["structuredContent"]["stdout"].startswith("30\n")
        images = [c for c in r["content"] if c["type"] == "image"]
        assert len(images) == 1, r["content"]
        assert images[0]["mimeType"] == "image/png"
        assert images[0]["data"][:8] == b"\x89PNG\r\n\x1a\n"  # botocore decodes the blob
        # A figure is returned once: closed after it was sent.
        r = result(client.execute_code("print(len(plt.get_fignums()))"))
        assert r["structuredContent"]["stdout"] == "0\n"
        assert not [c for c in r["content"] if c["type"] == "image"]


def _wheel(name, version, module_source):
    """A pure-Python wheel (bytes) holding one module."""
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info/"
    files = {
        f"{dist}/__init__.py": module_source,
        info + "METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        info + "WHEEL": "Wheel-Version: 1.0\nGenerator: agentcore-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for path, text in files.items():
            data = text.encode()
            z.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{path},sha256={digest},{len(data)}")
        record.append(info + "RECORD,,")
        z.writestr(info + "RECORD", "\n".join(record) + "\n")
    return f"{dist}-{version}-py3-none-any.whl", buf.getvalue()


def test_install_packages_in_public_interpreter():
    import boto3
    from bedrock_agentcore.tools.code_interpreter_client import code_session

    control = boto3.client("bedrock-agentcore-control", region_name=REGION)
    created = control.create_code_interpreter(
        name="public_" + uuid.uuid4().hex[:8],
        description="pip install test",
        networkConfiguration={"networkMode": "PUBLIC"},
        clientToken=str(uuid.uuid4()),
    )
    interpreter_id = created["codeInterpreterId"]
    assert created["codeInterpreterArn"].endswith(":code-interpreter-custom/" + interpreter_id)
    try:
        deadline = time.time() + 30
        while control.get_code_interpreter(codeInterpreterId=interpreter_id)["status"] != "READY":
            assert time.time() < deadline, "interpreter not READY"
            time.sleep(0.2)
        got = control.get_code_interpreter(codeInterpreterId=interpreter_id)
        assert got["networkConfiguration"]["networkMode"] == "PUBLIC"
        listed = control.list_code_interpreters(type="CUSTOM")["codeInterpreterSummaries"]
        assert interpreter_id in [i["codeInterpreterId"] for i in listed]

        with code_session(REGION, identifier=interpreter_id) as client:
            assert client.identifier == interpreter_id
            home = out(client.execute_command("echo $HOME")).strip()
            # The session's pip finds the package in a directory of the
            # session instead of an index (the test stays off the network).
            filename, wheel = _wheel("agentcore-demo-pkg", "1.0", "VALUE = 'installed at run time'\n")
            result(client.upload_file("wheels/" + filename, wheel))
            result(client.upload_file(".config/pip/pip.conf", f"[global]\nno-index = true\nfind-links = {home}/wheels\n"))

            r = result(client.install_packages(["agentcore-demo-pkg==1.0"]))
            sc = r["structuredContent"]
            assert sc["exitCode"] == 0, sc
            assert "Successfully installed agentcore-demo-pkg-1.0" in sc["stdout"], sc
            # Importable at once, in the same kernel.
            assert out(client.execute_code("import agentcore_demo_pkg\nprint(agentcore_demo_pkg.VALUE)")) == "installed at run time\n"
            assert out(client.execute_command("python3 -c 'import agentcore_demo_pkg'")) == ""
    finally:
        control.delete_code_interpreter(codeInterpreterId=interpreter_id)
    deadline = time.time() + 30
    while True:
        try:
            control.get_code_interpreter(codeInterpreterId=interpreter_id)
        except control.exceptions.ResourceNotFoundException:
            break
        assert time.time() < deadline, "interpreter not deleted"
        time.sleep(0.2)


def test_boto3_invoke_code_interpreter():
    import boto3

    data = boto3.client("bedrock-agentcore", region_name=REGION)
    started = data.start_code_interpreter_session(
        codeInterpreterIdentifier="aws.codeinterpreter.v1", name="boto3-session", sessionTimeoutSeconds=120)
    session_id = started["sessionId"]
    assert started["codeInterpreterIdentifier"] == "aws.codeinterpreter.v1"
    try:
        response = data.invoke_code_interpreter(
            codeInterpreterIdentifier="aws.codeinterpreter.v1", sessionId=session_id,
            name="executeCode", arguments={"code": "import sys\nprint('boto3', file=sys.stdout)", "language": "python"})
        assert response["sessionId"] == session_id
        events = list(response["stream"])
        assert len(events) == 1 and set(events[0]) == {"result"}, events
        r = events[0]["result"]
        assert r["structuredContent"]["stdout"] == "boto3\n"
        assert r["content"] == [{"type": "text", "text": "boto3\n"}] or r["content"][0]["text"].startswith("boto3")

        r = result(data.invoke_code_interpreter(
            codeInterpreterIdentifier="aws.codeinterpreter.v1", sessionId=session_id,
            name="writeFiles", arguments={"content": [{"path": "raw.bin", "blob": b"\x00\x01\xff"}]}))
        assert not r.get("isError"), r
        r = result(data.invoke_code_interpreter(
            codeInterpreterIdentifier="aws.codeinterpreter.v1", sessionId=session_id,
            name="readFiles", arguments={"paths": ["raw.bin"]}))
        res = r["content"][0]["resource"]
        assert res["type"] == "blob" and res["blob"] == b"\x00\x01\xff" and res["uri"] == "file://raw.bin", res
    finally:
        data.stop_code_interpreter_session(codeInterpreterIdentifier="aws.codeinterpreter.v1", sessionId=session_id)
    assert data.get_code_interpreter_session(
        codeInterpreterIdentifier="aws.codeinterpreter.v1", sessionId=session_id)["status"] == "TERMINATED"
