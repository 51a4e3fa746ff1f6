// Package mcpserver is a gateway's data plane: the MCP server (streamable
// HTTP, stateless) each gateway serves at /gateways/{gatewayId}/mcp, built
// on the official MCP Go SDK, with a fast path for plain stateless
// tools/call (fastpath.go), and the gateway's RFC 9728 protected resource
// metadata. The SDK speaks the protocol; the gateway service authorizes,
// validates and dispatches each tools/call. Errors it returns (unknown
// gateway, rejected caller, oversized body) are AWS errors for the HTTP edge
// to send.
package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Options configure a Server.
type Options struct {
	Gateway *gateway.Service
	// IAM verifies the SigV4 signature of a request to an AWS_IAM gateway
	// and returns the caller's ARN; nil rejects such requests.
	IAM func(ctx context.Context, r *http.Request) (callerArn string, err error)
	// DisableFastPath sends every request through the SDK (tests compare
	// the fast path's answers with the SDK's).
	DisableFastPath bool
	Logger          *slog.Logger
}

// Server serves the MCP endpoint of every gateway of one gateway service.
type Server struct {
	gw       *gateway.Service
	iam      func(ctx context.Context, r *http.Request) (string, error)
	fastPath bool
	log      *slog.Logger
}

// New returns the server.
func New(o Options) *Server {
	lg := o.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Server{gw: o.Gateway, iam: o.IAM, fastPath: !o.DisableFastPath, log: lg.With("component", "gateway-mcp")}
}

// JSON-RPC error codes the gateway answers with.
const (
	codeDenied = -32002 // refused by policy or an interceptor
)

type callerKey struct{}

// maxBody bounds a data-plane request.
const maxBody = 10 << 20

// ServeMCP serves one request to gateway gatewayID's MCP endpoint (POST,
// GET or DELETE). A tool call's record goes to the gateway.CallObserver in
// ctx, if any.
func (s *Server) ServeMCP(ctx context.Context, w http.ResponseWriter, r *http.Request, gatewayID string) error {
	svc := s.gw
	cat, err := svc.Catalogue(ctx, gatewayID)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "reading request body")
	}
	if len(body) > maxBody {
		return errs.E(errs.Invalid, "request body exceeds %d bytes", maxBody)
	}
	bearer := ""
	if a := r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		bearer = strings.TrimSpace(a[7:])
	}
	var iam gateway.IAMCheck
	if v := s.iam; v != nil {
		iam = func(ctx context.Context) (string, error) {
			if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") && r.URL.Query().Get("X-Amz-Algorithm") == "" {
				return "", errs.E(errs.Unauthorized, "missing SigV4 signature")
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			defer func() { r.Body = io.NopCloser(bytes.NewReader(body)) }() // the verifier may consume it
			return v(ctx, r)
		}
	}
	caller, err := svc.Authenticate(ctx, cat.Gateway, bearer, iam)
	if err != nil {
		if errs.KindOf(err) == errs.Unauthorized && cat.Gateway.AuthorizerType == gateway.AuthCustomJWT {
			// RFC 9728: point MCP clients at the protected resource metadata.
			meta := strings.TrimSuffix(svc.URL(cat.Gateway.ID), "/mcp") + "/.well-known/oauth-protected-resource"
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", resource_metadata="`+meta+`"`)
		}
		s.log.Info("gateway request rejected", "gateway", cat.Gateway.ID, "err", err)
		return err
	}
	if len(cat.Gateway.InterceptorConfigurations) > 0 { // only interceptors read them
		caller.Headers = map[string]string{}
		for k := range r.Header {
			if !strings.EqualFold(k, "Authorization") {
				caller.Headers[k] = r.Header.Get(k)
			}
		}
	}
	ctx = context.WithValue(ctx, callerKey{}, caller)
	if s.fastToolCall(ctx, w, r, body, cat) {
		return nil
	}
	h := cat.Cached(func() any { return s.newHandler(cat) }).(http.Handler)
	r = r.WithContext(ctx)
	r.Body = io.NopCloser(bytes.NewReader(body)) // read above
	h.ServeHTTP(w, r)
	return nil
}

// newHandler builds the MCP server for one catalogue version.
func (s *Server) newHandler(cat *gateway.Catalogue) http.Handler {
	g := cat.Gateway
	opts := &mcp.ServerOptions{PageSize: 100, Logger: s.log}
	if pc := g.ProtocolConfiguration; pc != nil && pc.MCP != nil {
		opts.Instructions = pc.MCP.Instructions
		if pc.MCP.DisableMcpListToolsPagination {
			opts.PageSize = 1 << 20
		}
		for _, v := range pc.MCP.SupportedVersions {
			if slices.Contains(mcp.SupportedProtocolVersions(), v) { // the SDK panics on others
				opts.SupportedProtocolVersions = append(opts.SupportedProtocolVersions, v)
			}
		}
	}
	srv := mcp.NewServer(&mcp.Implementation{Name: g.Name, Version: "1.0.0"}, opts)
	for _, e := range cat.Tools {
		t := &mcp.Tool{Name: e.Name, Description: e.Tool.Description, InputSchema: json.RawMessage(e.Tool.InputSchema)}
		if len(e.Tool.OutputSchema) > 0 {
			t.OutputSchema = json.RawMessage(e.Tool.OutputSchema)
		}
		srv.AddTool(t, s.toolHandler(cat, e.Name))
	}
	if cat.SearchEnabled() {
		srv.AddTool(&mcp.Tool{Name: gateway.SearchToolName,
			Description: "Search this gateway's tools by meaning. Returns the tools most relevant to the query.",
			InputSchema: json.RawMessage(`{"type":"object","properties":{"query":{"type":"string","description":"What the tool should do"}},"required":["query"]}`)},
			s.searchHandler(cat))
	}
	return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv },
		&mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true, Logger: s.log})
}

