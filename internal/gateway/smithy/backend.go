package smithy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/gateway/openapi"
)

// Backend implements gateway.Backend for Smithy targets.
type Backend struct {
	// Endpoint, when set, receives every Smithy call (e.g. LocalStack or a
	// test server); otherwise https://{endpointPrefix}.{Region}.amazonaws.com.
	Endpoint    string
	Region      string
	Credentials aws.CredentialsProvider // nil = unsigned
	Client      *http.Client
}

// New returns a backend.
func New(endpoint, region string, creds aws.CredentialsProvider) *Backend {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 128
	return &Backend{Endpoint: strings.TrimRight(endpoint, "/"), Region: region, Credentials: creds, Client: &http.Client{Transport: tr}}
}

// Tools validates the model and lists the service's operations.
func (b *Backend) Tools(_ context.Context, _ *gateway.Target, doc []byte, _ *gateway.Auth) ([]gateway.Tool, error) {
	m, svc, err := parseModel(doc)
	if err != nil {
		return nil, err
	}
	s := m.Shapes[svc]
	proto := ""
	for _, p := range []string{"aws.protocols#restJson1", "aws.protocols#awsJson1_0", "aws.protocols#awsJson1_1"} {
		if _, ok := s.Traits[p]; ok {
			proto = strings.TrimPrefix(p, "aws.protocols#")
		}
	}
	if proto == "" {
		return nil, errs.Field(field, "service %s declares no supported protocol (aws.protocols#restJson1, awsJson1_0 or awsJson1_1)", svc)
	}
	var awsSvc struct {
		EndpointPrefix string `json:"endpointPrefix"`
		ArnNamespace   string `json:"arnNamespace"`
	}
	if raw, ok := s.Traits["aws.api#service"]; ok {
		json.Unmarshal(raw, &awsSvc) //nolint:errcheck // optional
	}
	signing := awsSvc.ArnNamespace
	var sig struct {
		Name string `json:"name"`
	}
	if raw, ok := s.Traits["aws.auth#sigv4"]; ok && json.Unmarshal(raw, &sig) == nil && sig.Name != "" {
		signing = sig.Name
	}
	ops, err := m.operations(svc)
	if err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return nil, errs.Field(field, "service %s has no operations", svc)
	}
	var tools []gateway.Tool
	for _, id := range ops {
		op := m.Shapes[id]
		in := map[string]any{"type": "object", "properties": map[string]any{}}
		bd := binding{Protocol: proto, Service: shortName(svc), Prefix: awsSvc.EndpointPrefix, SigningName: signing, Operation: shortName(id)}
		if op.Input != nil && op.Input.Target != "smithy.api#Unit" {
			if in, err = m.schema(op.Input.Target, 0); err != nil {
				return nil, err
			}
			delete(in, "description")
		}
		if proto == "restJson1" {
			var h struct {
				Method string `json:"method"`
				URI    string `json:"uri"`
			}
			raw, ok := op.Traits["smithy.api#http"]
			if !ok || json.Unmarshal(raw, &h) != nil || h.Method == "" || h.URI == "" {
				return nil, errs.Field(field, "operation %s has no smithy.api#http trait (required for restJson1)", id)
			}
			bd.Method, bd.URI = h.Method, h.URI
			if op.Input != nil {
				bd.Location = m.locations(op.Input.Target)
			}
		}
		bb, _ := json.Marshal(bd)
		ib, _ := json.Marshal(in)
		tools = append(tools, gateway.Tool{Name: shortName(id), Description: traitString(op.Traits, "smithy.api#documentation"), InputSchema: ib, Binding: bb})
	}
	return tools, nil
}

// locations maps input members to their HTTP bindings.
func (m *model) locations(input string) map[string]string {
	out := map[string]string{}
	s := m.Shapes[input]
	for n, mb := range s.Members {
		switch {
		case mb.Traits["smithy.api#httpLabel"] != nil:
			out[n] = "label"
		case mb.Traits["smithy.api#httpQuery"] != nil:
			var q string
			json.Unmarshal(mb.Traits["smithy.api#httpQuery"], &q) //nolint:errcheck // name required by Smithy
			out[n] = "query:" + q
		case mb.Traits["smithy.api#httpHeader"] != nil:
			var h string
			json.Unmarshal(mb.Traits["smithy.api#httpHeader"], &h) //nolint:errcheck // name required by Smithy
			out[n] = "header:" + h
		case mb.Traits["smithy.api#httpPayload"] != nil:
			out[n] = "payload"
		}
	}
	return out
}

// Call sends the operation over the service's protocol.
func (b *Backend) Call(ctx context.Context, c *gateway.Call) (*gateway.Result, error) {
	var bd binding
	if err := json.Unmarshal(c.Tool.Binding, &bd); err != nil {
		return nil, fmt.Errorf("tool %s has no Smithy binding: %w", c.Name, err)
	}
	base := b.Endpoint
	if base == "" {
		if bd.Prefix == "" {
			return nil, fmt.Errorf("service %s has no aws.api#service endpointPrefix and no Smithy endpoint is configured", bd.Service)
		}
		base = "https://" + bd.Prefix + "." + b.Region + ".amazonaws.com"
	}
	var req *http.Request
	var body []byte
	var err error
	if bd.Protocol == "restJson1" {
		req, body, err = restRequest(ctx, base, &bd, c.Arguments)
	} else {
		body, _ = json.Marshal(c.Arguments)
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/", bytes.NewReader(body))
		if err == nil {
			v := "1.0"
			if bd.Protocol == "awsJson1_1" {
				v = "1.1"
			}
			req.Header.Set("Content-Type", "application/x-amz-json-"+v)
			req.Header.Set("X-Amz-Target", bd.Service+"."+bd.Operation)
		}
	}
	if err != nil {
		return nil, err
	}
	if c.Auth != nil {
		for k, v := range c.Auth.Headers {
			req.Header.Set(k, v)
		}
	}
	if b.Credentials != nil {
		creds, err := b.Credentials.Retrieve(ctx)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		name := bd.SigningName
		if name == "" {
			name = bd.Prefix
		}
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), name, b.Region, time.Now()); err != nil {
			return nil, err
		}
	}
	resp, err := b.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return openapi.Read(resp, 10<<20)
}

func restRequest(ctx context.Context, base string, bd *binding, args map[string]any) (*http.Request, []byte, error) {
	path, query, _ := strings.Cut(bd.URI, "?")
	q, _ := url.ParseQuery(query)
	hdr := http.Header{}
	bodyArgs := map[string]any{}
	var payload any
	hasPayload := false
	for k, v := range args {
		loc := bd.Location[k]
		s := fmt.Sprint(v)
		if str, ok := v.(string); ok {
			s = str
		}
		switch {
		case loc == "label":
			path = strings.ReplaceAll(path, "{"+k+"+}", s)
			path = strings.ReplaceAll(path, "{"+k+"}", url.PathEscape(s))
		case strings.HasPrefix(loc, "query:"):
			q.Set(strings.TrimPrefix(loc, "query:"), s)
		case strings.HasPrefix(loc, "header:"):
			hdr.Set(strings.TrimPrefix(loc, "header:"), s)
		case loc == "payload":
			payload, hasPayload = v, true
		default:
			bodyArgs[k] = v
		}
	}
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var body []byte
	if hasPayload {
		body, _ = json.Marshal(payload)
	} else if len(bodyArgs) > 0 {
		body, _ = json.Marshal(bodyArgs)
	}
	req, err := http.NewRequestWithContext(ctx, strings.ToUpper(bd.Method), u, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header = hdr
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, body, nil
}
