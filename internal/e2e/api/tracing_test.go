package api_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	"google.golang.org/protobuf/proto"
)

// tracingDrivers are the drivers the tracing tests run under; isolating
// ones skip (with the reason) where the host cannot run them.
var tracingDrivers = []string{"process", "linuxns", "gvisor"}

func requireDriver(t *testing.T, driver string) {
	t.Helper()
	if driver != "process" {
		testenv.RequireImageDriver(t, driver)
	}
}

// gotSpan is one span an agent exported to its session's receiver.
type gotSpan struct {
	Account, RuntimeARN, SessionID string // the receiver's tag
	TraceID, SpanID, ParentSpanID  string
	Name                           string
	Attrs, Resource                map[string]string
}

// otlpRecorder is a SessionOTLP handler factory that decodes OTLP/HTTP
// protobuf trace exports.
type otlpRecorder struct {
	mu    sync.Mutex
	spans []gotSpan
	other []string // non-trace paths agents posted to
}

func (r *otlpRecorder) handler(acct, arn, sid string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if req.URL.Path != "/v1/traces" {
			r.mu.Lock()
			r.other = append(r.other, req.URL.Path)
			r.mu.Unlock()
			w.WriteHeader(http.StatusOK)
			return
		}
		var ex coltracepb.ExportTraceServiceRequest
		if ct := req.Header.Get("Content-Type"); ct != "application/x-protobuf" {
			http.Error(w, "want application/x-protobuf, got "+ct, http.StatusUnsupportedMediaType)
			return
		}
		if err := proto.Unmarshal(body, &ex); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		for _, rs := range ex.ResourceSpans {
			res := kvMap(rs.GetResource().GetAttributes())
			for _, ss := range rs.ScopeSpans {
				for _, sp := range ss.Spans {
					r.spans = append(r.spans, gotSpan{Account: acct, RuntimeARN: arn, SessionID: sid,
						TraceID: hex.EncodeToString(sp.TraceId), SpanID: hex.EncodeToString(sp.SpanId), ParentSpanID: hex.EncodeToString(sp.ParentSpanId),
						Name: sp.Name, Attrs: kvMap(sp.Attributes), Resource: res})
				}
			}
		}
		r.mu.Unlock()
		b, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.Write(b)
	})
}

func kvMap(kvs []*commonpb.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		v := kv.GetValue()
		switch {
		case v.GetStringValue() != "":
			m[kv.Key] = v.GetStringValue()
		default:
			m[kv.Key] = strings.Trim(fmt.Sprint(v.GetValue()), "&{}")
			if iv, ok := v.GetValue().(*commonpb.AnyValue_IntValue); ok {
				m[kv.Key] = fmt.Sprint(iv.IntValue)
			}
		}
	}
	return m
}

// find returns the spans named name of traceID.
func (r *otlpRecorder) find(traceID, name string) []gotSpan {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []gotSpan
	for _, s := range r.spans {
		if s.TraceID == traceID && s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// traceParent makes a fresh W3C traceparent; it returns the header and its
// trace and span ids.
func traceParent(tag string) (header, traceID, spanID string) {
	sum := fmt.Sprintf("%032x", time.Now().UnixNano())
	traceID = sum[len(sum)-24:] + hex.EncodeToString([]byte(tag + "xxxx")[:4])
	spanID = fmt.Sprintf("%016x", time.Now().UnixNano()^0x5a5a)
	return "00-" + traceID + "-" + spanID + "-01", traceID, spanID
}

// invokeTraced invokes arn with a traceparent and returns the agent's JSON.
func invokeTraced(t *testing.T, e *testenv.Env, arn, session, tp string, payload any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(payload)
	out, err := e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{
		AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(session), Payload: b,
		ContentType: aws.String("application/json"), TraceParent: aws.String(tp),
	})
	if err != nil {
		t.Fatalf("InvokeAgentRuntime: %v", err)
	}
	defer out.Response.Close()
	body, _ := io.ReadAll(out.Response)
	m := decode(t, body)
	if m["traced"] != true || m["flushError"] != nil || m["flushed"] == false {
		t.Fatalf("agent did not export its spans: %s", body)
	}
	return m
}

// deployOTelPython deploys testdata/otelagent (bedrock-agentcore + the stock
// OpenTelemetry SDK, configured by the environment only).
func deployOTelPython(t *testing.T, e *testenv.Env, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the pip install of bedrock-agentcore and opentelemetry-sdk")
	}
	files := map[string][]byte{}
	for _, f := range []string{"agent.py", "requirements.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "otelagent", f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = b
	}
	key := fmt.Sprintf("otelagent-%d.zip", time.Now().UnixNano())
	e.Upload(t, "agents", key, testenv.Zip(t, files))
	out, err := e.Control.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String(name), RoleArn: aws.String(testenv.RoleArn),
		AgentRuntimeArtifact: testenv.CodeArtifact(&ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}, testenv.PythonRuntime(), "agent.py"),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitReady(t, *out.AgentRuntimeId, 5*time.Minute)
	return *out.AgentRuntimeArn
}

