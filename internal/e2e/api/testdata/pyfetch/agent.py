"""A plain BedrockAgentCoreApp agent used by the isolation tests: app.run()
binds 8080 as on AgentCore (each session has its own network namespace)."""
import os
import urllib.request

from bedrock_agentcore.runtime import BedrockAgentCoreApp

app = BedrockAgentCoreApp()


@app.entrypoint
def invoke(payload, context):
    if payload.get("url"):
        try:
            with urllib.request.urlopen(payload["url"], timeout=5) as r:
                return {"status": r.status, "body": r.read().decode()}
        except Exception as e:  # noqa: BLE001 - reported to the test
            return {"error": str(e)}
    if "write" in payload:
        with open("/tmp/marker", "w") as f:
            f.write(payload["write"])
        return {"wrote": True}
    if payload.get("read"):
        try:
            with open("/tmp/marker") as f:
                return {"data": f.read()}
        except FileNotFoundError:
            return {"data": None}
    return {"uid": os.getuid(), "hostUid": host_uid(), "sessionId": context.session_id, "pid": os.getpid()}


def host_uid():
    """The uid as the kernel outside this user namespace knows it."""
    uid = os.getuid()
    try:
        with open("/proc/self/uid_map") as f:
            for line in f:
                inside, outside, count = map(int, line.split())
                if inside <= uid < inside + count:
                    return outside + uid - inside
    except OSError:
        pass
    return uid


if __name__ == "__main__":
    app.run()
