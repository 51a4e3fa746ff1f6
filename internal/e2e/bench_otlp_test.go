package e2e

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// BenchmarkOTLPIngest measures how many spans per second the platform's
// OTLP/HTTP receiver stores (protobuf, 100-span batches of 10 traces, 4
// concurrent exporters, SQLite store), end to end over loopback.
func BenchmarkOTLPIngest(b *testing.B) {
	e := testenv.Start(b, testenv.Fast())
	const perBatch, workers = 100, 4
	batch := func() []byte {
		attr := func(k, v string) *commonpb.KeyValue {
			return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
		}
		now := time.Now()
		spans := make([]*tracepb.Span, 0, perBatch)
		var tid []byte
		for i := 0; i < perBatch; i++ {
			if i%10 == 0 {
				tid = make([]byte, 16)
				rand.Read(tid)
			}
			sid := make([]byte, 8)
			rand.Read(sid)
			spans = append(spans, &tracepb.Span{TraceId: tid, SpanId: sid, Name: "llm.call", Kind: tracepb.Span_SPAN_KIND_CLIENT,
				StartTimeUnixNano: uint64(now.UnixNano()), EndTimeUnixNano: uint64(now.Add(time.Millisecond).UnixNano()),
				Attributes: []*commonpb.KeyValue{attr("session.id", fmt.Sprintf("bench-session-%d", i%7)), attr("gen_ai.request.model", "m")}})
		}
		body, _ := proto.Marshal(&coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
			Resource:   &resourcepb.Resource{Attributes: []*commonpb.KeyValue{attr("service.name", "bench")}},
			ScopeSpans: []*tracepb.ScopeSpans{{Spans: spans}},
		}}})
		return body
	}
	bodies := make([][]byte, 64)
	for i := range bodies {
		bodies[i] = batch()
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed int
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				resp, err := client.Post(e.URL+"/v1/traces", "application/x-protobuf", bytes.NewReader(bodies[i%len(bodies)]))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != 200 {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	took := time.Since(start)
	if failed > 0 {
		b.Fatalf("%d of %d batches failed", failed, b.N)
	}
	b.ReportMetric(float64(b.N*perBatch)/took.Seconds(), "spans/s")
}
