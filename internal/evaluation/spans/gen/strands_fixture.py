"""Regenerates the Strands fixtures in ../testdata (not run by tests).

Runs a Strands Agent with one tool against a tiny local OpenAI-compatible
server, captures its spans with an in-memory OTel exporter and converts them
with the SDK's own span_to_adot_serializer.

    python3 strands_fixture.py ../testdata/strands_events.json
    OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental,gen_ai_span_attributes_only python3 strands_fixture.py ../testdata/strands_latest.json
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.resources import Resource


def completion(message, finish):
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "fake",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 21, "completion_tokens": 7, "total_tokens": 28},
    }


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        last = req["messages"][-1]
        if last["role"] == "tool":
            body = completion({"role": "assistant", "content": "It is 22 degrees and sunny in Paris."}, "stop")
        elif "Thanks" in json.dumps(last.get("content")):
            body = completion({"role": "assistant", "content": "You're welcome!"}, "stop")
        else:
            body = completion({"role": "assistant", "content": None, "tool_calls": [{
                "id": "call_weather_1", "type": "function",
                "function": {"name": "get_weather", "arguments": json.dumps({"city": "Paris"})}}]}, "tool_calls")
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(out):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "weather-agent"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)

    from strands import Agent, tool
    from strands.models.openai import OpenAIModel

    @tool
    def get_weather(city: str) -> str:
        """Return the weather for a city."""
        return f"22 degrees and sunny in {city}"

    model = OpenAIModel(client_args={"api_key": "x", "base_url": f"http://127.0.0.1:{srv.server_port}/v1"},
                        model_id="fake", stream=False)
    agent = Agent(model=model, tools=[get_weather], system_prompt="You are a weather assistant.",
                  trace_attributes={"session.id": "sess-strands-1"}, callback_handler=None)
    agent("What is the weather in Paris?")
    agent("Thanks!")
    provider.force_flush()
    from bedrock_agentcore.evaluation.span_to_adot_serializer import convert_strands_to_adot
    docs = convert_strands_to_adot(exporter.get_finished_spans())
    with open(out, "w") as f:
        json.dump(docs, f, indent=1, default=str)
    srv.shutdown()


if __name__ == "__main__":
    main(sys.argv[1])
