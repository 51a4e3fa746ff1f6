"""A bedrock-agentcore agent instrumented with the stock OpenTelemetry SDK.

Nothing here knows about the platform: the OTLP/HTTP exporter takes its
endpoint from OTEL_EXPORTER_OTLP_ENDPOINT and the resource from
OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME, exactly as on AgentCore. Each
invocation continues the caller's W3C trace (traceparent) with an
"agent.handle" span and a nested "llm.call" span carrying gen_ai attributes,
and flushes before answering.
"""
import os
import time

from bedrock_agentcore.runtime import BedrockAgentCoreApp
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

provider = TracerProvider(resource=Resource.create())
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)
tracer = trace.get_tracer("agentcore.otelagent")

app = BedrockAgentCoreApp()


def incoming_headers(context):
    if context.request is not None:
        return {k.lower(): v for k, v in context.request.headers.items()}
    return {k.lower(): v for k, v in (context.request_headers or {}).items()}


@app.entrypoint
def invoke(payload, context):
    headers = incoming_headers(context)
    parent = TraceContextTextMapPropagator().extract(headers)
    incoming = trace.get_current_span(parent).get_span_context()
    with tracer.start_as_current_span(
        "agent.handle", context=parent, kind=trace.SpanKind.SERVER,
        attributes={"session.id": context.session_id or ""},
    ) as span:
        with tracer.start_as_current_span("llm.call", kind=trace.SpanKind.CLIENT, attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.system": "otelagent",
            "gen_ai.request.model": "test-model",
            "gen_ai.usage.input_tokens": 12,
            "gen_ai.usage.output_tokens": 34,
        }) as llm:
            time.sleep(0.001)
    flushed = provider.force_flush(10_000)
    sc, lc = span.get_span_context(), llm.get_span_context()
    out = {
        "traced": True,
        "flushed": flushed,
        "traceId": format(sc.trace_id, "032x"),
        "spanId": format(sc.span_id, "016x"),
        "llmSpanId": format(lc.span_id, "016x"),
        "endpoint": os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
        "sessionId": context.session_id,
    }
    if incoming.is_valid:
        out["parentSpanId"] = format(incoming.span_id, "016x")
    return out


if __name__ == "__main__":
    app.run()
