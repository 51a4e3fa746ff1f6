package otlphttp

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
)

func TestDecodeJSONHexIDs(t *testing.T) {
	body := `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"py"}}]},
	  "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
	  "parentSpanId":"eee19b7ec3c1b173","name":"invoke","kind":2,"startTimeUnixNano":"1544712660000000000",
	  "endTimeUnixNano":"1544712661000000000","attributes":[{"key":"session.id","value":{"stringValue":"s-json"}},
	  {"key":"n","value":{"intValue":"42"}}],"status":{"code":2}}]}]}]}`
	req, err := decodeTracesJSON([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "o.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := observability.New(observability.Options{Store: st, Retention: -1})
	defer s.Close()
	if n, err := s.IngestTraces(context.Background(), req.GetResourceSpans(), observability.Tag{Account: "111"}); n != 0 || err != nil {
		t.Fatal(n, err)
	}
	out, _, _ := s.Spans(context.Background(), observability.Filter{Account: "111", SessionID: "s-json"})
	if len(out) != 1 || out[0].TraceID != "5b8efff798038103d269b633813fc60c" || out[0].ParentSpanID != "eee19b7ec3c1b173" ||
		out[0].Kind != 2 || !out[0].Error || out[0].Attributes["n"] != float64(42) {
		t.Fatalf("%+v", out)
	}
	for _, bad := range []string{`{`, `{"resourceSpans":"x"}`, `[1,2]`, `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":{}}]}]}]}`} {
		if _, err := decodeTracesJSON([]byte(bad)); !errors.Is(err, observability.ErrInvalid) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