// TestSessionOTLPReceiver: under every driver, an agent's unchanged OTEL SDK
// (the Go test agent's, and the Python SDK in a bedrock-agentcore agent)
// exports to OTEL_EXPORTER_OTLP_ENDPOINT, which reaches the receiver the
// platform serves inside that session's environment; the receiver knows
// the account, runtime ARN and session; the spans continue the caller's
// trace and carry the resource attributes AgentCore sets.
func TestSessionOTLPReceiver(t *testing.T) {
	for _, driver := range tracingDrivers {
		t.Run(driver, func(t *testing.T) {
			requireDriver(t, driver)
			rec := &otlpRecorder{}
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			cfg.SessionOTLP = rec.handler
			e := testenv.Start(t, cfg)
			check := func(t *testing.T, arn, session, tp, traceID string, m map[string]any) {
				t.Helper()
				ep, _ := m["endpoint"].(string)
				if driver != "process" && ep != "http://127.0.0.1:4318" {
					t.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT = %q, want http://127.0.0.1:4318 in the session's namespace", ep)
				}
				if m["traceId"] != traceID {
					t.Fatalf("agent span is in trace %v, want the caller's %s (traceparent %s)", m["traceId"], traceID, tp)
				}
				deadline := time.Now().Add(15 * time.Second)
				var handle, llm []gotSpan
				for time.Now().Before(deadline) {
					if handle, llm = rec.find(traceID, "agent.handle"), rec.find(traceID, "llm.call"); len(handle) > 0 && len(llm) > 0 {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				if len(handle) != 1 || len(llm) != 1 {
					t.Fatalf("receiver got agent.handle %v, llm.call %v for trace %s", handle, llm, traceID)
				}
				h := handle[0]
				if h.SessionID != session || h.RuntimeARN != arn || h.Account != "123456789012" {
					t.Errorf("receiver tag = %s / %s / %s, want account 123456789012, %s, session %s", h.Account, h.RuntimeARN, h.SessionID, arn, session)
				}
				if h.ParentSpanID != m["parentSpanId"] || h.SpanID != m["spanId"] || llm[0].ParentSpanID != h.SpanID {
					t.Errorf("parentage: agent.handle %s (parent %s), llm.call parent %s; agent said %v", h.SpanID, h.ParentSpanID, llm[0].ParentSpanID, m)
				}
				if h.Resource["cloud.resource_id"] != arn || h.Resource["service.name"] == "" {
					t.Errorf("resource attributes %v: want cloud.resource_id=%s and service.name", h.Resource, arn)
				}
				if llm[0].Attrs["gen_ai.request.model"] != "test-model" {
					t.Errorf("llm.call attributes %v", llm[0].Attrs)
				}
			}
			t.Run("GoSDK", func(t *testing.T) {
				out := e.Deploy(t, "trace_go", nil)
				arn, session := *out.AgentRuntimeArn, testenv.SessionID("otlp-go-"+driver)
				for i := range 2 { // a second invocation reuses the session's receiver
					tp, traceID, _ := traceParent(fmt.Sprintf("go%d", i))
					m := invokeTraced(t, e, arn, session, tp, map[string]any{"action": "trace"})
					check(t, arn, session, tp, traceID, m)
				}
			})
			t.Run("PythonSDK", func(t *testing.T) {
				arn := deployOTelPython(t, e, "trace_py")
				session := testenv.SessionID("otlp-py-" + driver)
				tp, traceID, _ := traceParent("py")
				m := invokeTraced(t, e, arn, session, tp, map[string]any{})
				check(t, arn, session, tp, traceID, m)
			})
		})
	}
}

// TestSessionOTLPWarmPool: an environment started ahead of its session
// records telemetry under the session id it is later bound to.
func TestSessionOTLPWarmPool(t *testing.T) {
	rec := &otlpRecorder{}
	cfg := testenv.Fast()
	cfg.SessionOTLP = rec.handler
	e := testenv.Start(t, cfg)
	out := e.Deploy(t, "trace_pool", func(in *ctl.CreateAgentRuntimeInput) {
		in.EnvironmentVariables = map[string]string{"AGENTCORE_WARM_POOL": "1"}
	})
	arn := *out.AgentRuntimeArn
	e.InvokeJSON(t, arn, testenv.SessionID("pool-first"), map[string]any{}) // fills the pool
	deadline := time.Now().Add(20 * time.Second)
	for e.Server.Sessions().PooledReady() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("warm pool never filled")
		}
		time.Sleep(50 * time.Millisecond)
	}
	session := testenv.SessionID("pool-second")
	tp, traceID, _ := traceParent("pool")
	invokeTraced(t, e, arn, session, tp, map[string]any{"action": "trace"})
	deadline = time.Now().Add(15 * time.Second)
	for len(rec.find(traceID, "agent.handle")) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	got := rec.find(traceID, "agent.handle")
	if len(got) != 1 || got[0].SessionID != session {
		t.Fatalf("pooled environment's spans: %+v, want session %s", got, session)
	}
}

