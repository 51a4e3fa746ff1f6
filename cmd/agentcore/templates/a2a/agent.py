"""__AGENT_NAME__: an A2A server for AgentCore Runtime (serverProtocol A2A), on
the official a2a-sdk. It serves JSON-RPC at / (A2A 1.0, and the 0.3 form
`message/send` that AgentCore's documentation shows) and its agent card at
/.well-known/agent-card.json, on port 9000 (AgentCore's A2A port) or $PORT.

The agent answers every message with "You said: <text>". Put your agent's
logic in EchoExecutor.execute.
"""

import os

import uvicorn
from a2a.helpers.proto_helpers import get_message_text, new_text_message
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore
from a2a.types.a2a_pb2 import AgentCapabilities, AgentCard, AgentInterface, AgentSkill
from starlette.applications import Starlette

PORT = int(os.environ.get("PORT", "9000"))
# AgentCore sets the public URL of the runtime; locally it is this server.
URL = os.environ.get("AGENTCORE_RUNTIME_URL", f"http://127.0.0.1:{PORT}/")


class EchoExecutor(AgentExecutor):
    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        text = get_message_text(context.message) if context.message else ""
        await event_queue.enqueue_event(new_text_message(f"You said: {text}", context_id=context.context_id))

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        raise NotImplementedError("cancel is not supported")


card = AgentCard(
    name="__AGENT_NAME__",
    description="Echoes the text of each message.",
    version="1.0.0",
    supported_interfaces=[AgentInterface(url=URL, protocol_binding="JSONRPC", protocol_version="1.0")],
    capabilities=AgentCapabilities(streaming=False),
    default_input_modes=["text/plain"],
    default_output_modes=["text/plain"],
    skills=[AgentSkill(id="echo", name="Echo", description="Echoes the message", tags=["echo"], examples=["hello"])],
)

handler = DefaultRequestHandler(agent_executor=EchoExecutor(), task_store=InMemoryTaskStore(), agent_card=card)
app = Starlette(routes=create_agent_card_routes(card) + create_jsonrpc_routes(handler, "/", enable_v0_3_compat=True))

if __name__ == "__main__":
    # AgentCore containers listen on 0.0.0.0; a local run stays on loopback.
    host = "0.0.0.0" if os.environ.get("DOCKER_CONTAINER") and "PORT" not in os.environ else "127.0.0.1"
    uvicorn.run(app, host=host, port=PORT, log_level="warning")
