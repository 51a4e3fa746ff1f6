package sigv4_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// fuzzNow is the verifier's clock in FuzzVerify, so signed seeds stay valid.
var fuzzNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// FuzzVerify parses and verifies arbitrary SigV4 material (Authorization
// header, X-Amz-Date, X-Amz-Content-Sha256, presigned query parameters,
// method, path and body). Verification never panics; a failure is always a
// typed *sigv4.Error (or a validation error for an oversized body); a
// success names the one configured key, and the same request fails when the
// key's secret is another (no success without the secret); the body reads
// back unchanged after a success. Seeds are requests signed and presigned
// by the aws-sdk-go-v2 signer at the fixed clock.
func FuzzVerify(f *testing.F) {
	for _, s := range signedSeeds(f) {
		f.Add(s.method, s.target, s.auth, s.date, s.sha, s.body)
	}
	f.Add("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256", "", "", "", []byte(nil))
	f.Add("GET", "/", "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260102/us-east-1/bedrock-agentcore/aws4_request, SignedHeaders=, Signature=00", "20260102T030405Z", "", []byte(nil))
	f.Add("POST", "/", "AWS4-HMAC-SHA256 Credential=NOPE/20260102/us-east-1/bedrock-agentcore/aws4_request, SignedHeaders=host, Signature=00", "20260102T030405Z", "UNSIGNED-PAYLOAD", []byte("x"))

	known := &sigv4.Credential{AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cr3t", Account: "123456789012"}
	v := sigv4.New(func(id string) *sigv4.Credential {
		if id == known.AccessKeyID {
			return known
		}
		return nil
	}, 1<<16)
	v.SetClock(func() time.Time { return fuzzNow })
	other := &sigv4.Credential{AccessKeyID: "AKIDTEST", SecretAccessKey: "another", Account: "123456789012"}
	vOther := sigv4.New(func(id string) *sigv4.Credential {
		if id == other.AccessKeyID {
			return other
		}
		return nil
	}, 1<<16)
	vOther.SetClock(func() time.Time { return fuzzNow })

	f.Fuzz(func(t *testing.T, method, target, auth, date, sha string, body []byte) {
		build := func() *http.Request {
			var rd io.Reader
			if body != nil {
				rd = bytes.NewReader(body)
			}
			req, err := http.NewRequest(method, "http://127.0.0.1:8765"+target, rd)
			if err != nil {
				return nil
			}
			req.RequestURI = req.URL.RequestURI()
			for k, val := range map[string]string{"Authorization": auth, "X-Amz-Date": date, "X-Amz-Content-Sha256": sha} {
				if val != "" {
					req.Header.Set(k, val)
				}
			}
			return req
		}
		req := build()
		if req == nil {
			return // not a request a server could receive
		}
		res, err := v.Verify(context.Background(), req)
		if err != nil {
			var se *sigv4.Error
			if !errors.As(err, &se) && errs.KindOf(err) != errs.Invalid {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if se != nil && (se.Type == "" || se.Message == "") {
				t.Fatalf("error without a type or message: %#v", se)
			}
			return
		}
		if res.Credential != known {
			t.Fatalf("verified as %+v, not the configured key", res.Credential)
		}
		if req.Body != nil {
			got, rerr := io.ReadAll(req.Body)
			if rerr == nil && !bytes.Equal(got, body) {
				t.Fatalf("body changed: %q → %q", body, got)
			}
		}
		if _, err := vOther.Verify(context.Background(), build()); err == nil {
			t.Fatalf("verified with another secret: %s %s auth=%q", method, target, auth)
		}
	})
}

type signedSeed struct {
	method, target, auth, date, sha string
	body                            []byte
}

func signedSeeds(t testing.TB) []signedSeed {
	creds := aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cr3t"}
	var out []signedSeed
	for _, c := range []struct {
		method, target string
		body           []byte
		unsigned       bool
	}{
		{"POST", arnPath + "?qualifier=DEFAULT", []byte(`{"prompt":"hi"}`), false},
		{"GET", "/runtimes/a-0123456789/", nil, false},
		{"PUT", "/_agentcore/artifacts/bucket/a/b.zip", []byte("PK\x03\x04"), true},
	} {
		req, _ := http.NewRequest(c.method, "http://127.0.0.1:8765"+c.target, bytes.NewReader(c.body))
		sum := sha256.Sum256(c.body)
		payload := hex.EncodeToString(sum[:])
		if c.unsigned {
			payload = sigv4.UnsignedPayload
			req.Header.Set("X-Amz-Content-Sha256", payload)
		}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, payload, "bedrock-agentcore", "us-east-1", fuzzNow); err != nil {
			t.Fatal(err)
		}
		out = append(out, signedSeed{c.method, c.target, req.Header.Get("Authorization"), req.Header.Get("X-Amz-Date"), req.Header.Get("X-Amz-Content-Sha256"), c.body})
	}
	// A presigned WebSocket URL (the query carries the signature).
	req, _ := http.NewRequest("GET", "http://127.0.0.1:8765"+"/runtimes/a-0123456789/ws", nil)
	q := req.URL.Query()
	q.Set("X-Amz-Expires", "300")
	req.URL.RawQuery = q.Encode()
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, sigv4.UnsignedPayload, "bedrock-agentcore", "us-east-1", fuzzNow)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(signed)
	out = append(out, signedSeed{"GET", u.RequestURI(), "", "", "", nil})
	return out
}

// TestSignedSeedsVerify: the seeds of FuzzVerify are valid requests (so the
// fuzzer starts from accepted input).
func TestSignedSeedsVerify(t *testing.T) {
	known := &sigv4.Credential{AccessKeyID: "AKIDTEST", SecretAccessKey: "s3cr3t", Account: "123456789012"}
	v := sigv4.New(func(id string) *sigv4.Credential { return known }, 0)
	v.SetClock(func() time.Time { return fuzzNow })
	for _, s := range signedSeeds(t) {
		req, _ := http.NewRequest(s.method, "http://127.0.0.1:8765"+s.target, bytes.NewReader(s.body))
		req.RequestURI = req.URL.RequestURI()
		for k, val := range map[string]string{"Authorization": s.auth, "X-Amz-Date": s.date, "X-Amz-Content-Sha256": s.sha} {
			if val != "" {
				req.Header.Set(k, val)
			}
		}
		if _, err := v.Verify(context.Background(), req); err != nil {
			t.Errorf("%s %s: %v", s.method, s.target, err)
		}
	}
}
