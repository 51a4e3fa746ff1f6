package insights

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

const (
	acct  = "123456789012"
	rtARN = "arn:aws:bedrock-agentcore:us-east-1:" + acct + ":runtime/calc_agent-AbCdEfGhIj"
	group = "/aws/bedrock-agentcore/runtimes/calc_agent-AbCdEfGhIj-DEFAULT"
)

func kv(k, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

func bytesOf(n int, b byte) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// newEngine stores, as a hosted agent's per-session OTLP receiver would, two
// sessions of calc_agent (spans and gen_ai event log records) and a
// session of another account.
func newEngine(t *testing.T, at time.Time) *Engine {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "obs.db"))
	if err != nil {
		t.Fatal(err)
	}
	obs := observability.New(observability.Options{Store: st, Retention: -1})
	t.Cleanup(func() { obs.Close(); st.Close() })
	store := func(account, session string, trace byte, at time.Time) {
		scope := &commonpb.InstrumentationScope{Name: "strands.telemetry.tracer"}
		var spans []*tracepb.Span
		for i, name := range []string{"invoke_agent Strands Agents", "chat", "execute_tool calculator"} {
			sp := &tracepb.Span{TraceId: bytesOf(16, trace), SpanId: bytesOf(8, trace+byte(i)), Name: name,
				StartTimeUnixNano: uint64(at.Add(time.Duration(i) * time.Millisecond).UnixNano()),
				EndTimeUnixNano:   uint64(at.Add(time.Second).UnixNano()), Attributes: []*commonpb.KeyValue{kv("gen_ai.operation.name", name[:4])}}
			if i > 0 {
				sp.ParentSpanId = bytesOf(8, trace)
			}
			spans = append(spans, sp)
		}
		tag := observability.Tag{Account: account, SessionID: session, RuntimeARN: rtARN}
		if _, err := obs.IngestTraces(ctx, []*tracepb.ResourceSpans{{ScopeSpans: []*tracepb.ScopeSpans{{Scope: scope, Spans: spans}}}}, tag); err != nil {
			t.Fatal(err)
		}
		body := &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{Values: []*commonpb.KeyValue{kv("input", "what is 6*7?")}}}}
		rec := &logspb.LogRecord{TimeUnixNano: uint64(at.Add(2 * time.Millisecond).UnixNano()), Body: body, TraceId: bytesOf(16, trace),
			SpanId: bytesOf(8, trace+1), Attributes: []*commonpb.KeyValue{kv("event.name", "strands.telemetry.tracer")}}
		if _, err := obs.IngestLogs(ctx, []*logspb.ResourceLogs{{ScopeLogs: []*logspb.ScopeLogs{{Scope: scope, LogRecords: []*logspb.LogRecord{rec}}}}}, tag); err != nil {
			t.Fatal(err)
		}
	}
	store(acct, "session-a", 0x10, at)
	store(acct, "session-b", 0x20, at.Add(time.Minute))
	store("999999999999", "session-a", 0x30, at)
	return &Engine{Obs: obs}
}

func results(t *testing.T, e *Engine, account string, groups []string, from, to time.Time, q string) []map[string]any {
	t.Helper()
	id, err := e.StartQuery(context.Background(), account, "us-east-1", groups, from.Unix(), to.Unix(), q, 0)
	if err != nil {
		t.Fatalf("StartQuery(%q): %v", q, err)
	}
	res, err := e.GetQueryResults(account, id)
	if err != nil || res.Status != "Complete" {
		t.Fatalf("GetQueryResults: %+v %v", res, err)
	}
	var out []map[string]any
	for _, row := range res.Rows {
		for _, f := range row {
			if f.Field == "@message" {
				var doc map[string]any
				if err := json.Unmarshal([]byte(f.Value), &doc); err != nil {
					t.Fatalf("@message %q: %v", f.Value, err)
				}
				out = append(out, doc)
			}
		}
	}
	if float64(len(out)) != res.Stats.RecordsMatched {
		t.Errorf("%d rows, recordsMatched %v", len(out), res.Stats.RecordsMatched)
	}
	return out
}

