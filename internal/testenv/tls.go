package testenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/sdkhttp"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

// TLSTransport trusts only the server's local CA and dials the HTTPS
// listener for every host name, so that https://<host>:<port> reaches the
// server under any name its certificate covers (e.g. tlsca.LocalHost) with
// that name in SNI, certificate check and Host header.
func (e *Env) TLSTransport(t testing.TB) func(*http.Transport) {
	t.Helper()
	if e.TLSURL == "" || e.CAFile == "" {
		t.Fatal("testenv: the server has no HTTPS listener with a local CA (set Config.TLSListen)")
	}
	pem, err := os.ReadFile(e.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("testenv: no certificate in %s", e.CAFile)
	}
	u, _ := url.Parse(e.TLSURL)
	addr := u.Host
	return func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
		tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}
	}
}

// TLSEndpoint is https://<host>:<port of the HTTPS listener>.
func (e *Env) TLSEndpoint(host string) string {
	u, _ := url.Parse(e.TLSURL)
	return "https://" + net.JoinHostPort(host, u.Port())
}

// TLSClients returns SDK clients for the HTTPS listener under host (see
// TLSTransport), signing with the test credentials.
func (e *Env) TLSClients(t testing.TB, host string) (*ctl.Client, *bedrockagentcore.Client) {
	t.Helper()
	endpoint := e.TLSEndpoint(host)
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient:  sdkhttp.NewWith(e.TLSTransport(t)),
	}
	c := ctl.NewFromConfig(cfg, func(o *ctl.Options) { o.BaseEndpoint = aws.String(endpoint) })
	d := bedrockagentcore.NewFromConfig(cfg, func(o *bedrockagentcore.Options) { o.BaseEndpoint = aws.String(endpoint) })
	return c, d
}