func (s *Server) toolHandler(cat *gateway.Catalogue, name string) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return s.runTool(ctx, cat, name, req.Params.Arguments)
	}
}

// runTool runs one tools/call and maps the outcome to MCP.
func (s *Server) runTool(ctx context.Context, cat *gateway.Catalogue, name string, args json.RawMessage) (*mcp.CallToolResult, error) {
	res, err := s.callTool(ctx, cat, name, args)
	if err != nil {
		return nil, err
	}
	return toMCPResult(res), nil
}

// callTool runs one tools/call: a result (arguments that fail the schema
// are a result with IsError) or a *jsonrpc.Error.
func (s *Server) callTool(ctx context.Context, cat *gateway.Catalogue, name string, args json.RawMessage) (*gateway.Result, error) {
	{
		caller, _ := ctx.Value(callerKey{}).(*gateway.Caller)
		if caller == nil {
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "caller not authenticated"}
		}
		tc := &gateway.ToolCall{Catalogue: cat, Caller: caller, Name: name, Arguments: args}
		obs := gateway.CallObserverFrom(ctx)
		if obs != nil {
			tc.Record = &gateway.CallRecord{}
		}
		res, err := s.gw.CallTool(ctx, tc)
		obs.Set(tc.Record)
		var denied *gateway.DeniedError
		var invalid *gateway.InvalidArgumentsError
		switch {
		case errors.As(err, &denied):
			return nil, &jsonrpc.Error{Code: codeDenied, Message: denied.Message}
		case errors.As(err, &invalid):
			return &gateway.Result{Text: invalid.Message, IsError: true}, nil
		case errs.KindOf(err) == errs.NotFound:
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: err.Error()}
		case err != nil:
			msg := err.Error()
			if errs.KindOf(err) == errs.Internal {
				s.log.Error("gateway tool call failed", "gateway", cat.Gateway.ID, "tool", name, "err", err)
				msg = "internal error"
			}
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: msg}
		}
		return res, nil
	}
}

func toMCPResult(r *gateway.Result) *mcp.CallToolResult {
	if len(r.MCP) > 0 {
		var out mcp.CallToolResult
		if err := json.Unmarshal(r.MCP, &out); err != nil {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "target returned an invalid MCP result: " + err.Error()}}, IsError: true}
		}
		// The gateway speaks for itself, not with the target server's identity.
		delete(out.Meta, "io.modelcontextprotocol/serverInfo")
		if len(out.Meta) == 0 {
			out.Meta = nil
		}
		return &out
	}
	out := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: r.Text}}, IsError: r.IsError}
	if len(r.Structured) > 0 && r.Structured[0] == '{' {
		out.StructuredContent = r.Structured
	}
	return out
}

func (s *Server) searchHandler(cat *gateway.Catalogue) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(req.Params.Arguments, &in); err != nil || strings.TrimSpace(in.Query) == "" {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "query is required"}}, IsError: true}, nil
		}
		hits, err := s.gw.Search(ctx, cat, in.Query, 10)
		if err != nil {
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: err.Error()}
		}
		type tool struct {
			Name        string          `json:"name"`
			Description string          `json:"description,omitempty"`
			InputSchema json.RawMessage `json:"inputSchema"`
		}
		tools := make([]tool, 0, len(hits))
		for _, e := range hits {
			tools = append(tools, tool{Name: e.Name, Description: e.Tool.Description, InputSchema: e.Tool.InputSchema})
		}
		b, _ := json.Marshal(map[string]any{"tools": tools})
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(b)}}, StructuredContent: json.RawMessage(b)}, nil
	}
}

// ServeProtectedResource serves the OAuth protected resource metadata
// (RFC 9728) of gateway gatewayID, so MCP clients of a CUSTOM_JWT gateway
// find its authorization server.
func (s *Server) ServeProtectedResource(ctx context.Context, w http.ResponseWriter, gatewayID string) error {
	svc := s.gw
	g, err := svc.Get(ctx, gatewayID)
	if err != nil {
		return err
	}
	md := jwtauth.ResourceMetadata{Resource: svc.URL(g.ID)}
	if g.AuthorizerConfiguration != nil && g.AuthorizerConfiguration.CustomJWTAuthorizer != nil {
		j := g.AuthorizerConfiguration.CustomJWTAuthorizer
		md.AuthorizationServers = []string{strings.TrimSuffix(j.DiscoveryURL, "/.well-known/openid-configuration")}
		md.ScopesSupported = j.AllowedScopes
	}
	return jwtauth.WriteResourceMetadata(w, md)
}
