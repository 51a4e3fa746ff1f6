package api_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/agentcore-dev/agentcore/internal/tlsca"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/coder/websocket"
)

// TestTLSListener: --tls-listen serves the same API over HTTPS with a
// certificate from the local CA in --data-dir/tls. The AWS SDK for Go v2,
// trusting only that CA, calls both planes under the names the certificate
// covers (SNI, certificate check and SigV4 Host included), invokes an agent
// (streamed relay) and opens its /ws over wss://; the plain listener keeps
// working; a client that does not trust the CA is refused.
func TestTLSListener(t *testing.T) {
	t.Parallel()
	cfg := testenv.Fast()
	cfg.TLSListen = "127.0.0.1:0"
	e := testenv.Start(t, cfg)
	if !strings.HasPrefix(e.TLSURL, "https://127.0.0.1:") || e.CAFile != filepath.Join(e.DataDir, "tls", tlsca.CAFile) {
		t.Fatalf("TLSURL %q, CAFile %q", e.TLSURL, e.CAFile)
	}
	for name, want := range map[string]os.FileMode{tlsca.CAFile: 0o644, tlsca.CAKeyFile: 0o600, tlsca.ServerFile: 0o644, tlsca.ServerKeyFile: 0o600} {
		st, err := os.Stat(filepath.Join(e.DataDir, "tls", name))
		if err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v mode %v, want %o", name, err, st.Mode().Perm(), want)
		}
	}
	out := e.Deploy(t, "tlsagent", nil)
	for _, host := range []string{tlsca.LocalHost, "bedrock-agentcore.us-east-1.amazonaws.com", "localhost", "127.0.0.1"} {
		control, data := e.TLSClients(t, host)
		got, err := control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: out.AgentRuntimeId})
		if err != nil || aws.ToString(got.AgentRuntimeArn) != aws.ToString(out.AgentRuntimeArn) {
			t.Fatalf("%s: GetAgentRuntime over HTTPS: %v", host, err)
		}
		inv, err := data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{
			AgentRuntimeArn: out.AgentRuntimeArn, Payload: []byte(`{"prompt":"over tls"}`),
			RuntimeSessionId: aws.String("tls-session-0123456789-0123456789-" + strings.ReplaceAll(host, ".", "")),
		})
		if err != nil {
			t.Fatalf("%s: InvokeAgentRuntime over HTTPS: %v", host, err)
		}
		body, err := io.ReadAll(inv.Response)
		inv.Response.Close()
		if err != nil || !strings.Contains(string(body), "over tls") {
			t.Fatalf("%s: invoke answer %q, %v", host, body, err)
		}
	}
	// The plain listener still serves.
	if _, err := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: out.AgentRuntimeId}); err != nil {
		t.Fatalf("plain listener: %v", err)
	}

	t.Run("wss", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(bg, time.Minute)
		defer cancel()
		target := wsEndpoint(e.TLSEndpoint(tlsca.LocalHost), aws.ToString(out.AgentRuntimeArn), nil)
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		if err := v4.NewSigner().SignHTTP(ctx, testCreds, req, emptySHA256, "bedrock-agentcore", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		hdr := http.Header{"X-Amzn-Bedrock-Agentcore-Runtime-Session-Id": {"tls-ws-session-0123456789-0123456789"}}
		for _, k := range []string{"Authorization", "X-Amz-Date"} {
			hdr.Set(k, req.Header.Get(k))
		}
		tr := &http.Transport{}
		e.TLSTransport(t)(tr)
		c, _, err := websocket.Dial(ctx, "wss"+strings.TrimPrefix(target, "https"), &websocket.DialOptions{HTTPHeader: hdr, HTTPClient: &http.Client{Transport: tr}})
		if err != nil {
			t.Fatalf("wss dial: %v", err)
		}
		defer c.CloseNow()
		if m := hello(ctx, t, c); m["hello"] != "ws" {
			t.Fatalf("hello over wss: %v", m)
		}
		if err := c.Write(ctx, websocket.MessageText, []byte("ping over tls")); err != nil {
			t.Fatal(err)
		}
		if _, b, err := c.Read(ctx); err != nil || string(b) != "ping over tls" {
			t.Fatalf("echo over wss: %q %v", b, err)
		}
		c.Close(websocket.StatusNormalClosure, "")
	})

	t.Run("untrusted", func(t *testing.T) {
		cl := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}
		_, err := cl.Get(e.TLSURL + "/ping")
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Fatalf("client without the CA: %v, want an unknown-authority error", err)
		}
		// Plain HTTP on the TLS port is answered with an HTTP 400, not served.
		resp, err := http.Get("http" + strings.TrimPrefix(e.TLSURL, "https") + "/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("plain HTTP to the TLS port: %d", resp.StatusCode)
			}
		}
	})
}

