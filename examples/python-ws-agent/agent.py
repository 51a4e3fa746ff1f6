"""WebSocket agent using the official Python SDK (bedrock-agentcore) and @app.websocket.

/ws sends a hello {"hello": "ws", "sessionId", "pid", "instance", "conns", "state", "custom"}, then:
  binary messages               -> echoed
  "close <code> <reason>"       -> the agent closes the socket with that code and reason
  "stream <n>"                  -> "tick i" every 20 ms, then "stream done"
  "interrupt"                   -> stops a running stream with "interrupted i"
  "set <v>" / "get"             -> per-process state: "ok" / "state <v>"
  "lastclose"                   -> "lastclose <code> <reason>" of the last connection its peer closed
  any other text                -> echoed
POST /invocations {"prompt": ...} -> {"pid", "instance", "sessionId", "state"} (same process as /ws).
"""

import asyncio
import json
import os
import uuid

from bedrock_agentcore.runtime import BedrockAgentCoreApp

app = BedrockAgentCoreApp()

# Random per process: tells processes apart where every agent is PID 1 of its namespace.
INSTANCE = uuid.uuid4().hex
# Shared by every connection and invocation of this process (one process per session).
_state = {"conns": 0, "value": "", "last_close": ""}


@app.entrypoint
def invoke(payload, context):
    return {"pid": os.getpid(), "instance": INSTANCE, "sessionId": context.session_id, "state": _state["value"]}


async def _stream(websocket, n: int, stop: asyncio.Event):
    for i in range(n):
        try:
            await asyncio.wait_for(stop.wait(), 0.02)
            await websocket.send_text(f"interrupted {i}")
            return
        except asyncio.TimeoutError:
            pass
        await websocket.send_text(f"tick {i}")
    await websocket.send_text("stream done")


@app.websocket
async def ws(websocket, context):
    await websocket.accept()
    _state["conns"] += 1
    headers = context.request_headers or {}
    await websocket.send_text(json.dumps({
        "hello": "ws", "sessionId": context.session_id, "pid": os.getpid(), "instance": INSTANCE, "conns": _state["conns"],
        "state": _state["value"], "custom": headers.get("x-amzn-bedrock-agentcore-runtime-custom-tag"),
    }))
    task, stop = None, asyncio.Event()
    try:
        while True:
            msg = await websocket.receive()
            if msg["type"] == "websocket.disconnect":
                _state["last_close"] = f"{msg.get('code')} {msg.get('reason') or ''}"
                return
            if msg.get("bytes") is not None:
                await websocket.send_bytes(msg["bytes"])
                continue
            text = msg.get("text") or ""
            cmd, _, arg = text.partition(" ")
            if cmd == "close":
                code, _, reason = arg.partition(" ")
                await websocket.close(code=int(code), reason=reason)
                return
            if cmd == "stream":
                stop = asyncio.Event()
                task = asyncio.create_task(_stream(websocket, int(arg), stop))
            elif cmd == "interrupt":
                stop.set()
                if task:
                    await task
            elif cmd == "set":
                _state["value"] = arg
                await websocket.send_text("ok")
            elif cmd == "get":
                await websocket.send_text(f"state {_state['value']}")
            elif cmd == "lastclose":
                await websocket.send_text(f"lastclose {_state['last_close']}")
            else:
                await websocket.send_text(text)
    finally:
        if task and not task.done():
            task.cancel()


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "8080")))
