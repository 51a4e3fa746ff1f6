package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
)

// benchSpans are n spans shaped like the platform's InvokeAgentRuntime span
// (its attributes and the SDK resource), each of its own trace.
func benchSpans(n, seq int) []observability.Span {
	base := time.Now().UTC()
	res := map[string]any{"service.name": "agentcore", "service.version": "dev", "telemetry.sdk.language": "go",
		"telemetry.sdk.name": "opentelemetry", "telemetry.sdk.version": "1.40.0"}
	arn := "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/bench_rt-abcdefghij"
	sess := "bench-session-0123456789abcdef0123456789"
	out := make([]observability.Span, n)
	for i := range out {
		k := seq*n + i
		out[i] = observability.Span{Account: "123456789012", TraceID: fmt.Sprintf("%016x%016x", uint64(k)*0x9e3779b97f4a7c15, k),
			SpanID: fmt.Sprintf("%016x", uint64(k)*0xbf58476d1ce4e5b9|1), SessionID: sess, RuntimeARN: arn, ServiceName: "agentcore",
			Name: "InvokeAgentRuntime", Kind: 2, Start: base.Add(time.Duration(i)), End: base.Add(time.Duration(i) + 300*time.Microsecond),
			Resource: res, Attributes: map[string]any{
				"rpc.system": "aws-api", "rpc.system.name": "aws-api", "aws.request_id": fmt.Sprintf("%08x-1234-4567-89ab-0123456789ab", k),
				"http.request.method": "POST", "rpc.service": "bedrock-agentcore", "rpc.method": "InvokeAgentRuntime",
				"http.response.status_code": int64(200), "gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": "aws.bedrock",
				"gen_ai.agent.id": "bench_rt-abcdefghij", "gen_ai.agent.name": "bench_rt", "gen_ai.conversation.id": sess,
				"session.id": sess, "aws.agentcore.runtime.arn": arn, "aws.agentcore.runtime.endpoint": "DEFAULT",
				"http.response.body.size": int64(30), "aws.agentcore.runtime.version": int64(1), "gen_ai.agent.version": int64(1),
				"http.request.body.size": int64(45), "agentcore.ttfb_ms": 0.25, "agentcore.agent.status_code": int64(200)}}
	}
	return out
}

// benchLogs are n agent log lines (JSON, with trace ids) of one session.
func benchLogs(n, seq int) []observability.LogRecord {
	base := time.Now().UTC()
	out := make([]observability.LogRecord, n)
	for i := range out {
		k := seq*n + i
		tid, sid := fmt.Sprintf("%016x%016x", uint64(k)*0x9e3779b97f4a7c15, k), fmt.Sprintf("%016x", uint64(k)*0xbf58476d1ce4e5b9|1)
		out[i] = observability.LogRecord{Account: "123456789012", Time: base.Add(time.Duration(i)), SessionID: "bench-session-0123456789abcdef0123456789",
			TraceID: tid, SpanID: sid, RuntimeARN: "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/bench_rt-abcdefghij",
			Stream: "stdout", Severity: "INFO",
			Body: `{"time":"2026-12-07T22:00:00.000Z","level":"INFO","msg":"invocation","agent":"testagent","trace_id":"` + tid + `","span_id":"` + sid + `"}`}
	}
	return out
}

// BenchmarkInsertSpans stores batches of 1024 invoke-shaped spans (as the
// SDK batch processor hands them over) into a growing table: ns/op and the
// span-us metric are per span.
func BenchmarkInsertSpans(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "obs.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const batch = 1024
	batches := make([][]observability.Span, 16)
	for i := range batches {
		batches[i] = benchSpans(batch, i)
	}
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for i := 0; i < b.N; i += batch {
		sp := batches[(i/batch)%len(batches)]
		for j := range sp { // fresh ids: every row is new
			sp[j].SpanID = fmt.Sprintf("%016x", uint64(i+j)*0xbf58476d1ce4e5b9|1)
		}
		if err := s.InsertSpans(ctx, sp); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInsertLogs stores batches of 1024 agent log lines; per line.
func BenchmarkInsertLogs(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "obs.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const batch = 1024
	logs := benchLogs(batch, 0)
	b.ResetTimer()
	defer reportCPU(b, cpuTime())
	for i := 0; i < b.N; i += batch {
		if err := s.InsertLogs(ctx, logs); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime is the process's user+system CPU time: on a shared machine it
// moves far less with other load than the wall time does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru) //nolint:errcheck // zero on failure
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per op since start as cpu-us/op.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N), "cpu-us/op")
}