// TestTLSCertificateLifecycle: a restart on the same --data-dir keeps the
// CA and the certificate; new --tls-hosts names reissue the certificate
// under the same CA; --tls-cert/--tls-key replace the local CA; without
// credentials a non-loopback --tls-listen is refused.
func TestTLSCertificateLifecycle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	start := func(mod func(*server.Config)) *testenv.Env {
		cfg := testenv.Fast()
		cfg.DataDir, cfg.TLSListen = dir, "127.0.0.1:0"
		if mod != nil {
			mod(&cfg)
		}
		return testenv.Start(t, cfg)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, "tls", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	e1 := start(nil)
	ca, leaf := read(tlsca.CAFile), read(tlsca.ServerFile)
	e1.Stop()

	e2 := start(nil)
	if read(tlsca.CAFile) != ca || read(tlsca.ServerFile) != leaf {
		t.Fatal("restart with the same settings replaced the CA or the certificate")
	}
	e2.Stop()

	e3 := start(func(c *server.Config) { c.TLSHosts = "box.example.test,192.0.2.10"; c.Region = "eu-west-1" })
	if read(tlsca.CAFile) != ca || read(tlsca.ServerFile) == leaf {
		t.Fatal("new names: want the same CA and a new certificate")
	}
	for _, name := range []string{"box.example.test", "bedrock-agentcore.eu-west-1.amazonaws.com", "bedrock-agentcore-control.eu-west-1.amazonaws.com"} {
		c, err := tls.Dial("tcp", strings.TrimPrefix(e3.TLSURL, "https://"), &tls.Config{RootCAs: caPool(t, ca), ServerName: name})
		if err != nil {
			t.Fatalf("handshake as %s: %v", name, err)
		}
		c.Close()
	}
	e3.Stop()

	// Own certificate and key: served as given, no CA file reported.
	own, err := tlsca.Ensure(t.TempDir(), []string{"own.example.test"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e4 := start(func(c *server.Config) { c.TLSCert, c.TLSKey = own.Cert, own.Key })
	if e4.CAFile != "" {
		t.Fatalf("TLSCAFile with --tls-cert: %q", e4.CAFile)
	}
	c, err := tls.Dial("tcp", strings.TrimPrefix(e4.TLSURL, "https://"), &tls.Config{RootCAs: own.CertPool(), ServerName: "own.example.test"})
	if err != nil {
		t.Fatalf("handshake with --tls-cert: %v", err)
	}
	c.Close()
	e4.Stop()

	// Bad key file: the start fails and names the setting.
	bad := testenv.Fast()
	bad.DataDir, bad.TLSListen, bad.TLSCert, bad.TLSKey = t.TempDir(), "127.0.0.1:0", own.Cert, own.Cert
	if _, err := server.Start(bg, bad); err == nil || !strings.Contains(err.Error(), "--tls-cert/--tls-key") {
		t.Fatalf("start with a certificate as key: %v", err)
	}
	// Local mode (no credentials) refuses a non-loopback HTTPS listener.
	open := server.Config{Config: config.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", TLSListen: "0.0.0.0:0", Sandbox: "process"}}
	if _, err := server.Start(bg, open); err == nil || !strings.Contains(err.Error(), "refusing to listen on 0.0.0.0:0 without credentials") {
		t.Fatalf("local mode with --tls-listen 0.0.0.0:0: %v", err)
	}
}

func caPool(t *testing.T, pem string) *x509.CertPool {
	t.Helper()
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM([]byte(pem)) {
		t.Fatal("no CA certificate")
	}
	return p
}
