package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// TestOTLPGRPCReceiver: the stock OpenTelemetry Go SDK with its OTLP/gRPC
// exporter (what SDKs use by default on port 4317) exports to the
// platform's gRPC receiver; the spans are read back by session id. A
// malformed log record gets a partial-success answer, not a failure.
func TestOTLPGRPCReceiver(t *testing.T) {
	cfg := testenv.Fast()
	cfg.OTLPGRPCListen = "127.0.0.1:0"
	e := testenv.Start(t, cfg)
	addr := e.Server.OTLPGRPCAddr()
	if addr == "" {
		t.Fatal("no OTLP/gRPC listener")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(addr), otlptracegrpc.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	session := testenv.SessionID("grpc")
	res := resource.NewSchemaless(attribute.String("service.name", "grpc-agent"),
		attribute.String("cloud.resource_id", "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/grpc-abc"))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithResource(res))
	_, root := tp.Tracer("test").Start(ctx, "agent.turn")
	root.SetAttributes(attribute.String("session.id", session), attribute.Int("gen_ai.usage.input_tokens", 12))
	root.End()
	if err := tp.Shutdown(ctx); err != nil {
		t.Fatalf("export over gRPC: %v", err)
	}
	spans := getJSON(t, e.URL+"/_agentcore/observability/spans?sessionId="+session)
	got, _ := spans["spans"].([]any)
	if len(got) != 1 {
		t.Fatalf("spans by session: %v", spans)
	}
	sp := got[0].(map[string]any)
	if sp["name"] != "agent.turn" || sp["serviceName"] != "grpc-agent" || sp["traceId"] != root.SpanContext().TraceID().String() {
		t.Fatalf("span: %v", sp)
	}

	// Logs: one good record and one with a malformed trace id.
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := func(s string) *commonpb.AnyValue {
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: s}}
	}
	resp, err := collogspb.NewLogsServiceClient(conn).Export(ctx, &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{{
		ScopeLogs: []*logspb.ScopeLogs{{LogRecords: []*logspb.LogRecord{
			{TimeUnixNano: uint64(time.Now().UnixNano()), Body: body("hello over grpc"), Attributes: []*commonpb.KeyValue{otlpStr("session.id", session)}},
			{TimeUnixNano: uint64(time.Now().UnixNano()), Body: body("bad ids"), TraceId: []byte{1, 2, 3}},
		}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetPartialSuccess().GetRejectedLogRecords() != 1 {
		t.Fatalf("partial success: %v", resp.GetPartialSuccess())
	}
	logs := getJSON(t, e.URL+"/_agentcore/observability/logs?sessionId="+session)
	if l, _ := logs["logs"].([]any); len(l) != 1 || l[0].(map[string]any)["body"] != "hello over grpc" {
		t.Fatalf("logs by session: %v", logs)
	}

	// A message over the bound is refused with ResourceExhausted.
	big := make([]byte, 33<<20)
	_, err = collogspb.NewLogsServiceClient(conn).Export(ctx, &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{{
		ScopeLogs: []*logspb.ScopeLogs{{LogRecords: []*logspb.LogRecord{{Body: &commonpb.AnyValue{Value: &commonpb.AnyValue_BytesValue{BytesValue: big}}}}}},
	}}}, grpc.MaxCallSendMsgSize(64<<20))
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("oversize export: %v, want ResourceExhausted", err)
	}
}