// TestSessionOTLPRespectsRuntimeEndpoint: a runtime that sets its own
// OTEL_EXPORTER_OTLP_ENDPOINT keeps it (its environmentVariables win).
func TestSessionOTLPRespectsRuntimeEndpoint(t *testing.T) {
	rec := &otlpRecorder{}
	cfg := testenv.Fast()
	cfg.SessionOTLP = rec.handler
	e := testenv.Start(t, cfg)
	out := e.Deploy(t, "trace_own", func(in *ctl.CreateAgentRuntimeInput) {
		in.EnvironmentVariables = map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}
	})
	m := e.InvokeJSON(t, *out.AgentRuntimeArn, testenv.SessionID("own-endpoint"), map[string]any{"action": "echo", "envKeys": []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL"}})
	env, _ := m["env"].(map[string]any)
	if env["OTEL_EXPORTER_OTLP_ENDPOINT"] != "http://127.0.0.1:1" {
		t.Fatalf("runtime's own endpoint was replaced: %v", env)
	}
}

// storedSpan is a span as the read API returns it.
type storedSpan struct {
	TraceID      string         `json:"traceId"`
	SpanID       string         `json:"spanId"`
	ParentSpanID string         `json:"parentSpanId"`
	Name         string         `json:"name"`
	SessionID    string         `json:"sessionId"`
	RuntimeARN   string         `json:"runtimeArn"`
	ServiceName  string         `json:"serviceName"`
	Attributes   map[string]any `json:"attributes"`
	Resource     map[string]any `json:"resourceAttributes"`
}

// readAPI GETs path on the server's observability read API.
func readAPI(t *testing.T, e *testenv.Env, path string, into any) int {
	t.Helper()
	resp, err := http.Get(e.URL + "/_agentcore/observability/" + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK && into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("GET %s: %v: %s", path, err, b)
		}
	}
	return resp.StatusCode
}

