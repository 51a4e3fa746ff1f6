package httpapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/aws/smithy-go/eventstream"
)

// Golden wire tests: operations are sent by the AWS SDK for Go v2 to a real
// server over a real socket; a recording HTTP client captures the exchange
// as it was on the wire; ids and timestamps are normalised, JSON bodies are
// compared member by member (member order is not part of restJson1), and the
// result must equal testdata/golden/<Service>/<Operation>/<case>.json.
// go test ./internal/httpapi -run Golden -update rewrites the files.

var update = flag.Bool("update", false, "rewrite the golden wire files")

// exchange is one request and response as seen on the wire.
type exchange struct {
	Request  wireRequest  `json:"request"`
	Response wireResponse `json:"response"`
}

type wireRequest struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Query  string          `json:"query,omitempty"`
	Body   json.RawMessage `json:"body,omitempty"`
}

type wireResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// recorder is an SDK HTTP client that keeps the raw exchanges it carried.
type recorder struct {
	next aws.HTTPClient
	mu   sync.Mutex
	seen []rawExchange
}

type rawExchange struct {
	method, path, query string
	reqBody             []byte
	status              int
	header              http.Header
	respBody            []byte
}

func (rc *recorder) Do(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	resp, err := rc.next.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	rc.mu.Lock()
	rc.seen = append(rc.seen, rawExchange{method: req.Method, path: req.URL.EscapedPath(), query: req.URL.RawQuery,
		reqBody: reqBody, status: resp.StatusCode, header: resp.Header.Clone(), respBody: body})
	rc.mu.Unlock()
	return resp, nil
}

func (rc *recorder) take() []rawExchange {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.seen
	rc.seen = nil
	return out
}

// golden runs operations against one server and checks their wire form.
type golden struct {
	t       *testing.T
	e       *testenv.Env
	rec     *recorder
	Control *ctl.Client
	Data    *dp.Client
	names   []replacement // dynamic values -> placeholders
	scrub   []scrubber    // extra rewrites for the next check only
}

type scrubber struct {
	re   *regexp.Regexp
	repl string
}

type replacement struct{ value, name string }

func newGolden(t *testing.T) *golden {
	e := testenv.Start(t, testenv.Fast())
	rec := &recorder{next: testenv.NewSDKHTTPClient()}
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(testenv.AccessKeyID, testenv.SecretAccessKey, ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient:  rec,
	}
	g := &golden{t: t, e: e, rec: rec,
		Control: ctl.NewFromConfig(cfg, func(o *ctl.Options) { o.BaseEndpoint = aws.String(e.URL) }),
		Data:    dp.NewFromConfig(cfg, func(o *dp.Options) { o.BaseEndpoint = aws.String(e.URL) }),
	}
	g.name(e.URL, "<server>")
	return g
}

// name makes every later (and earlier-recorded) occurrence of value read as
// <placeholder> in golden files.
func (g *golden) name(value, placeholder string) {
	if value == "" {
		g.t.Fatalf("naming an empty value as %s", placeholder)
	}
	g.names = append(g.names, replacement{value, placeholder})
	// Longest first, so an ARN is replaced before the id inside it.
	sort.SliceStable(g.names, func(i, j int) bool { return len(g.names[i].value) > len(g.names[j].value) })
}

// scrubbing rewrites matches of re to repl in the next check (values the
// operation makes up each run, such as an agent's clock readings).
func (g *golden) scrubbing(re, repl string) {
	g.scrub = append(g.scrub, scrubber{regexp.MustCompile(re), repl})
}

// check runs call (which must make exactly one SDK request) and compares its
// exchange with testdata/golden/<service>/<operation>/<kase>.json. It
// returns call's error for the caller to assert on.
func (g *golden) check(service, operation, kase string, call func() error) error {
	g.t.Helper()
	defer func() { g.scrub = nil }()
	g.rec.take()
	err := call()
	seen := g.rec.take()
	if len(seen) != 1 {
		g.t.Fatalf("%s/%s/%s: %d exchanges on the wire, want 1 (err %v)", service, operation, kase, len(seen), err)
	}
	g.compare(filepath.Join("testdata", "golden", service, operation, kase+".json"), g.render(seen[0]))
	return err
}

