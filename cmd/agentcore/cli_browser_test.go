package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

func TestParseViewport(t *testing.T) {
	vp, err := parseViewport("1024X768")
	if err != nil || aws.ToInt32(vp.Width) != 1024 || aws.ToInt32(vp.Height) != 768 {
		t.Fatalf("1024X768: %+v %v", vp, err)
	}
	for _, bad := range []string{"", "1024", "x768", "1024x", "-1x5", "axb"} {
		if _, err := parseViewport(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestPresignLiveView: the printed live-view URL is a SigV4 presigned GET
// (300 s) that the server's verifier accepts for the account of the key;
// after it expires, or with another path, it is refused.
func TestPresignLiveView(t *testing.T) {
	keys, err := sigv4.NewKeys(sigv4.Credential{AccessKeyID: "AKIDCLI", SecretAccessKey: "s3cr3t", Account: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	v := sigv4.New(keys.Lookup, 0)
	creds := credentials.NewStaticCredentialsProvider("AKIDCLI", "s3cr3t", "")
	lv := "http://127.0.0.1:8765/browser-streams/aws.browser.v1/sessions/S1/live-view"
	now := time.Now()
	u, err := presignLiveView(context.Background(), creds, "us-east-1", lv, liveViewExpiry, now)
	if err != nil || !strings.HasPrefix(u, lv+"?") || !strings.Contains(u, "X-Amz-Expires=300") {
		t.Fatalf("presign: %s %v", u, err)
	}
	verify := func(raw string, at time.Time) error {
		pu, _ := url.Parse(raw)
		req := &http.Request{Method: "GET", URL: pu, Host: pu.Host, Header: http.Header{}, RequestURI: pu.RequestURI()}
		v.SetClock(func() time.Time { return at })
		_, err := v.Verify(context.Background(), req)
		return err
	}
	if err := verify(u, now.Add(time.Minute)); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := verify(u, now.Add(6*time.Minute)); err == nil {
		t.Fatal("an expired URL verified")
	}
	if err := verify(strings.Replace(u, "/S1/", "/S2/", 1), now); err == nil {
		t.Fatal("a URL for another session verified")
	}
}
