"""Example AgentCore Runtime agent using the official Python SDK (bedrock-agentcore).

Payloads:
  {"prompt": "hi"}                   -> {"result": "You said: hi", "sessionId": ..., "count": N}
  {"stream": true, "n": 5}           -> SSE events {"i": k, "t": <unix nanos>}, delayMs (default 100) apart
  {"action": "busy", "seconds": 10}  -> starts a background job and returns at once;
                                        /ping reports HealthyBusy until the job ends
"""

import asyncio
import itertools
import os
import time

from bedrock_agentcore.runtime import BedrockAgentCoreApp

app = BedrockAgentCoreApp()

# Invocations served by this process (the platform keeps one process per session).
# The handler is async, so every call runs on the SDK's single worker loop: no lock needed.
_counter = itertools.count(1)
# Keep references to running background tasks so they are not garbage-collected.
_background = set()


@app.async_task
async def background_job(seconds: float):
    """While this runs, the SDK reports HealthyBusy on /ping."""
    await asyncio.sleep(seconds)


async def stream_events(n: int, delay: float):
    for k in range(n):
        if k:
            await asyncio.sleep(delay)
        yield {"i": k, "t": time.time_ns()}


@app.entrypoint
async def invoke(payload, context):
    count = next(_counter)
    if not isinstance(payload, dict):
        payload = {"prompt": payload}

    if payload.get("action") == "busy":
        seconds = float(payload.get("seconds", 10))
        task = asyncio.create_task(background_job(seconds))
        _background.add(task)
        task.add_done_callback(_background.discard)
        return {"result": f"busy for {seconds}s", "sessionId": context.session_id, "count": count}

    if payload.get("stream"):
        return stream_events(int(payload.get("n", 5)), float(payload.get("delayMs", 100)) / 1000)

    return {
        "result": f"You said: {payload.get('prompt', '')}",
        "sessionId": context.session_id,
        "count": count,
    }


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "8080")))