var (
	timeRE = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
)

// normalise replaces named values, timestamps and UUIDs in s.
func (g *golden) normalise(s string) string {
	for _, r := range g.names {
		s = strings.ReplaceAll(s, r.value, r.name)
		if esc := url.PathEscape(r.value); esc != r.value {
			s = strings.ReplaceAll(s, esc, r.name)
		}
		if esc := url.QueryEscape(r.value); esc != r.value {
			s = strings.ReplaceAll(s, esc, r.name)
		}
	}
	for _, sc := range g.scrub {
		s = sc.re.ReplaceAllString(s, sc.repl)
	}
	s = timeRE.ReplaceAllString(s, "<time>")
	return uuidRE.ReplaceAllString(s, "<uuid>")
}

// body renders a body as canonical JSON (members sorted), normalised.
func (g *golden) body(b []byte) json.RawMessage {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		return json.RawMessage(marshal(g.normalise(string(b)))) // not one JSON value (e.g. an event stream): a string
	}
	return json.RawMessage(g.normalise(marshal(epochTimes(v, ""))))
}

// eventStream renders an AWS event stream (application/vnd.amazon.eventstream)
// as its messages in order: each message's headers and its JSON payload.
// The frames' prelude and CRCs are checked by the decoder.
func (g *golden) eventStream(b []byte) json.RawMessage {
	type message struct {
		Headers map[string]string `json:"headers"`
		Payload json.RawMessage   `json:"payload"`
	}
	var msgs []message
	dec := eventstream.NewDecoder()
	r := bytes.NewReader(b)
	for r.Len() > 0 {
		m, err := dec.Decode(r, nil)
		if err != nil {
			g.t.Fatalf("event stream frame %d: %v", len(msgs), err)
		}
		h := map[string]string{}
		for _, hv := range m.Headers {
			h[hv.Name] = hv.Value.String()
		}
		msgs = append(msgs, message{Headers: h, Payload: g.body(m.Payload)})
	}
	return json.RawMessage(marshal(msgs))
}

// marshal encodes v as compact JSON without HTML escapes.
func marshal(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v) //nolint:errcheck // strings and decoded JSON always encode
	return strings.TrimSpace(b.String())
}

// epochTimes replaces epoch-seconds date-time members (named *At or
// *Time, *Date or *timestamp) with <time>.
func epochTimes(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = epochTimes(e, k)
		}
	case []any:
		for i, e := range x {
			x[i] = epochTimes(e, key)
		}
	case json.Number:
		if strings.HasSuffix(key, "At") || strings.HasSuffix(key, "Time") || strings.HasSuffix(key, "Date") || strings.HasSuffix(strings.ToLower(key), "timestamp") {
			return "<time>"
		}
	}
	return v
}

// wireHeaders are the response headers golden files pin.
func wireHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for k := range h {
		switch {
		case k == "Content-Type", strings.HasPrefix(k, "X-Amzn-") && k != "X-Amzn-Requestid" && k != "X-Amzn-Trace-Id":
			out[k] = strings.Join(h.Values(k), ", ")
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (g *golden) render(x rawExchange) []byte {
	q, _ := url.ParseQuery(x.query)
	ex := exchange{
		Request:  wireRequest{Method: x.method, Path: g.normalise(x.path), Query: g.normalise(q.Encode()), Body: g.body(x.reqBody)},
		Response: wireResponse{Status: x.status, Headers: wireHeaders(x.header), Body: g.body(x.respBody)},
	}
	if x.header.Get("Content-Type") == "application/vnd.amazon.eventstream" {
		ex.Response.Body = g.eventStream(x.respBody)
	}
	for k, v := range ex.Response.Headers {
		ex.Response.Headers[k] = g.normalise(v)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ex); err != nil {
		g.t.Fatal(err)
	}
	return out.Bytes()
}

func (g *golden) compare(path string, got []byte) {
	g.t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			g.t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			g.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		g.t.Errorf("%s: %v (run with -update to create it)\ngot:\n%s", path, err, got)
		return
	}
	if !bytes.Equal(want, got) {
		g.t.Errorf("%s: wire form changed\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}
