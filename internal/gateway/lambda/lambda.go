// Package lambda invokes AWS Lambda functions through the Lambda Invoke API
// (POST /2015-03-31/functions/{name}/invocations) at a configurable
// endpoint, so real Lambda, a Lambda emulator or LocalStack all work.
package lambda

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/agentcore-dev/agentcore/internal/gateway"
)

// Invoker implements gateway.Invoker.
type Invoker struct {
	// Endpoint is the Lambda API base URL, e.g. https://lambda.us-east-1.amazonaws.com
	// or http://localhost:4566 (LocalStack).
	Endpoint string
	Region   string
	// Credentials sign requests (SigV4, service "lambda"); nil = unsigned.
	Credentials aws.CredentialsProvider
	Client      *http.Client
	// MaxResponse bounds a function's answer (Lambda: 6 MB).
	MaxResponse int64
}

// New returns an invoker for endpoint.
func New(endpoint, region string, creds aws.CredentialsProvider) *Invoker {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	return &Invoker{Endpoint: endpoint, Region: region, Credentials: creds, Client: &http.Client{Transport: tr}, MaxResponse: 6 << 20}
}

// Invoke calls the function synchronously (RequestResponse).
func (i *Invoker) Invoke(ctx context.Context, fn string, payload, clientContext []byte) ([]byte, error) {
	if i.Endpoint == "" {
		return nil, fmt.Errorf("no Lambda endpoint is configured (--lambda-endpoint)")
	}
	u := i.Endpoint + "/2015-03-31/functions/" + url.PathEscape(fn) + "/invocations"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
	if len(clientContext) > 0 {
		req.Header.Set("X-Amz-Client-Context", base64.StdEncoding.EncodeToString(clientContext))
	}
	if i.Credentials != nil {
		creds, err := i.Credentials.Retrieve(ctx)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(payload)
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "lambda", i.Region, time.Now()); err != nil {
			return nil, err
		}
	}
	resp, err := i.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	max := i.MaxResponse
	if max <= 0 {
		max = 6 << 20
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("function %s returned more than %d bytes", fn, max)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("lambda invoke %s: HTTP %d: %s", fn, resp.StatusCode, bytes.TrimSpace(body))
	}
	if fe := resp.Header.Get("X-Amz-Function-Error"); fe != "" {
		return nil, &gateway.FunctionError{Kind: fe, Payload: body}
	}
	return body, nil
}
