// Package openapi turns OpenAPI 3 documents into gateway tools (one per
// operation, named by operationId) and carries tool calls to the described
// HTTP API.
package openapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/h1pool"
)

const field = "targetConfiguration.mcp.openApiSchema"

// Backend implements gateway.Backend for OpenAPI targets.
type Backend struct {
	Client *http.Client
	// MaxResponse bounds a response body (default 10 MiB).
	MaxResponse int64

	bindings bindingCache
	h1       *h1pool.Hosts                         // nil: every call goes through Client
	proxy    func(*http.Request) (*url.URL, error) // the Transport's proxy choice, for h1
}

// New returns a backend with pooled connections: plain-http backends are
// called over keep-alive connections in the calling goroutine
// (internal/h1pool), the rest (TLS, proxies, headers the Transport refuses)
// through an http.Client.
func New() *Backend {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 512, 256
	tr.ResponseHeaderTimeout = 5 * time.Minute
	return &Backend{Client: &http.Client{Transport: tr}, MaxResponse: 10 << 20,
		h1:    &h1pool.Hosts{Dial: tr.DialContext, MaxIdle: tr.MaxIdleConnsPerHost, IdleTimeout: tr.IdleConnTimeout, Replay: h1pool.Idempotent},
		proxy: tr.Proxy}
}

// Close closes the backend's idle connections.
func (b *Backend) Close() {
	if b.h1 != nil {
		b.h1.CloseIdle()
	}
	b.Client.CloseIdleConnections()
}

// binding is what a call needs to know about its operation.
type binding struct {
	Method string  `json:"method"`
	Server string  `json:"server"`
	Path   string  `json:"path"`
	Params []param `json:"params,omitempty"`
	Body   bool    `json:"body,omitempty"`

	method string // Method in upper case (set when decoded for a call)
}

type param struct {
	Name string `json:"name"`
	In   string `json:"in"`
}

// Tools parses and validates the document and lists its operations.
func (b *Backend) Tools(ctx context.Context, _ *gateway.Target, doc []byte, _ *gateway.Auth) ([]gateway.Tool, error) {
	if len(strings.TrimSpace(string(doc))) == 0 {
		return nil, errs.Field(field, "the OpenAPI document is empty")
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	d, err := loader.LoadFromData(doc)
	if err != nil {
		return nil, errs.Field(field, "the OpenAPI document cannot be parsed: %v", err)
	}
	if d.OpenAPI == "" || !strings.HasPrefix(d.OpenAPI, "3.") {
		return nil, errs.Field(field, "only OpenAPI 3.x documents are supported (the document's openapi field is %q)", d.OpenAPI)
	}
	if err := d.Validate(ctx, openapi3.DisableExamplesValidation()); err != nil {
		return nil, errs.Field(field, "the OpenAPI document is invalid: %v", err)
	}
	server, err := serverURL(d)
	if err != nil {
		return nil, err
	}
	if d.Paths == nil || d.Paths.Len() == 0 {
		return nil, errs.Field(field, "the OpenAPI document has no paths")
	}
	paths := d.Paths.Map()
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var tools []gateway.Tool
	for _, p := range keys {
		item := paths[p]
		ops := item.Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			op := ops[m]
			if op.OperationID == "" {
				return nil, errs.Field(field, "operation %s %s has no operationId (every operation needs one to become a tool)", m, p)
			}
			t, err := tool(server, p, m, item, op)
			if err != nil {
				return nil, err
			}
			tools = append(tools, t)
		}
	}
	return tools, nil
}

func serverURL(d *openapi3.T) (string, error) {
	if len(d.Servers) == 0 || d.Servers[0] == nil {
		return "", errs.Field(field, "the OpenAPI document has no servers entry; add servers[0].url with the API's base URL")
	}
	s := d.Servers[0]
	u := s.URL
	for name, v := range s.Variables {
		u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
	}
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return "", errs.Field(field, "servers[0].url %q is not an absolute http(s) URL", s.URL)
	}
	return strings.TrimRight(u, "/"), nil
}

func tool(server, path, method string, item *openapi3.PathItem, op *openapi3.Operation) (gateway.Tool, error) {
	props := map[string]any{}
	var required []string
	bd := binding{Method: method, Server: server, Path: path}
	params := append(openapi3.Parameters{}, item.Parameters...)
	params = append(params, op.Parameters...)
	for _, pr := range params {
		if pr == nil || pr.Value == nil {
			continue
		}
		p := pr.Value
		if p.In == "cookie" {
			continue
		}
		var sch map[string]any
		if p.Schema != nil {
			sch = convert(p.Schema, 0)
		} else {
			sch = map[string]any{"type": "string"}
		}
		if p.Description != "" {
			sch["description"] = p.Description
		}
		if _, dup := props[p.Name]; dup {
			return gateway.Tool{}, errs.Field(field, "operation %s has two parameters named %q", op.OperationID, p.Name)
		}
		props[p.Name] = sch
		if p.Required || p.In == "path" {
			required = append(required, p.Name)
		}
		bd.Params = append(bd.Params, param{Name: p.Name, In: p.In})
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		mt := rb.Value.Content.Get("application/json")
		if mt == nil {
			for ct, m := range rb.Value.Content {
				if strings.HasSuffix(ct, "+json") {
					mt = m
				}
			}
		}
		if mt != nil {
			sch := map[string]any{}
			if mt.Schema != nil {
				sch = convert(mt.Schema, 0)
			}
			if rb.Value.Description != "" {
				sch["description"] = rb.Value.Description
			}
			if _, dup := props["body"]; dup {
				return gateway.Tool{}, errs.Field(field, "operation %s has a parameter named body and a request body", op.OperationID)
			}
			props["body"] = sch
			if rb.Value.Required {
				required = append(required, "body")
			}
			bd.Body = true
		}
	}
	in := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		in["required"] = required
	}
	desc := op.Summary
	if op.Description != "" {
		if desc != "" {
			desc += ". "
		}
		desc += op.Description
	}
	ib, _ := json.Marshal(in)
	bb, _ := json.Marshal(bd)
	return gateway.Tool{Name: op.OperationID, Description: desc, InputSchema: ib, Binding: bb}, nil
}

