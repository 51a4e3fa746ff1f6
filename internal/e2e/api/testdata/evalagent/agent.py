"""A bedrock-agentcore agent emitting Strands-like gen_ai spans with the stock
OpenTelemetry SDK, configured by the environment only (OTEL_EXPORTER_OTLP_*,
OTEL_RESOURCE_ATTRIBUTES), as on AgentCore: per invocation an invoke_agent
span (session.id), a chat span with gen_ai.input/output.messages and an
execute_tool span; flushed before answering. It listens on $PORT (8080 by default): the
sessions of the test are alive at the same time, and the process sandbox
driver shares the host's ports among them.
"""
import json
import os

from bedrock_agentcore.runtime import BedrockAgentCoreApp
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

provider = TracerProvider(resource=Resource.create())
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)
tracer = trace.get_tracer("strands.telemetry.tracer")

app = BedrockAgentCoreApp()


def msgs(role, text):
    return json.dumps([{"role": role, "parts": [{"type": "text", "content": text}]}])


@app.entrypoint
def invoke(payload, context):
    prompt = payload.get("prompt", "")
    answer = "The answer to '%s' is 42." % prompt
    sid = context.session_id or ""
    with tracer.start_as_current_span("invoke_agent calc_agent", kind=trace.SpanKind.INTERNAL, attributes={
        "session.id": sid, "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "calc_agent",
        "gen_ai.system": "strands-agents", "gen_ai.agent.tools": json.dumps(["calculator"]),
    }) as root:
        with tracer.start_as_current_span("chat", kind=trace.SpanKind.CLIENT, attributes={
            "session.id": sid, "gen_ai.operation.name": "chat", "gen_ai.request.model": "test-model",
            "gen_ai.input.messages": msgs("user", prompt),
            "gen_ai.output.messages": msgs("assistant", "I will use the calculator."),
            "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 7,
        }):
            pass
        with tracer.start_as_current_span("execute_tool calculator", attributes={
            "session.id": sid, "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "calculator",
            "gen_ai.tool.call.id": "call-1", "gen_ai.tool.call.arguments": json.dumps({"expression": "6*7"}),
            "gen_ai.tool.call.result": "42",
        }):
            pass
        with tracer.start_as_current_span("chat", kind=trace.SpanKind.CLIENT, attributes={
            "session.id": sid, "gen_ai.operation.name": "chat", "gen_ai.request.model": "test-model",
            "gen_ai.input.messages": msgs("user", prompt),
            "gen_ai.output.messages": msgs("assistant", answer),
        }):
            pass
        root.set_attribute("gen_ai.output.messages", msgs("assistant", answer))
    provider.force_flush(10_000)
    return {"answer": answer, "traceId": format(root.get_span_context().trace_id, "032x")}


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "8080")))
