package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/aws/smithy-go"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// signed builds a request to the server signed at time at with secret.
func signed(t *testing.T, e *testenv.Env, method, path string, body []byte, secret string, at time.Time) *http.Request {
	t.Helper()
	req, _ := http.NewRequest(method, e.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "bedrock-agentcore", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	return req
}

func send(t *testing.T, req *http.Request, body []byte) (int, string, string) {
	t.Helper()
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	json.Unmarshal(b, &m)
	if m.Type != "" && resp.Header.Get("X-Amzn-Errortype") != m.Type {
		t.Errorf("X-Amzn-Errortype %q != __type %q", resp.Header.Get("X-Amzn-Errortype"), m.Type)
	}
	return resp.StatusCode, m.Type, m.Message
}

// TestSigV4Verification: AWS SDK calls signed with the configured key pass;
// another secret, an unknown key, an expired date, a tampered body, an
// unsigned request and bad presigned URLs fail with AWS's error types.
func TestSigV4Verification(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	ctx := context.Background()
	if _, err := e.Control.ListAgentRuntimes(ctx, &ctl.ListAgentRuntimesInput{}); err != nil {
		t.Fatalf("signed SDK call: %v", err)
	}
	badSecret, _ := testenv.ClientsWith(e.URL, testenv.AccessKeyID, "not-the-secret")
	if _, err := badSecret.ListAgentRuntimes(ctx, &ctl.ListAgentRuntimesInput{}); apiCode(err) != sigv4.TypeSignature {
		t.Fatalf("wrong secret: %v", err)
	}
	unknown, _ := testenv.ClientsWith(e.URL, "AKIDUNKNOWNKEY", "secret")
	if _, err := unknown.ListAgentRuntimes(ctx, &ctl.ListAgentRuntimesInput{}); apiCode(err) != sigv4.TypeUnrecognized {
		t.Fatalf("unknown key: %v", err)
	}

	body := []byte(`{"name":"wl-sig"}`)
	path := "/identities/CreateWorkloadIdentity"
	if st, typ, msg := send(t, signed(t, e, "POST", path, body, testenv.SecretAccessKey, time.Now().Add(-16*time.Minute)), nil); st != 403 || typ != sigv4.TypeSignature || !strings.Contains(msg, "Signature expired") {
		t.Fatalf("expired date: %d %s %s", st, typ, msg)
	}
	if st, typ, _ := send(t, signed(t, e, "POST", path, body, testenv.SecretAccessKey, time.Now().Add(20*time.Minute)), nil); st != 403 || typ != sigv4.TypeSignature {
		t.Fatalf("future date: %d %s", st, typ)
	}
	req := signed(t, e, "POST", path, body, testenv.SecretAccessKey, time.Now())
	replay := req.Clone(ctx)
	if st, typ, msg := send(t, req, body); st != 201 {
		t.Fatalf("signed request: %d %s %s", st, typ, msg)
	}
	// The same signature over another body (a tampered replay) fails.
	if st, typ, _ := send(t, replay, []byte(`{"name":"wl-evil"}`)); st != 403 || typ != sigv4.TypeSignature {
		t.Fatalf("tampered body: %d %s", st, typ)
	}
	// An identical replay inside the 15-minute window is what AWS accepts; it
	// reaches the operation (which sees a duplicate).
	if st, typ, _ := send(t, replay, body); st != 409 || typ != "ConflictException" {
		t.Fatalf("identical replay: %d %s", st, typ)
	}
	// Tampered path or header.
	r2 := signed(t, e, "POST", path, body, testenv.SecretAccessKey, time.Now())
	r2.Header.Set("Content-Type", "text/plain")
	if st, typ, _ := send(t, r2, body); st != 403 || typ != sigv4.TypeSignature {
		t.Fatalf("tampered signed header: %d %s", st, typ)
	}
	// X-Amz-Content-Sha256 present: the body must match it.
	r3, _ := http.NewRequest("POST", e.URL+path, bytes.NewReader(body))
	sum := sha256.Sum256(body)
	r3.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey}, r3, hex.EncodeToString(sum[:]), "bedrock-agentcore", "us-east-1", time.Now())
	if st, _, _ := send(t, r3, []byte(`{"name":"wl-evil2"}`)); st == 201 {
		t.Fatalf("body not matching X-Amz-Content-Sha256 was accepted")
	}
	// Unsigned: MissingAuthenticationToken (from a non-extension path).
	r4, _ := http.NewRequest("POST", e.URL+"/runtimes/", nil)
	if st, typ, _ := send(t, r4, nil); st != 403 || typ != sigv4.TypeMissing {
		t.Fatalf("unsigned: %d %s", st, typ)
	}
	r5, _ := http.NewRequest("POST", e.URL+"/runtimes/", nil)
	r5.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=garbage")
	if st, typ, _ := send(t, r5, nil); st != 403 || typ != sigv4.TypeIncomplete {
		t.Fatalf("malformed Authorization: %d %s", st, typ)
	}

	// Presigned query authentication (as the WebSocket endpoint uses it).
	presign := func(expires string, at time.Time) string {
		r, _ := http.NewRequest("POST", e.URL+"/runtimes/?X-Amz-Expires="+expires, nil)
		u, _, err := v4.NewSigner().PresignHTTP(ctx, aws.Credentials{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey},
			r, sigv4.UnsignedPayload, "bedrock-agentcore", "us-east-1", at)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	for _, c := range []struct {
		name    string
		url     string
		status  int
		errType string
	}{
		{"valid", presign("60", time.Now()), 200, ""},
		{"expiry over 300 s", presign("301", time.Now()), 403, sigv4.TypeDenied},
		{"expired", presign("60", time.Now().Add(-2*time.Minute)), 403, sigv4.TypeDenied},
	} {
		r, _ := http.NewRequest("POST", c.url, nil)
		if st, typ, msg := send(t, r, nil); st != c.status || typ != c.errType {
			t.Errorf("presigned %s: %d %s %s", c.name, st, typ, msg)
		}
	}
	tampered := strings.Replace(presign("60", time.Now()), "maxResults", "x", 1) + "&maxResults=1"
	if st, typ, _ := send(t, mustReq(t, "POST", tampered), nil); st != 403 || typ != sigv4.TypeSignature {
		t.Fatalf("presigned URL with an added parameter: %d %s", st, typ)
	}
}

