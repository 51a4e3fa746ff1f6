package openapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/gateway"
)

// TestCallPlainHTTP: a tool call to a plain-http backend (sent by
// internal/h1pool) carries path, header and JSON body; answers become tool
// results (structured JSON, a too-large answer, an HTTP error); a header
// value the pooled client must not send goes to the Transport, which
// refuses it.
func TestCallPlainHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(items))
	defer srv.Close()
	b := New()
	b.MaxResponse = 90
	defer b.Close()
	bd := fmt.Sprintf(`{"method":"post","server":%q,"path":"/items/{id}","params":[{"name":"id","in":"path"},{"name":"X-Tag","in":"header"}],"body":true}`, srv.URL)
	call := func(args map[string]any) (*gateway.Result, error) {
		return b.Call(context.Background(), &gateway.Call{Name: "t___op", Tool: &gateway.Tool{Name: "op", Binding: []byte(bd)}, Arguments: args})
	}
	want := `{"m":"POST","p":"/items/1","tag":"t","body":"{\"k\":1}","accept":"application/json"}`
	for _, c := range []struct {
		id, text string
		isErr    bool
	}{{"1", want, false}, {"big", "the target's response is larger than 90 bytes", true}, {"missing", "HTTP 404: nope\n", true}} {
		res, err := call(map[string]any{"id": c.id, "X-Tag": "t", "body": map[string]any{"k": 1}})
		if err != nil || res.Text != c.text || res.IsError != c.isErr || (c.id == "1") != (string(res.Structured) == want) {
			t.Fatalf("%s: %+v %v", c.id, res, err)
		}
	}
	if _, err := call(map[string]any{"id": "1", "X-Tag": "a\r\nX-Injected: 1"}); err == nil || !bytes.Contains([]byte(err.Error()), []byte("invalid header field value")) {
		t.Fatalf("bad header value: %v", err)
	}
}

// items is the test's backend: it echoes what the call sent, or answers
// too much, or 404.
func items(w http.ResponseWriter, r *http.Request) {
	var body bytes.Buffer
	body.ReadFrom(r.Body)
	switch r.URL.Path {
	case "/items/big":
		w.Write(bytes.Repeat([]byte("x"), 100))
	case "/items/missing":
		http.Error(w, "nope", http.StatusNotFound)
	default:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"m":%q,"p":%q,"tag":%q,"body":%q,"accept":%q}`, r.Method, r.URL.Path, r.Header.Get("X-Tag"), body.Bytes(), r.Header.Get("Accept"))
	}
}