func TestEngineCollectorQueries(t *testing.T) {
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	e := newEngine(t, at)
	from, to := at.Add(-time.Hour), at.Add(time.Hour)
	q := func(session string) string {
		return "fields @timestamp, @message | filter attributes.session.id = \"" + session + "\" | filter ispresent(scope.name)" +
			" | filter ispresent(traceId) | filter ispresent(spanId) | sort @timestamp asc"
	}
	spans := results(t, e, acct, []string{SpansGroup}, from, to, q("session-a"))
	var names []string
	for _, s := range spans {
		names = append(names, s["name"].(string))
		if s["scope"].(map[string]any)["name"] != "strands.telemetry.tracer" || s["traceId"] != "10101010101010101010101010101010" {
			t.Errorf("span document %v", s)
		}
	}
	if !reflect.DeepEqual(names, []string{"invoke_agent Strands Agents", "chat", "execute_tool calculator"}) {
		t.Errorf("aws/spans of session-a: %q", names)
	}
	logs := results(t, e, acct, []string{group}, from, to, q("session-a"))
	if len(logs) != 1 || logs[0]["body"].(map[string]any)["input"] != "what is 6*7?" || logs[0]["spanId"] != "1111111111111111" ||
		logs[0]["attributes"].(map[string]any)["session.id"] != "session-a" {
		t.Errorf("runtime log group of session-a: %v", logs)
	}
	// The SDK helper's default query; both groups at once; the time window.
	def := "fields @timestamp, @message | filter @message like \"session-b\" | filter ispresent(scope.name) | sort @timestamp asc"
	if got := results(t, e, acct, []string{SpansGroup, group}, from, to, def); len(got) != 4 {
		t.Errorf("session-b in both groups: %d documents, want 4", len(got))
	}
	if got := results(t, e, acct, []string{SpansGroup}, at.Add(30*time.Second), to, q("session-a")); len(got) != 0 {
		t.Errorf("outside the time window: %d documents", len(got))
	}
	// Any endpoint's group holds the runtime's records (the store keeps no endpoint).
	if got := results(t, e, acct, []string{group[:len(group)-len("DEFAULT")] + "prod"}, from, to, q("session-a")); len(got) != 1 {
		t.Errorf("endpoint prod: %d documents", len(got))
	}
	// The limit argument caps a query's own limit.
	id, err := e.StartQuery(context.Background(), acct, "us-east-1", []string{SpansGroup}, from.Unix(), to.Unix(), "fields name | limit 5", 2)
	if res, _ := e.GetQueryResults(acct, id); err != nil || len(res.Rows) != 2 || res.Stats.RecordsMatched != 6 {
		t.Errorf("limit 2: %+v %v", res, err)
	}
}

func TestEngineErrors(t *testing.T) {
	at := time.Now().Truncate(time.Second)
	e := newEngine(t, at)
	now := at
	e.Now = func() time.Time { return now }
	ctx := context.Background()
	start := func(groups []string, from, to int64, q string) error {
		_, err := e.StartQuery(ctx, acct, "us-east-1", groups, from, to, q, 0)
		return err
	}
	var me *MalformedError
	if err := start([]string{SpansGroup}, 0, 1, "stats count(*)"); !errors.As(err, &me) {
		t.Errorf("malformed query: %v", err)
	}
	for _, tc := range []struct {
		groups   []string
		from, to int64
		kind     errs.Kind
	}{
		{nil, 0, 1, errs.Invalid},
		{[]string{SpansGroup}, 10, 9, errs.Invalid},
		{[]string{"/my-app/agent-events"}, 0, 1, errs.NotFound},
		{[]string{"/aws/bedrock-agentcore/runtimes/nohyphen"}, 0, 1, errs.NotFound},
	} {
		if err := start(tc.groups, tc.from, tc.to, "fields @message"); err == nil || errs.KindOf(err) != tc.kind {
			t.Errorf("%v [%d, %d]: %v; want kind %v", tc.groups, tc.from, tc.to, err, tc.kind)
		}
	}
	id, err := e.StartQuery(ctx, acct, "us-east-1", []string{SpansGroup}, 0, at.Unix()+10, "fields @message", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.GetQueryResults("999999999999", id); errs.KindOf(err) != errs.NotFound {
		t.Errorf("another account's query: %v", err)
	}
	if ok, err := e.StopQuery(acct, id); ok || err != nil {
		t.Errorf("StopQuery of a finished query: %v %v", ok, err)
	}
	if _, err := e.StopQuery(acct, "nope"); errs.KindOf(err) != errs.NotFound {
		t.Errorf("StopQuery unknown: %v", err)
	}
	now = now.Add(QueryTTL + time.Second)
	if _, err := e.GetQueryResults(acct, id); errs.KindOf(err) != errs.NotFound {
		t.Errorf("expired query: %v", err)
	}
	// Without a runtime catalogue only aws/spans is listed.
	if gs, err := e.LogGroups(ctx, "", 0); err != nil || !reflect.DeepEqual(gs, []string{SpansGroup}) {
		t.Errorf("LogGroups: %v %v", gs, err)
	}
	if gs, _ := e.LogGroups(ctx, "/aws/", 0); len(gs) != 0 {
		t.Errorf("LogGroups /aws/: %v", gs)
	}
}
