// Package mcpclient serves MCP-server gateway targets: it lists a remote
// MCP server's tools and forwards tool calls to it over streamable HTTP,
// using the official MCP Go SDK client. Sessions are kept per endpoint and
// credential and re-established when they break.
package mcpclient

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
)

// Backend implements gateway.Backend for MCP servers.
type Backend struct {
	base *http.Transport
	mu   sync.Mutex
	sess map[string]*session // by endpoint: one live session each
}

type session struct {
	cs   *mcp.ClientSession
	auth string // credential fingerprint the session was opened with
}

// New returns a backend.
func New() *Backend {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.ResponseHeaderTimeout = 5 * time.Minute
	return &Backend{base: tr, sess: map[string]*session{}}
}

// Close ends every cached session.
func (b *Backend) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, s := range b.sess {
		s.cs.Close()
		delete(b.sess, k)
	}
}

type headerRT struct {
	base http.RoundTripper
	auth *gateway.Auth
}

func (h headerRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if h.auth == nil {
		return h.base.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	for k, v := range h.auth.Headers {
		r.Header.Set(k, v)
	}
	if len(h.auth.Query) > 0 {
		q := r.URL.Query()
		for k, v := range h.auth.Query {
			q.Set(k, v)
		}
		r.URL.RawQuery = q.Encode()
	}
	return h.base.RoundTrip(r)
}

func authKey(a *gateway.Auth) string {
	if a == nil {
		return ""
	}
	b, _ := json.Marshal(a)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// session returns the endpoint's session, opening one if there is none or
// the credential changed (e.g. a refreshed OAuth token; the old one closes).
func (b *Backend) session(ctx context.Context, endpoint string, a *gateway.Auth) (*mcp.ClientSession, string, error) {
	ak := authKey(a)
	b.mu.Lock()
	s := b.sess[endpoint]
	b.mu.Unlock()
	if s != nil && s.auth == ak {
		return s.cs, endpoint, nil
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "agentcore-gateway", Version: "1.0.0"}, nil)
	cs, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: endpoint, MaxRetries: -1, DisableStandaloneSSE: true,
		HTTPClient: &http.Client{Transport: headerRT{base: b.base, auth: a}}}, nil)
	if err != nil {
		return nil, "", err
	}
	b.mu.Lock()
	old := b.sess[endpoint]
	if old != nil && old.auth == ak { // another call won the race
		b.mu.Unlock()
		cs.Close()
		return old.cs, endpoint, nil
	}
	b.sess[endpoint] = &session{cs: cs, auth: ak}
	b.mu.Unlock()
	if old != nil {
		old.cs.Close()
	}
	return cs, endpoint, nil
}

func (b *Backend) drop(key string, cs *mcp.ClientSession) {
	b.mu.Lock()
	if s := b.sess[key]; s != nil && s.cs == cs {
		delete(b.sess, key)
	}
	b.mu.Unlock()
	cs.Close()
}

// Tools lists the server's tools.
func (b *Backend) Tools(ctx context.Context, t *gateway.Target, _ []byte, a *gateway.Auth) ([]gateway.Tool, error) {
	ep := t.TargetConfiguration.MCP.MCPServer.Endpoint
	s, key, err := b.session(ctx, ep, a)
	if err != nil {
		return nil, err
	}
	var out []gateway.Tool
	for tl, err := range s.Tools(ctx, nil) {
		if err != nil {
			b.drop(key, s)
			return nil, err
		}
		in, _ := json.Marshal(tl.InputSchema)
		var outSch json.RawMessage
		if tl.OutputSchema != nil {
			outSch, _ = json.Marshal(tl.OutputSchema)
		}
		if len(in) == 0 || string(in) == "null" {
			in = json.RawMessage(`{"type":"object"}`)
		}
		out = append(out, gateway.Tool{Name: tl.Name, Description: tl.Description, InputSchema: in, OutputSchema: outSch})
	}
	if len(out) == 0 {
		return nil, errs.E(errs.Unavailable, "the MCP server at %s offers no tools", ep)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Call forwards a tools/call; the server's result passes through.
func (b *Backend) Call(ctx context.Context, c *gateway.Call) (*gateway.Result, error) {
	ep := c.Target.TargetConfiguration.MCP.MCPServer.Endpoint
	for attempt := 0; ; attempt++ {
		s, key, err := b.session(ctx, ep, c.Auth)
		if err != nil {
			return nil, err
		}
		res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: c.Tool.Name, Arguments: c.Arguments})
		if err != nil {
			if attempt == 0 && ctx.Err() == nil && !isRPCError(err) {
				b.drop(key, s) // the session may have expired: reconnect once
				continue
			}
			if isRPCError(err) {
				return &gateway.Result{Text: "the MCP server refused the call: " + err.Error(), IsError: true}, nil
			}
			return nil, err
		}
		raw, err := json.Marshal(res)
		if err != nil {
			return nil, err
		}
		return &gateway.Result{MCP: raw, IsError: res.IsError}, nil
	}
}

func isRPCError(err error) bool {
	var we *jsonrpc.Error
	return errors.As(err, &we)
}
