"""__AGENT_NAME__: a Strands agent in a BedrockAgentCoreApp, with one tool.

Payloads:
  {"prompt": "What is 6 times 7?"}                 -> {"result": "<the model's answer>"}
  {"prompt": "What is 6 times 7?", "stream": true} -> server-sent events, one per text chunk

The model is an OpenAI-compatible chat completions endpoint, through Strands'
OpenAI model provider: OPENAI_BASE_URL (e.g. http://127.0.0.1:11434/v1 for
Ollama, or https://api.openai.com/v1), OPENAI_API_KEY and MODEL. Set them
for the deployed agent with `agentcore configure --env KEY=VALUE`.
(AgentCore's own templates default to Amazon Bedrock models: see README.md.)
"""

import os

from bedrock_agentcore.runtime import BedrockAgentCoreApp
from strands import Agent, tool
from strands.models.openai import OpenAIModel

app = BedrockAgentCoreApp()


@tool
def multiply(a: float, b: float) -> float:
    """Multiply two numbers."""
    return a * b


def model():
    base_url = os.environ.get("OPENAI_BASE_URL")
    if not base_url:
        raise RuntimeError("OPENAI_BASE_URL is not set: point it at an OpenAI-compatible endpoint (see README.md)")
    return OpenAIModel(
        client_args={"base_url": base_url, "api_key": os.environ.get("OPENAI_API_KEY", "none")},
        model_id=os.environ.get("MODEL", "gpt-4o-mini"),
    )


_agent = None


def agent():
    """One agent per process: AgentCore gives every session its own process,
    so the agent's conversation history is the session's."""
    global _agent
    if _agent is None:
        _agent = Agent(model=model(), tools=[multiply], callback_handler=None,
                       system_prompt="You are a helpful assistant. Use the multiply tool for products.")
    return _agent


async def stream(prompt):
    async for event in agent().stream_async(prompt):
        if "data" in event:
            yield event["data"]


@app.entrypoint
def invoke(payload, context):
    if not isinstance(payload, dict):
        payload = {"prompt": str(payload)}
    prompt = payload.get("prompt", "")
    if payload.get("stream"):
        return stream(prompt)
    return {"result": str(agent()(prompt)).strip()}


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "8080")))