func mustReq(t *testing.T, method, u string) *http.Request {
	r, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestTenantFromAccessKey: each access key acts in its own account.
func TestTenantFromAccessKey(t *testing.T) {
	cfg := testenv.Fast()
	cfg.Credentials = []sigv4.Credential{
		{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey, Account: "123456789012"},
		{AccessKeyID: "AKIDOTHERACCOUNT", SecretAccessKey: "other-secret", Account: "210987654321"},
	}
	e := testenv.Start(t, cfg)
	ctx := context.Background()
	other, _ := testenv.ClientsWith(e.URL, "AKIDOTHERACCOUNT", "other-secret")
	out, err := e.Control.CreateWorkloadIdentity(ctx, &ctl.CreateWorkloadIdentityInput{Name: aws.String("wl-a"), Tags: map[string]string{"team": "blue"}})
	if err != nil {
		t.Fatal(err)
	}
	tags, err := e.Control.ListTagsForResource(ctx, &ctl.ListTagsForResourceInput{ResourceArn: out.WorkloadIdentityArn})
	if err != nil || tags.Tags["team"] != "blue" {
		t.Fatalf("workload identity tags: %v %v", tags, err)
	}
	if _, err := other.ListTagsForResource(ctx, &ctl.ListTagsForResourceInput{ResourceArn: out.WorkloadIdentityArn}); err == nil {
		t.Fatal("another account read the tags")
	}
	if !strings.Contains(*out.WorkloadIdentityArn, ":123456789012:") {
		t.Fatalf("arn %s", *out.WorkloadIdentityArn)
	}
	if _, err := other.GetWorkloadIdentity(ctx, &ctl.GetWorkloadIdentityInput{Name: aws.String("wl-a")}); !isNotFoundCtl(err) {
		t.Fatalf("other account sees wl-a: %v", err)
	}
	o2, err := other.CreateWorkloadIdentity(ctx, &ctl.CreateWorkloadIdentityInput{Name: aws.String("wl-a")})
	if err != nil || !strings.Contains(*o2.WorkloadIdentityArn, ":210987654321:") {
		t.Fatalf("same name in another account: %v %v", o2, err)
	}
}

func isNotFoundCtl(err error) bool { return apiCode(err) == "ResourceNotFoundException" }

// TestNonLoopbackNeedsCredentials: the server refuses to listen beyond
// loopback without credentials; loopback without credentials is local mode.
func TestNonLoopbackNeedsCredentials(t *testing.T) {
	cfg := testenv.Fast()
	cfg.Listen = "0.0.0.0:0"
	cfg.DataDir = t.TempDir()
	_, err := server.Start(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "refusing to listen") {
		t.Fatalf("non-loopback without credentials: %v", err)
	}
	// AGENTCORE_ACCESS_KEY_ID/AGENTCORE_SECRET_ACCESS_KEY (config: TestEnvironment).
	cfg.AccessKeyID, cfg.SecretAccessKey = "AKIDFROMENV", "env-secret"
	srv, err := server.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("non-loopback with credentials from the environment: %v", err)
	}
	srv.Close(context.Background())

	// Loopback, no credentials: local mode accepts any signature.
	local := testenv.Fast()
	local.Credentials = []sigv4.Credential{}
	e := testenv.Start(t, local)
	anyKey, _ := testenv.ClientsWith(e.URL, "AKIDWHATEVER", "whatever")
	if _, err := anyKey.ListAgentRuntimes(context.Background(), &ctl.ListAgentRuntimesInput{}); err != nil {
		t.Fatalf("local mode: %v", err)
	}
	resp, err := http.Post(e.URL+"/runtimes/", "application/json", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("local mode unsigned: %v %v", resp, err)
	}
	resp.Body.Close()
	_ = url.PathEscape
}
