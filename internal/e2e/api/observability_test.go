package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

func otlpStr(k, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

// postTrace exports one root span and one child (both tagged with session)
// at time at to url's /v1/traces with the official protobuf types.
func postTrace(t *testing.T, url, session string, trace byte, at time.Time) string {
	t.Helper()
	tid := bytes.Repeat([]byte{trace}, 16)
	mk := func(sid, parent byte, name string) *tracepb.Span {
		s := &tracepb.Span{TraceId: tid, SpanId: bytes.Repeat([]byte{sid}, 8), Name: name, Kind: tracepb.Span_SPAN_KIND_SERVER,
			StartTimeUnixNano: uint64(at.UnixNano()), EndTimeUnixNano: uint64(at.Add(time.Second).UnixNano()),
			Attributes: []*commonpb.KeyValue{otlpStr("session.id", session)}}
		if parent != 0 {
			s.ParentSpanId = bytes.Repeat([]byte{parent}, 8)
		}
		return s
	}
	req := &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{otlpStr("service.name", "e2e-agent"),
			otlpStr("cloud.resource_id", "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/e2e-abc")}},
		ScopeSpans: []*tracepb.ScopeSpans{{Spans: []*tracepb.Span{mk(1, 0, "invoke_agent"), mk(2, 1, "chat model")}}},
	}}}
	body, _ := proto.Marshal(req)
	resp, err := http.Post(url+"/v1/traces", "application/x-protobuf", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	r := &coltracepb.ExportTraceServiceResponse{}
	if resp.StatusCode != 200 || proto.Unmarshal(out, r) != nil || r.PartialSuccess.GetRejectedSpans() != 0 {
		t.Fatalf("POST /v1/traces: %d %q", resp.StatusCode, out)
	}
	return strings.Repeat(fmt.Sprintf("%02x", trace), 16)
}

func getJSON(t *testing.T, url string) map[string]any {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: not JSON: %s", url, b)
	}
	return m
}

func TestObservabilityOTLPQueryBySession(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	session := testenv.SessionID("otlp")
	trace := postTrace(t, e.URL, session, 0x5a, time.Now())
	postTrace(t, e.URL, testenv.SessionID("other"), 0x6b, time.Now())

	obs := e.URL + "/_agentcore/observability"
	sess := getJSON(t, obs+"/sessions/"+session)
	traces, _ := sess["traces"].([]any)
	if len(traces) != 1 || traces[0].(map[string]any)["traceId"] != trace || traces[0].(map[string]any)["spanCount"] != float64(2) ||
		traces[0].(map[string]any)["rootName"] != "invoke_agent" {
		t.Fatalf("session traces: %v", sess)
	}
	tr := getJSON(t, obs+"/traces/"+trace)
	spans, _ := tr["spans"].([]any)
	if len(spans) != 2 || spans[1].(map[string]any)["parentSpanId"] != "0101010101010101" ||
		spans[0].(map[string]any)["runtimeArn"] != "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/e2e-abc" {
		t.Fatalf("trace: %v", tr)
	}
	list := getJSON(t, obs+"/sessions")
	if ss, _ := list["sessions"].([]any); len(ss) != 2 {
		t.Fatalf("sessions: %v", list)
	}
	bySession := getJSON(t, obs+"/spans?sessionId="+session)
	if sp, _ := bySession["spans"].([]any); len(sp) != 2 {
		t.Fatalf("spans by session: %v", bySession)
	}
}

func TestObservabilityAgentLogsStayInTheirSession(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	arn := *e.Deploy(t, "obslogs", nil).AgentRuntimeArn
	sessions := []string{testenv.SessionID("logs-a"), testenv.SessionID("logs-b")}
	const calls = 5
	var wg sync.WaitGroup
	for _, s := range sessions {
		for range calls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.InvokeJSON(t, arn, s, map[string]any{"action": "echo"})
			}()
		}
	}
	wg.Wait()
	for i, s := range sessions {
		other := sessions[1-i]
		var logs []any
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			m := getJSON(t, e.URL+"/_agentcore/observability/logs?limit=1000&sessionId="+s)
			logs, _ = m["logs"].([]any)
			n := 0
			for _, l := range logs {
				if strings.Contains(l.(map[string]any)["body"].(string), "Invocation completed") {
					n++
				}
			}
			if n >= calls {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("session %s: %d completed invocations logged, want %d: %v", s, n, calls, logs)
			}
		}
		for _, l := range logs {
			rec := l.(map[string]any)
			body := rec["body"].(string)
			if rec["sessionId"] != s || strings.Contains(body, other) {
				t.Fatalf("session %s has a foreign line: %v", s, rec)
			}
			if strings.Contains(body, `"sessionId"`) && !strings.Contains(body, s) {
				t.Fatalf("session %s has a line of another session: %s", s, body)
			}
			if rec["runtimeArn"] != arn || (rec["stream"] != "stderr" && rec["stream"] != "stdout") {
				t.Fatalf("record tags: %v", rec)
			}
		}
	}
}

func TestObservabilityRetention(t *testing.T) {
	cfg := testenv.Fast()
	cfg.Retention = time.Second
	e := testenv.Start(t, cfg)
	session := testenv.SessionID("retention")
	postTrace(t, e.URL, session, 0x7c, time.Now().Add(-time.Hour))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		m := getJSON(t, e.URL+"/_agentcore/observability/spans?sessionId="+session)
		if sp, _ := m["spans"].([]any); len(sp) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("old spans were not deleted")
		}
	}
	st := getJSON(t, e.URL+"/_agentcore/observability/stats")
	if st["deleted"].(float64) < 2 {
		t.Fatalf("stats: %v", st)
	}
}

// TestObservabilityQueriesAreTenantScoped: agentcore's observability reads
// answer in the caller's account: a key of another account does not see the
// first account's sessions (they used to be read in the server's default
// account whoever asked).
func TestObservabilityQueriesAreTenantScoped(t *testing.T) {
	cfg := testenv.Fast()
	cfg.Credentials = []sigv4.Credential{
		{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey, Account: "123456789012"},
		{AccessKeyID: "AKIDOTHERACCOUNT01", SecretAccessKey: "other-secret", Account: "210987654321"},
	}
	e := testenv.Start(t, cfg)
	rt := e.Deploy(t, "obs_tenant", nil)
	e.InvokeJSON(t, *rt.AgentRuntimeArn, "obs-tenant-session-0123456789abcdefghijk", map[string]any{"action": "count"})
	get := func(keyID, secret string) []any {
		req, _ := http.NewRequest("GET", e.URL+"/_agentcore/observability/sessions", nil)
		testenv.SignAs(req, nil, keyID, secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Sessions []any }
		json.NewDecoder(resp.Body).Decode(&out)
		return out.Sessions
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(get(testenv.AccessKeyID, testenv.SecretAccessKey)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the owner does not see its session")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if other := get("AKIDOTHERACCOUNT01", "other-secret"); len(other) != 0 {
		t.Fatalf("another account sees %d sessions: %v", len(other), other)
	}
}
