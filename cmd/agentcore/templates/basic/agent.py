"""__AGENT_NAME__: an AgentCore Runtime agent on the official Python SDK (bedrock-agentcore).

Payloads:
  {"prompt": "hi"}                  -> {"result": "You said: hi", "sessionId": "..."}
  {"prompt": "a b c", "stream": true} -> server-sent events, one per word, then {"done": true}

Replace the body of `invoke` with your agent: call a model, use tools, read
AgentCore Memory, ... Whatever it returns is the JSON answer; an (async)
generator is streamed as server-sent events.
"""

import asyncio
import os

from bedrock_agentcore.runtime import BedrockAgentCoreApp

app = BedrockAgentCoreApp()


async def words(prompt):
    parts = prompt.split()
    for i, word in enumerate(parts):
        yield {"i": i, "word": word}
        await asyncio.sleep(0.01)
    yield {"done": True, "words": len(parts)}


@app.entrypoint
def invoke(payload, context):
    if not isinstance(payload, dict):
        payload = {"prompt": str(payload)}
    prompt = payload.get("prompt", "")
    if payload.get("stream"):
        return words(prompt)
    return {"result": f"You said: {prompt}", "sessionId": context.session_id}


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "8080")))
