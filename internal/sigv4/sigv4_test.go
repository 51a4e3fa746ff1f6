package sigv4_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const arnPath = "/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A123456789012%3Aruntime%2Fa-0123456789/invocations"

func keys(t testing.TB) *sigv4.Keys {
	k, err := sigv4.NewKeys(sigv4.Credential{AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cr3t", Account: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sign(t testing.TB, body []byte, at time.Time, secret string) *http.Request {
	req, _ := http.NewRequest("POST", "http://127.0.0.1:8765"+arnPath+"?qualifier=DEFAULT", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amzn-Bedrock-Agentcore-Runtime-Session-Id", "session-0123456789-0123456789-0123456789")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), "bedrock-agentcore", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	req.RequestURI = req.URL.RequestURI()
	return req
}

func typeOf(err error) string {
	var e *sigv4.Error
	if errors.As(err, &e) {
		return e.Type
	}
	return ""
}

func TestVerify(t *testing.T) {
	v := sigv4.New(keys(t).Lookup, 1<<20)
	body := []byte(`{"prompt":"hi"}`)
	res, err := v.Verify(context.Background(), sign(t, body, time.Now(), "s3cr3t"))
	if err != nil || res.Credential.Account != "123456789012" {
		t.Fatalf("valid: %v %v", res, err)
	}
	r := sign(t, body, time.Now(), "s3cr3t")
	if _, err := v.Verify(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(r.Body); !bytes.Equal(b, body) {
		t.Fatalf("body not restored: %q", b)
	}
	for name, c := range map[string]struct {
		req  *http.Request
		want string
	}{
		"wrong secret": {sign(t, body, time.Now(), "other"), sigv4.TypeSignature},
		"expired":      {sign(t, body, time.Now().Add(-16*time.Minute), "s3cr3t"), sigv4.TypeSignature},
		"tampered body": {func() *http.Request {
			r := sign(t, body, time.Now(), "s3cr3t")
			r.Body = io.NopCloser(bytes.NewReader([]byte(`{"prompt":"ho"}`)))
			return r
		}(), sigv4.TypeSignature},
		"tampered query": {func() *http.Request {
			r := sign(t, body, time.Now(), "s3cr3t")
			r.URL.RawQuery = "qualifier=v2"
			return r
		}(), sigv4.TypeSignature},
		"unsigned": {func() *http.Request {
			r, _ := http.NewRequest("POST", "http://127.0.0.1:8765/", nil)
			return r
		}(), sigv4.TypeMissing},
	} {
		if _, err := v.Verify(context.Background(), c.req); typeOf(err) != c.want {
			t.Errorf("%s: %v, want %s", name, err, c.want)
		}
	}
}

func TestUnsignedPayloadAndPresign(t *testing.T) {
	v := sigv4.New(keys(t).Lookup, 1<<20)
	ctx := context.Background()
	creds := aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cr3t"}
	req, _ := http.NewRequest("PUT", "http://127.0.0.1:8765/_agentcore/artifacts/b/k.zip", bytes.NewReader([]byte("zip")))
	req.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
	v4.NewSigner().SignHTTP(ctx, creds, req, sigv4.UnsignedPayload, "bedrock-agentcore", "us-east-1", time.Now())
	if _, err := v.Verify(ctx, req); err != nil {
		t.Fatalf("UNSIGNED-PAYLOAD: %v", err)
	}
	req.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
	if _, err := v.Verify(ctx, req); typeOf(err) == "" {
		t.Fatal("streaming payload signing accepted")
	}
	// Presigned GET (as the WebSocket endpoint uses), max 300 s.
	for exp, ok := range map[string]bool{"300": true, "301": false} {
		r, _ := http.NewRequest("GET", "http://127.0.0.1:8765"+strings.Replace(arnPath, "invocations", "ws", 1)+"?X-Amz-Expires="+exp, nil)
		u, _, err := v4.NewSigner().PresignHTTP(ctx, creds, r, sigv4.UnsignedPayload, "bedrock-agentcore", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		pr, _ := http.NewRequest("GET", u, nil)
		if _, err := v.Verify(ctx, pr); (err == nil) != ok {
			t.Fatalf("presigned X-Amz-Expires=%s: %v", exp, err)
		}
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	y := filepath.Join(dir, "c.yaml")
	os.WriteFile(y, []byte("- accessKeyId: AKIDONE\n  secretAccessKey: x\n  account: \"111111111111\"\n"), 0o600)
	j := filepath.Join(dir, "c.json")
	os.WriteFile(j, []byte(`{"credentials":[{"accessKeyId":"AKIDTWO","secretAccessKey":"y","account":"222222222222"}]}`), 0o600)
	for _, p := range []string{y, j} {
		c, err := sigv4.LoadFile(p)
		if err != nil || len(c) != 1 {
			t.Fatalf("%s: %v %v", p, c, err)
		}
		if _, err := sigv4.NewKeys(c...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sigv4.NewKeys(sigv4.Credential{AccessKeyID: "AKIDX", SecretAccessKey: "x", Account: "12"}); err == nil {
		t.Fatal("bad account accepted")
	}
}

// BenchmarkVerify is the per-request cost of SigV4 verification (header
// auth, 1 KiB JSON body hashed, as the AWS SDK for Go sends it).
func BenchmarkVerify(b *testing.B) {
	v := sigv4.New(keys(b).Lookup, 1<<20)
	body := bytes.Repeat([]byte("x"), 1024)
	req := sign(b, body, time.Now(), "s3cr3t")
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req.Body = io.NopCloser(bytes.NewReader(body))
		if _, err := v.Verify(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPresignEmptyBodyHash: botocore's SigV4QueryAuth (used by the
// bedrock-agentcore SDK's generate_presigned_url) signs the empty body's
// hash, not UNSIGNED-PAYLOAD; both presigned forms verify.
func TestPresignEmptyBodyHash(t *testing.T) {
	v := sigv4.New(keys(t).Lookup, 1<<20)
	ctx := context.Background()
	creds := aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cr3t"}
	empty := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	for _, payload := range []string{sigv4.UnsignedPayload, empty} {
		r, _ := http.NewRequest("GET", "http://127.0.0.1:8765"+strings.Replace(arnPath, "invocations", "ws", 1)+"?X-Amz-Expires=300&qualifier=DEFAULT", nil)
		u, _, err := v4.NewSigner().PresignHTTP(ctx, creds, r, payload, "bedrock-agentcore", "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		pr, _ := http.NewRequest("GET", u, nil)
		if _, err := v.Verify(ctx, pr); err != nil {
			t.Fatalf("presigned with payload %s: %v", payload, err)
		}
		bad, _ := http.NewRequest("GET", strings.Replace(u, "qualifier=DEFAULT", "qualifier=OTHER", 1), nil)
		if _, err := v.Verify(ctx, bad); typeOf(err) == "" {
			t.Fatalf("tampered presigned URL (payload %s) accepted", payload)
		}
	}
}

// TestPresignHostWithoutPort: the bedrock-agentcore SDK presigns live-view
// and runtime WebSocket URLs with Host = the host name alone; a client of a
// listener on another port than 443 sends host:port. Both verify; another
// host name, or a tampered URL, does not.
func TestPresignHostWithoutPort(t *testing.T) {
	v := sigv4.New(keys(t).Lookup, 1<<20)
	ctx := context.Background()
	creds := aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cr3t"}
	empty := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	path := "/browser-streams/aws.browser.v1/sessions/01JABCDEF/live-view"
	r, _ := http.NewRequest("GET", "https://agentcore.local.amazonaws.com"+path+"?X-Amz-Expires=300", nil) // signed without the port
	u, _, err := v4.NewSigner().PresignHTTP(ctx, creds, r, empty, "bedrock-agentcore", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	withPort := strings.Replace(u, "agentcore.local.amazonaws.com", "agentcore.local.amazonaws.com:8443", 1)
	pr, _ := http.NewRequest("GET", withPort, nil)
	if _, err := v.Verify(ctx, pr); err != nil {
		t.Fatalf("presigned without the port, sent with it: %v", err)
	}
	other, _ := http.NewRequest("GET", strings.Replace(u, "agentcore.local.amazonaws.com", "other.amazonaws.com:8443", 1), nil)
	if _, err := v.Verify(ctx, other); typeOf(err) != sigv4.TypeSignature {
		t.Fatalf("another host: %v", err)
	}
	tampered, _ := http.NewRequest("GET", strings.Replace(withPort, "01JABCDEF", "01JABCDEG", 1), nil)
	if _, err := v.Verify(ctx, tampered); typeOf(err) != sigv4.TypeSignature {
		t.Fatalf("tampered path: %v", err)
	}
	// Header-signed requests keep the port in the signature.
	hr, _ := http.NewRequest("GET", "https://agentcore.local.amazonaws.com"+path, nil)
	if err := v4.NewSigner().SignHTTP(ctx, creds, hr, empty, "bedrock-agentcore", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	hr.Host = "agentcore.local.amazonaws.com:8443"
	if _, err := v.Verify(ctx, hr); typeOf(err) != sigv4.TypeSignature {
		t.Fatalf("header-signed without the port, sent with it: %v", err)
	}
}
