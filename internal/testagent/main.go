// Command testagent is the agent the platform's session tests deploy. It is built with the
// sdk and answers JSON payloads according to their "action" field:
//
//	(default) / "echo"  {"echo": <payload>, "sessionId", "requestId", "pid", "count",
//	                     "headers": <forwarded headers>, "env": {"DOCKER_CONTAINER", "AWS_REGION", <envKeys>...}}
//	"count"             {"count": N, "pid": P, "instance": <random per process>}
//	"stream"            SSE: n events (default 5) {"i": k, "t": <unix nanos>}, delayMs (default 100) apart
//	"sleep"             sleeps ms, then {"slept": ms}
//	"busy"              async task of `seconds` (ping says HealthyBusy), returns {"taskId": id} at once
//	"error"             HTTP status `status` (default 500) with {"error": "requested error"}
//	"crash"             os.Exit(3) mid-request
//	"big"               a JSON body of exactly `bytes` bytes
//	"trace"             with OTEL_EXPORTER_OTLP_ENDPOINT set: spans "agent.handle" (child of the incoming
//	                    traceparent) and "llm.call" exported over OTLP/HTTP configured by the environment
//	                    only, flushed; {"traced", "traceId", "spanId", "llmSpanId", "parentSpanId", "flushError"}
//
// /ws (WebSocket) sends a hello {"hello": "ws", "sessionId", "pid", "instance", "conns": N (connections this
// process has had), "state", "custom": <X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tag>, "subprotocol"},
// echoes binary messages and unknown text, and understands the text commands
// "close <code> <reason>" (the agent closes), "stream <n>" ("tick i" every 20 ms, then "stream done"),
// "interrupt" (stops a stream with "interrupted i"), "set <v>" / "get" (per-process state: "ok",
// "state <v>"), "lastclose" ("lastclose <code> <reason>" of the last connection its peer closed)
// and "big <n>" (an n-byte text message).
//
// Every invocation increments the per-process counter reported as "count". Environment:
// PORT (default 8080), TESTAGENT_START_DELAY_MS delays listening, TESTAGENT_NEVER_LISTEN=1
// never listens.
package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"strconv"
	"time"

	agentcore "github.com/agentcore-dev/agentcore/sdk"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "testagent:", err)
		os.Exit(1)
	}
}

func run() error {
	log := agentcore.DefaultLogger().With("agent", "testagent")
	if ms, err := strconv.Atoi(os.Getenv("TESTAGENT_START_DELAY_MS")); err == nil && ms > 0 {
		log.Info("Delaying start", "ms", ms)
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
	if os.Getenv("TESTAGENT_NEVER_LISTEN") == "1" {
		log.Info("Never listening (TESTAGENT_NEVER_LISTEN=1)")
		time.Sleep(24 * time.Hour) // a bare select{} would be a deadlock panic
	}
	app := agentcore.New(agentcore.WithLogger(log))
	agent := &agent{app: app, pid: os.Getpid(), instance: rand.Text()}
	app.Entrypoint(agent.invoke)
	app.WebSocket(agent.serveWS)
	return app.Run()
}
