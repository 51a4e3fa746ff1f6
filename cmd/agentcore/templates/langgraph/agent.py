"""__AGENT_NAME__: a LangGraph graph in a BedrockAgentCoreApp.

Payloads:
  {"prompt": "hello"}                 -> {"result": "<the model's answer>"}
  {"prompt": "hello", "stream": true} -> server-sent events, one per token chunk

The graph is START -> chat -> END over a message list, with a checkpointer
keyed by the runtime session id, so a session remembers its conversation.
The model is an OpenAI-compatible chat completions endpoint, through
langchain-openai's ChatOpenAI: OPENAI_BASE_URL, OPENAI_API_KEY and MODEL.
Set them for the deployed agent with `agentcore configure --env KEY=VALUE`.
(AgentCore's own templates default to Amazon Bedrock models: see README.md.)
"""

import os

from bedrock_agentcore.runtime import BedrockAgentCoreApp
from langchain_openai import ChatOpenAI
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, MessagesState, StateGraph

app = BedrockAgentCoreApp()


def model():
    base_url = os.environ.get("OPENAI_BASE_URL")
    if not base_url:
        raise RuntimeError("OPENAI_BASE_URL is not set: point it at an OpenAI-compatible endpoint (see README.md)")
    return ChatOpenAI(base_url=base_url, api_key=os.environ.get("OPENAI_API_KEY", "none"),
                      model=os.environ.get("MODEL", "gpt-4o-mini"))


def build_graph():
    llm = model()

    async def chat(state: MessagesState):
        return {"messages": [await llm.ainvoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("chat", chat)
    graph.add_edge(START, "chat")
    graph.add_edge("chat", END)
    return graph.compile(checkpointer=InMemorySaver())


_graph = None


def graph():
    global _graph
    if _graph is None:
        _graph = build_graph()
    return _graph


async def stream(prompt, config):
    async for chunk, _meta in graph().astream({"messages": [("user", prompt)]}, config, stream_mode="messages"):
        if chunk.content:
            yield chunk.content


@app.entrypoint
async def invoke(payload, context):
    if not isinstance(payload, dict):
        payload = {"prompt": str(payload)}
    prompt = payload.get("prompt", "")
    config = {"configurable": {"thread_id": context.session_id or "default"}}
    if payload.get("stream"):
        return stream(prompt, config)
    state = await graph().ainvoke({"messages": [("user", prompt)]}, config)
    return {"result": state["messages"][-1].content}


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "8080")))
