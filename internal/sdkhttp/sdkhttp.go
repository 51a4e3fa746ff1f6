// Package sdkhttp is the HTTP client agentcore's own AWS SDK clients (the
// CLI, tests) use.
package sdkhttp

import (
	"bytes"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// New is the AWS SDK's default HTTP client, except that request bodies are
// read into memory first.
//
// Why: right after Do returns, the SDK closes the request body (smithy-go's
// safe closer, whose WriteTo then returns io.EOF), while net/http may still
// be in its post-body check (one more read of the body after the last byte
// went out). On loopback a server can answer inside that window; the
// transport then takes the EOF for a request write error and closes the
// connection, and reading the response fails with "use of closed network
// connection" (a third of InvokeAgentRuntimeCommand calls when the server
// answers at once; see internal/testenv/httpclient_test.go).
// With an in-memory body the transport never touches the SDK's closer.
func New() aws.HTTPClient { return bufferedBodies{base: awshttp.NewBuildableClient()} }

// NewWith is New with the transport adjusted (e.g. TLS roots, a dialer).
func NewWith(opts ...func(*http.Transport)) aws.HTTPClient {
	return bufferedBodies{base: awshttp.NewBuildableClient().WithTransportOptions(opts...)}
}

type bufferedBodies struct{ base *awshttp.BuildableClient }

func (b bufferedBodies) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return b.base.Do(r)
	}
	data, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return b.base.Do(r)
}