// convert renders a (resolved) OpenAPI schema as JSON Schema.
func convert(ref *openapi3.SchemaRef, depth int) map[string]any {
	if ref == nil || ref.Value == nil || depth > 12 {
		return map[string]any{}
	}
	s := ref.Value
	b, _ := json.Marshal(s)
	var m map[string]any
	json.Unmarshal(b, &m) //nolint:errcheck // our own output
	delete(m, "nullable")
	if s.Properties != nil {
		props := map[string]any{}
		for k, p := range s.Properties {
			props[k] = convert(p, depth+1)
		}
		m["properties"] = props
	}
	if s.Items != nil {
		m["items"] = convert(s.Items, depth+1)
	}
	for k, list := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "oneOf": s.OneOf, "anyOf": s.AnyOf} {
		if len(list) > 0 {
			out := make([]any, 0, len(list))
			for _, x := range list {
				out = append(out, convert(x, depth+1))
			}
			m[k] = out
		}
	}
	if s.Not != nil {
		m["not"] = convert(s.Not, depth+1)
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		m["additionalProperties"] = convert(ap, depth+1)
	}
	if s.Nullable && s.Type != nil && s.Type.IsSingle() {
		m["type"] = []any{s.Type.Slice()[0], "null"}
	}
	return m
}

// Call performs the HTTP request for one tool call.
func (b *Backend) Call(ctx context.Context, c *gateway.Call) (*gateway.Result, error) {
	bd, err := b.bindings.get(c.Tool.Binding)
	if err != nil {
		return nil, fmt.Errorf("tool %s has no OpenAPI binding: %w", c.Name, err)
	}
	path := bd.Path
	var q url.Values
	hdr := make(http.Header, 2)
	for _, p := range bd.Params {
		v, ok := c.Arguments[p.Name]
		if !ok || v == nil {
			continue
		}
		s := scalar(v)
		switch p.In {
		case "path":
			path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(s))
		case "query":
			if q == nil {
				q = url.Values{}
			}
			if arr, ok := v.([]any); ok {
				for _, e := range arr {
					q.Add(p.Name, scalar(e))
				}
			} else {
				q.Set(p.Name, s)
			}
		case "header":
			hdr.Set(p.Name, s)
		}
	}
	var body *strings.Reader
	if bd.Body {
		if v, ok := c.Arguments["body"]; ok {
			raw, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			body = strings.NewReader(string(raw))
			hdr.Set("Content-Type", "application/json")
		}
	}
	if c.Auth != nil {
		for k, v := range c.Auth.Headers {
			hdr.Set(k, v)
		}
		for k, v := range c.Auth.Query {
			if q == nil {
				q = url.Values{}
			}
			q.Set(k, v)
		}
	}
	u := bd.Server + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var req *http.Request
	if body != nil {
		req, err = http.NewRequestWithContext(ctx, bd.method, u, body)
	} else {
		req, err = http.NewRequestWithContext(ctx, bd.method, u, nil)
	}
	if err != nil {
		return nil, err
	}
	req.Header = hdr
	hdr["Accept"] = []string{"application/json"}
	if b.h1 != nil && h1pool.Usable(req) && (b.proxy == nil || noProxy(b.proxy, req)) {
		max := b.maxResponse()
		resp, buf, err := b.h1.Fetch(ctx, req, max)
		if err != nil {
			return nil, err
		}
		return result(resp, buf, max), nil
	}
	resp, err := b.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return Read(resp, b.maxResponse())
}

func (b *Backend) maxResponse() int64 {
	if b.MaxResponse <= 0 {
		return 10 << 20
	}
	return b.MaxResponse
}

// noProxy reports whether the proxy settings send req directly.
func noProxy(proxy func(*http.Request) (*url.URL, error), req *http.Request) bool {
	u, err := proxy(req)
	return err == nil && u == nil
}

// Read turns an HTTP response into a tool result (4xx/5xx are tool errors).
func Read(resp *http.Response, max int64) (*gateway.Result, error) {
	if max <= 0 {
		max = 10 << 20
	}
	buf, err := readBody(resp.Body, max)
	if err != nil {
		return nil, err
	}
	return result(resp, buf, max), nil
}

// readBody reads up to max+1 bytes of body (more than max: too large).
func readBody(body io.Reader, max int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(body, max+1))
}

func result(resp *http.Response, buf []byte, max int64) *gateway.Result {
	if int64(len(buf)) > max {
		return &gateway.Result{Text: fmt.Sprintf("the target's response is larger than %d bytes", max), IsError: true}
	}
	r := &gateway.Result{Text: string(buf)}
	if resp.StatusCode >= 400 {
		r.IsError = true
		r.Text = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, buf)
		return r
	}
	if strings.Contains(resp.Header.Get("Content-Type"), "json") && json.Valid(buf) {
		r.Structured = buf
	}
	return r
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}
