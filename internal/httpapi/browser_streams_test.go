package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// fakeStreams records what the edge handed it.
type fakeStreams struct {
	mu   sync.Mutex
	seen []string
}

func (f *fakeStreams) record(ctx context.Context, what string) {
	t, _ := tenant.From(ctx)
	f.mu.Lock()
	f.seen = append(f.seen, what+" "+t.Account)
	f.mu.Unlock()
}

func (f *fakeStreams) Automation(ctx context.Context, w http.ResponseWriter, r *http.Request, browserID, sessionID string) error {
	f.record(ctx, "automation "+browserID+" "+sessionID)
	w.WriteHeader(http.StatusTeapot)
	return nil
}

func (f *fakeStreams) LiveView(ctx context.Context, w http.ResponseWriter, r *http.Request, browserID, sessionID, rest string, signed bool) error {
	if rest == "missing" {
		return errs.E(errs.NotFound, "session %s not found", sessionID)
	}
	f.record(ctx, "live-view "+browserID+" "+sessionID+" "+rest+" "+map[bool]string{true: "signed", false: "unsigned"}[signed])
	w.WriteHeader(http.StatusTeapot)
	return nil
}

// TestBrowserStreamRoutes: the automation route requires SigV4 header
// auth; the live-view routes take a presigned URL (verified: an expired or
// tampered one is refused at the edge) or nothing (handed on unsigned, for
// the streams handler's own token); both reach the injected BrowserStreams
// with the path's labels and the signer's account. Without BrowserStreams
// the routes answer UnknownOperationException.
func TestBrowserStreamRoutes(t *testing.T) {
	keys, err := sigv4.NewKeys(sigv4.Credential{AccessKeyID: "AKIDSTREAM", SecretAccessKey: "s3cr3t", Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	fs := &fakeStreams{}
	cfg := httpapi.Config{Tenant: tenant.Tenant{Account: "123456789012", Region: "us-east-1"},
		SigV4: sigv4.New(keys.Lookup, 0), Browser: browser.New(browser.Options{}), BrowserStreams: fs}
	srv := httptest.NewServer(httpapi.New(cfg))
	t.Cleanup(srv.Close)
	base := srv.URL + "/browser-streams/aws.browser.v1/sessions/S1"
	creds := aws.Credentials{AccessKeyID: "AKIDSTREAM", SecretAccessKey: "s3cr3t"}
	empty := sha256.Sum256(nil)
	signHeaders := func(req *http.Request) {
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(empty[:]), "bedrock-agentcore", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	presign := func(url string, at time.Time) string {
		req, _ := http.NewRequest("GET", url, nil)
		q := req.URL.Query()
		q.Set("X-Amz-Expires", "300")
		req.URL.RawQuery = q.Encode()
		u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "bedrock-agentcore", "us-east-1", at)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	do := func(req *http.Request) (int, string) {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("X-Amzn-Errortype") + " " + string(b)
	}
	get := func(url string, sign bool) (int, string) {
		req, _ := http.NewRequest("GET", url, nil)
		if sign {
			signHeaders(req)
		}
		return do(req)
	}

	if code, body := get(base+"/automation", false); code != 403 || !strings.Contains(body, "Missing Authentication Token") {
		t.Fatalf("unsigned automation: %d %s", code, body)
	}
	if code, _ := get(base+"/automation", true); code != http.StatusTeapot {
		t.Fatalf("signed automation: %d", code)
	}
	if code, _ := get(presign(base+"/live-view", time.Now()), false); code != http.StatusTeapot {
		t.Fatalf("presigned live view: %d", code)
	}
	if code, body := get(presign(base+"/live-view", time.Now().Add(-time.Hour)), false); code != 403 {
		t.Fatalf("expired live view URL: %d %s", code, body)
	}
	tampered := strings.Replace(presign(base+"/live-view", time.Now()), "sessions/S1", "sessions/S2", 1)
	if code, body := get(tampered, false); code != 403 {
		t.Fatalf("tampered live view URL: %d %s", code, body)
	}
	if code, _ := get(base+"/live-view/assets/app.js", false); code != http.StatusTeapot {
		t.Fatalf("unsigned live view resource: %d", code)
	}
	if code, body := get(base+"/live-view/missing", false); code != 404 || !strings.HasPrefix(body, "ResourceNotFoundException") {
		t.Fatalf("a handler's error goes through the error table: %d %s", code, body)
	}
	want := []string{
		"automation aws.browser.v1 S1 111122223333",
		"live-view aws.browser.v1 S1  signed 111122223333",
		"live-view aws.browser.v1 S1 assets/app.js unsigned 123456789012",
	}
	fs.mu.Lock()
	got := strings.Join(fs.seen, "\n")
	fs.mu.Unlock()
	if got != strings.Join(want, "\n") {
		t.Fatalf("handler saw:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}

	cfg.BrowserStreams = nil
	bare := httptest.NewServer(httpapi.New(cfg))
	t.Cleanup(bare.Close)
	if code, body := get(bare.URL+"/browser-streams/aws.browser.v1/sessions/S1/automation", true); code != 404 || !strings.HasPrefix(body, "UnknownOperationException") {
		t.Fatalf("no streams handler: %d %s", code, body)
	}
}