// TestAgentSpansJoinPlatformTrace: end to end through the platform's own
// receiver, store and read API. The caller sends a traceparent; the
// platform's invocation span continues it and is the parent (or an
// ancestor) of the spans the agent exports with its unchanged SDK; all of
// them are in the caller's trace and the agent's carry the session id.
func TestAgentSpansJoinPlatformTrace(t *testing.T) {
	for _, driver := range tracingDrivers {
		t.Run(driver, func(t *testing.T) {
			requireDriver(t, driver)
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			e := testenv.Start(t, cfg)
			if code := readAPI(t, e, "spans?sessionId="+testenv.SessionID("probe"), nil); code != http.StatusOK {
				t.Skipf("read API GET /_agentcore/observability/spans answers %d: the observability service (span store and read API) is not wired in this build", code)
			}
			t.Run("GoSDK", func(t *testing.T) {
				out := e.Deploy(t, "join_go", nil)
				joinedTrace(t, e, *out.AgentRuntimeArn, testenv.SessionID("join-go-"+driver), map[string]any{"action": "trace"})
			})
			t.Run("PythonSDK", func(t *testing.T) {
				arn := deployOTelPython(t, e, "join_py")
				joinedTrace(t, e, arn, testenv.SessionID("join-py-"+driver), map[string]any{})
			})
		})
	}
}

func joinedTrace(t *testing.T, e *testenv.Env, arn, session string, payload any) {
	t.Helper()
	tp, traceID, callerSpan := traceParent("join")
	m := invokeTraced(t, e, arn, session, tp, payload)
	if m["traceId"] != traceID {
		t.Fatalf("agent span in trace %v, want the caller's %s", m["traceId"], traceID)
	}
	if m["parentSpanId"] == callerSpan {
		t.Skip("the platform passes the caller's traceparent to the agent unchanged: the invocation span's traceparent is not injected into the request to the agent (platform instrumentation missing)")
	}
	byID := map[string]storedSpan{}
	var agentSpan storedSpan
	var chain []string
	deadline := time.Now().Add(30 * time.Second)
	for {
		var tr struct{ Spans []storedSpan }
		if code := readAPI(t, e, "traces/"+traceID, &tr); code != http.StatusOK && code != http.StatusNotFound {
			t.Fatalf("GET traces/%s: %d", traceID, code)
		}
		byID = map[string]storedSpan{}
		for _, s := range tr.Spans {
			byID[s.SpanID] = s
		}
		agentSpan = byID[fmt.Sprint(m["spanId"])]
		_, llmOK := byID[fmt.Sprint(m["llmSpanId"])]
		// Walk up from the agent span's parent: platform spans down from
		// the one whose parent is the caller's span.
		chain = nil
		rooted := false
		for id := agentSpan.ParentSpanID; id != "" && len(chain) < 32; {
			p, ok := byID[id]
			if !ok {
				break
			}
			chain = append(chain, p.Name)
			if p.ParentSpanID == callerSpan {
				rooted = true
				break
			}
			id = p.ParentSpanID
		}
		if agentSpan.SpanID != "" && llmOK && rooted {
			break
		}
		if time.Now().After(deadline) {
			names := []string{}
			for _, s := range tr.Spans {
				names = append(names, fmt.Sprintf("%s(%s<-%s %s)", s.Name, s.SpanID, s.ParentSpanID, s.ServiceName))
			}
			t.Fatalf("trace %s (caller span %s) after 30s: agent span %s found=%v, llm.call found=%v, chain to the caller %v; spans: %v",
				traceID, callerSpan, m["spanId"], agentSpan.SpanID != "", llmOK, chain, names)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if agentSpan.SessionID != session {
		t.Errorf("agent span session = %q, want %q", agentSpan.SessionID, session)
	}
	if agentSpan.RuntimeARN != arn {
		t.Errorf("agent span runtime ARN = %q, want %q", agentSpan.RuntimeARN, arn)
	}
	var sp struct{ Spans []storedSpan }
	readAPI(t, e, "spans?sessionId="+session, &sp)
	found := false
	for _, s := range sp.Spans {
		found = found || s.SpanID == agentSpan.SpanID
	}
	if !found {
		t.Errorf("spans?sessionId=%s does not list the agent's span (%d spans)", session, len(sp.Spans))
	}
	t.Logf("agent.handle <- %s <- caller span %s", strings.Join(chain, " <- "), callerSpan)
}
