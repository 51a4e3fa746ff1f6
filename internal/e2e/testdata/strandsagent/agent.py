"""A bedrock-agentcore agent that emits what a Strands agent emits through
ADOT on AgentCore, with the stock OpenTelemetry SDK configured by the
environment only (OTEL_EXPORTER_OTLP_*, OTEL_RESOURCE_ATTRIBUTES): per
invocation an invoke_agent span, execute_event_loop_cycle spans, chat spans
and one execute_tool span per tool (gen_ai.* attributes, session.id), plus the
gen_ai event log records (scope strands.telemetry.tracer, body
{"input": {"messages": ...}, "output": {"messages": ...}}) in the span's
context, as in internal/evaluation/spans/testdata/strands_events.json. The
invocation's spans continue the platform's trace (the traceparent header).

The payload {"prompt": "...", "tools": ["calculator", ...]} says which tools
the scripted model calls; the answer reports the trace id and tool span ids.
"""
import json
import os

from bedrock_agentcore.runtime import BedrockAgentCoreApp
from opentelemetry import trace
from opentelemetry._logs import SeverityNumber
from opentelemetry.propagate import extract
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

SCOPE = "strands.telemetry.tracer"
resource = Resource.create()
provider = TracerProvider(resource=resource)
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)
tracer = trace.get_tracer(SCOPE)
log_provider = LoggerProvider(resource=resource)
log_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))
events = log_provider.get_logger(SCOPE)

TOOLS = {
    "calculator": ("Evaluate an arithmetic expression.", {"expression": "6*7"}, "42"),
    "format_answer": ("Format a number for the user.", {"value": "42"}, "forty-two (42)"),
}

app = BedrockAgentCoreApp()


def text(s):
    return json.dumps([{"text": s}])


def event(inputs, outputs):
    """One gen_ai event log record in the current span's context."""
    events.emit(severity_number=SeverityNumber.INFO, attributes={"event.name": SCOPE},
                body={"input": {"messages": inputs}, "output": {"messages": outputs}})


def span(name, sid, parent=None, **attrs):
    return tracer.start_as_current_span(name, context=parent, attributes={
        "gen_ai.operation.name": name.split(" ")[0], "gen_ai.system": "strands-agents", "session.id": sid, **attrs})


@app.entrypoint
def invoke(payload, context):
    prompt = payload.get("prompt", "")
    tools = [t for t in payload.get("tools", []) if t in TOOLS]
    sid = context.session_id or ""
    answer = "The answer to '%s' is 42." % prompt
    user = [{"role": "user", "content": {"content": text(prompt)}}]
    tool_spans = []
    # Continue the platform's trace (traceparent), as ADOT's server
    # instrumentation does: one trace per invocation.
    incoming = extract(dict(context.request.headers)) if context.request is not None else None
    with span("invoke_agent Strands Agents", sid, incoming, **{"gen_ai.agent.name": "Strands Agents",
              "gen_ai.request.model": "fake", "gen_ai.agent.tools": json.dumps(sorted(TOOLS))}) as root:
        history = list(user)
        if tools:
            uses = [{"toolUse": {"toolUseId": "call_%d" % i, "name": t, "input": TOOLS[t][1]}} for i, t in enumerate(tools)]
            results = [{"toolResult": {"toolUseId": "call_%d" % i, "status": "success", "content": [{"text": TOOLS[t][2]}]}}
                       for i, t in enumerate(tools)]
            with span("execute_event_loop_cycle", sid):
                with span("chat", sid, **{"gen_ai.request.model": "fake", "gen_ai.usage.input_tokens": 21,
                                         "gen_ai.usage.output_tokens": 7}):
                    event(history, [{"role": "assistant", "content": {"message": json.dumps(uses), "finish_reason": "tool_use"}}])
                for i, t in enumerate(tools):
                    with span("execute_tool " + t, sid, **{"gen_ai.tool.name": t, "gen_ai.tool.call.id": "call_%d" % i,
                                                           "gen_ai.tool.description": TOOLS[t][0],
                                                           "gen_ai.tool.status": "success"}) as ts:
                        event([{"role": "tool", "content": {"content": json.dumps(TOOLS[t][1]), "role": "tool", "id": "call_%d" % i}}],
                              [{"role": "assistant", "content": {"message": text(TOOLS[t][2]), "id": "call_%d" % i}}])
                        tool_spans.append(format(ts.get_span_context().span_id, "016x"))
            history.append({"role": "assistant", "content": {"content": json.dumps(uses)}})
            history.append({"role": "user", "content": {"content": json.dumps(results)}})
        with span("execute_event_loop_cycle", sid):
            with span("chat", sid, **{"gen_ai.request.model": "fake", "gen_ai.usage.input_tokens": 21,
                                     "gen_ai.usage.output_tokens": 7}):
                event(history, [{"role": "assistant", "content": {"message": text(answer), "finish_reason": "end_turn"}}])
        event(user, [{"role": "assistant", "content": {"message": answer + "\n", "finish_reason": "end_turn"}}])
    provider.force_flush(10_000)
    log_provider.force_flush(10_000)
    return {"answer": answer, "traceId": format(root.get_span_context().trace_id, "032x"), "toolSpanIds": tool_spans}


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "8080")))  # the port the platform gives each session
