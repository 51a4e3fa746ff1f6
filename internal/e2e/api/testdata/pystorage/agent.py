"""A BedrockAgentCoreApp agent that keeps its work in session storage
(filesystemConfigurations sessionStorage at /mnt/data): it writes files and
pip-installs a package there, and finds both again in a new environment."""
import importlib
import os
import subprocess
import sys

from bedrock_agentcore.runtime import BedrockAgentCoreApp

STORAGE = os.environ.get("AGENTCORE_SESSION_STORAGE", "/mnt/data")
SITE = os.path.join(STORAGE, "site")
HERE = os.path.dirname(os.path.abspath(__file__))

app = BedrockAgentCoreApp()


@app.entrypoint
def invoke(payload, context):
    op = payload.get("op")
    if op == "write":
        os.makedirs(os.path.join(STORAGE, "work"), exist_ok=True)
        with open(os.path.join(STORAGE, "work", "notes.txt"), "w") as f:
            f.write(payload["data"])
        return {"ok": True}
    if op == "read":
        try:
            with open(os.path.join(STORAGE, "work", "notes.txt")) as f:
                return {"data": f.read()}
        except OSError as e:
            return {"error": str(e)}
    if op == "pip":
        wheel = os.path.join(HERE, "wheels", payload["wheel"])
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-index",
                            "--disable-pip-version-check", "--target", SITE, wheel],
                           capture_output=True, text=True, timeout=120)
        return {"code": r.returncode, "stderr": r.stderr[-2000:]}
    if op == "import":
        if SITE not in sys.path:
            sys.path.insert(0, SITE)
        try:
            mod = importlib.import_module("storage_demo")
            return {"value": mod.VALUE, "file": mod.__file__}
        except ImportError as e:
            return {"error": str(e)}
    if op == "list":
        return {"names": sorted(os.listdir(STORAGE))}
    return {"pid": os.getpid(), "sessionId": context.session_id, "storage": STORAGE}


if __name__ == "__main__":
    app.run()
