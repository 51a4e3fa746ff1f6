package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// adapterIn exercises every binding source of the adapter.
type adapterIn struct {
	ID      string            `json:"-" path:"id"`
	Keys    []string          `json:"-" query:"keys"`
	Mode    *string           `json:"-" query:"mode"`
	Session string            `json:"-" header:"X-Amzn-Test-Session"`
	Name    string            `json:"name" required:"true"`
	Count   int               `json:"count"`
	Tags    map[string]string `json:"tags"`
	embeddedPage
}

type embeddedPage struct {
	Limit string `json:"-" query:"limit"`
}

func (in *adapterIn) validate() error {
	if in.Count < 0 {
		return errs.Field("count", "count must not be negative")
	}
	return nil
}

type adapterOut struct {
	Session string         `json:"-" header:"X-Amzn-Test-Session"`
	Echo    *adapterIn     `json:"echo"`
	Mode    string         `json:"mode,omitempty"`
	Extra   map[string]int `json:"extra"`
}

// serveAdapter runs one route through the adapter on a real listener.
func serveAdapter(t *testing.T, status int, h handler) string {
	t.Helper()
	rt := newRouter([]route{{Method: "POST", Path: "/things/{id}", Op: "Test", H: h}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, p, _ := rt.match(r.Method, r.URL.EscapedPath())
		if route == nil {
			http.NotFound(w, r)
			return
		}
		if err := route.H(r.Context(), w, r, p); err != nil {
			writeError(w, slog.New(slog.DiscardHandler), route.Op, err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

type wireAnswer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func postAdapter(t *testing.T, url, body string, hdr map[string]string) wireAnswer {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := wireAnswer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &a.body); err != nil {
			t.Fatalf("answer is not JSON: %q", raw)
		}
	}
	return a
}

func TestAdapterBindsEverySource(t *testing.T) {
	url := serveAdapter(t, http.StatusAccepted, op(http.StatusAccepted, func(ctx context.Context, in *adapterIn) (*adapterOut, error) {
		mode := ""
		if in.Mode != nil {
			mode = *in.Mode
		}
		return &adapterOut{Session: in.Session, Echo: in, Mode: mode}, nil
	}))
	a := postAdapter(t, url+"/things/a%2Fb?keys=x&keys=y&mode=fast&limit=7", `{"name":"n","count":2,"tags":{"k":"v"}}`,
		map[string]string{"X-Amzn-Test-Session": "s1"})
	if a.status != http.StatusAccepted || a.header.Get("X-Amzn-Test-Session") != "s1" || a.header.Get("Content-Type") != "application/json" {
		t.Fatalf("answer %d %v %s", a.status, a.header, a.raw)
	}
	// Bound fields are not body members; the output header field is not either.
	want := `{"echo":{"name":"n","count":2,"tags":{"k":"v"}},"mode":"fast","extra":null}`
	if a.raw != want {
		t.Fatalf("body\n got %s\nwant %s", a.raw, want)
	}
}

func TestAdapterBindsPathQueryAndHeaderIntoInput(t *testing.T) {
	var got adapterIn
	url := serveAdapter(t, http.StatusOK, op(http.StatusOK, func(ctx context.Context, in *adapterIn) (*adapterOut, error) {
		got = *in
		return &adapterOut{}, nil
	}))
	if a := postAdapter(t, url+"/things/a%2Fb?keys=x&keys=y&mode=fast&limit=7", `{"name":"n"}`, map[string]string{"X-Amzn-Test-Session": "s1"}); a.status != 200 {
		t.Fatalf("status %d %s", a.status, a.raw)
	}
	if got.ID != "a/b" || len(got.Keys) != 2 || got.Keys[1] != "y" || got.Mode == nil || *got.Mode != "fast" || got.Session != "s1" || got.Limit != "7" {
		t.Fatalf("bound %+v", got)
	}
	// Absent query and header members stay absent.
	got = adapterIn{}
	postAdapter(t, url+"/things/z", `{"name":"n"}`, nil)
	if got.Keys != nil || got.Mode != nil || got.Session != "" || got.Limit != "" {
		t.Fatalf("absent members bound: %+v", got)
	}
}

func TestAdapterRejectsBadInput(t *testing.T) {
	called := false
	url := serveAdapter(t, http.StatusOK, op(http.StatusOK, func(ctx context.Context, in *adapterIn) (*adapterOut, error) {
		called = true
		return &adapterOut{}, nil
	}))
	for _, c := range []struct{ body, field, reason string }{
		{``, "name", "FieldValidationFailed"},                // empty body = {}: name missing
		{`{"name":""}`, "name", "FieldValidationFailed"},     // empty string is missing
		{`{"name":"n","count":"x"}`, "count", "CannotParse"}, // wrong type
		{`{"name":"n","count":-1}`, "count", "FieldValidationFailed"},
		{`{"name":`, "", "CannotParse"},
	} {
		a := postAdapter(t, url+"/things/a", c.body, nil)
		if a.status != 400 || a.body["__type"] != "ValidationException" || a.body["reason"] != c.reason {
			t.Fatalf("%q: %d %s", c.body, a.status, a.raw)
		}
		if c.field != "" {
			fl, _ := a.body["fieldList"].([]any)
			if len(fl) != 1 || fl[0].(map[string]any)["name"] != c.field {
				t.Fatalf("%q: fieldList %s", c.body, a.raw)
			}
		}
	}
	if called {
		t.Fatal("operation ran on bad input")
	}
}

func TestAdapterOperationErrorsGoThroughTheErrorTable(t *testing.T) {
	url := serveAdapter(t, http.StatusOK, op(http.StatusOK, func(ctx context.Context, in *adapterIn) (*adapterOut, error) {
		return nil, errs.E(errs.NotFound, "thing %s not found", in.ID)
	}))
	a := postAdapter(t, url+"/things/q", `{"name":"n"}`, nil)
	if a.status != 404 || a.body["__type"] != "ResourceNotFoundException" || a.header.Get("X-Amzn-Errortype") != "ResourceNotFoundException" ||
		a.body["message"] != "thing q not found" {
		t.Fatalf("%d %v %s", a.status, a.header, a.raw)
	}
}

func TestAdapterNoContentAndEmptyOutputs(t *testing.T) {
	url := serveAdapter(t, http.StatusNoContent, op(http.StatusNoContent, func(ctx context.Context, in *adapterIn) (*noContent, error) {
		return nil, nil
	}))
	a := postAdapter(t, url+"/things/q", `{"name":"n"}`, nil)
	if a.status != 204 || a.raw != "" || a.header.Get("Content-Type") != "" {
		t.Fatalf("204: %d %v %q", a.status, a.header, a.raw)
	}
	url = serveAdapter(t, http.StatusOK, op(http.StatusOK, func(ctx context.Context, in *adapterIn) (*struct{}, error) {
		return &struct{}{}, nil
	}))
	if a := postAdapter(t, url+"/things/q", `{"name":"n"}`, nil); a.status != 200 || a.raw != "{}" {
		t.Fatalf("empty output: %d %q", a.status, a.raw)
	}
	url = serveAdapter(t, http.StatusOK, op(http.StatusOK, func(ctx context.Context, in *adapterIn) (*adapterOut, error) {
		return nil, nil
	}))
	if a := postAdapter(t, url+"/things/q", `{"name":"n"}`, nil); a.status != 200 || a.raw != "{}" {
		t.Fatalf("nil output: %d %q", a.status, a.raw)
	}
}

func TestAdapterRefusesUntaggedBoundFields(t *testing.T) {
	type bad struct {
		ID string `path:"id"` // no json:"-": it would be a body member too
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a bound field without json:\"-\" was accepted")
		}
	}()
	op(http.StatusOK, func(ctx context.Context, in *bad) (*struct{}, error) { return nil, nil })
}
