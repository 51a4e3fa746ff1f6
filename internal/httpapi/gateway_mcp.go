package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.opentelemetry.io/otel/attribute"
)

// Gateway data plane: each gateway serves MCP (streamable HTTP, stateless)
// at /gateways/{gatewayId}/mcp, built on the official MCP Go SDK. The SDK
// speaks the protocol; the gateway service authorizes, validates and
// dispatches each tools/call.

// JSON-RPC error codes the gateway answers with.
const (
	codeDenied = -32002 // refused by policy or an interceptor
)

type gwCallerKey struct{}

// maxMCPBody bounds a data-plane request.
const maxMCPBody = 10 << 20

func (s *Server) gatewayMCP(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc, err := s.gatewaySvc()
	if err != nil {
		return err
	}
	cat, err := svc.Catalogue(ctx, p["gatewayIdentifier"])
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxMCPBody+1))
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "reading request body")
	}
	if len(body) > maxMCPBody {
		return errs.E(errs.Invalid, "request body exceeds %d bytes", maxMCPBody)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	bearer := ""
	if a := r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		bearer = strings.TrimSpace(a[7:])
	}
	var iam gateway.IAMCheck
	if v := s.cfg.GatewayIAM; v != nil {
		iam = func(ctx context.Context) (string, error) {
			if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") && r.URL.Query().Get("X-Amz-Algorithm") == "" {
				return "", errs.E(errs.Unauthorized, "missing SigV4 signature")
			}
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
	ctx = context.WithValue(ctx, gwCallerKey{}, caller)
	if ow, ok := w.(*obsWriter); ok && ow.rec != nil { // the request's span records the tool call
		ow.gwCall = &gatewayCallObs{}
		ctx = context.WithValue(ctx, callObsKey{}, ow.gwCall)
	}
	if s.fastToolCall(ctx, w, r, body, cat) {
		return nil
	}
	h := cat.Cached(func() any { return s.newGatewayMCPHandler(cat) }).(http.Handler)
	h.ServeHTTP(w, r.WithContext(ctx))
	return nil
}

// newGatewayMCPHandler builds the MCP server for one catalogue version.
func (s *Server) newGatewayMCPHandler(cat *gateway.Catalogue) http.Handler {
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
		srv.AddTool(t, s.gatewayToolHandler(cat, e.Name))
	}
	if cat.SearchEnabled() {
		srv.AddTool(&mcp.Tool{Name: gateway.SearchToolName,
			Description: "Search this gateway's tools by meaning. Returns the tools most relevant to the query.",
			InputSchema: json.RawMessage(`{"type":"object","properties":{"query":{"type":"string","description":"What the tool should do"}},"required":["query"]}`)},
			s.gatewaySearchHandler(cat))
	}
	return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv },
		&mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true, Logger: s.log})
}

func (s *Server) gatewayToolHandler(cat *gateway.Catalogue, name string) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return s.runTool(ctx, cat, name, req.Params.Arguments)
	}
}

// runTool runs one tools/call and maps the outcome to MCP.
func (s *Server) runTool(ctx context.Context, cat *gateway.Catalogue, name string, args json.RawMessage) (*mcp.CallToolResult, error) {
	{
		caller, _ := ctx.Value(gwCallerKey{}).(*gateway.Caller)
		if caller == nil {
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "caller not authenticated"}
		}
		tc := &gateway.ToolCall{Catalogue: cat, Caller: caller, Name: name, Arguments: args}
		obs, _ := ctx.Value(callObsKey{}).(*gatewayCallObs)
		if obs != nil {
			tc.Record = &gateway.CallRecord{}
		}
		res, err := s.cfg.Gateway.CallTool(ctx, tc)
		obs.set(tc.Record)
		var denied *gateway.DeniedError
		var invalid *gateway.InvalidArgumentsError
		switch {
		case errors.As(err, &denied):
			return nil, &jsonrpc.Error{Code: codeDenied, Message: denied.Message}
		case errors.As(err, &invalid):
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: invalid.Message}}, IsError: true}, nil
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
		return toMCPResult(res), nil
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

func (s *Server) gatewaySearchHandler(cat *gateway.Catalogue) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(req.Params.Arguments, &in); err != nil || strings.TrimSpace(in.Query) == "" {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "query is required"}}, IsError: true}, nil
		}
		hits, err := s.cfg.Gateway.Search(ctx, cat, in.Query, 10)
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

// gatewayExtension serves GET /_agentcore/gateways/{id}/calls: the latest
// tool calls of a gateway with their policy decisions.
func (s *Server) gatewayExtension(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	svc, err := s.gatewaySvc()
	if err != nil {
		return err
	}
	rest := strings.TrimPrefix(r.URL.Path, "/_agentcore/gateways/")
	id, tail, _ := strings.Cut(rest, "/")
	if tail != "calls" {
		return errs.E(errs.UnknownOperation, "no extension at %s", r.URL.Path)
	}
	if _, err := svc.Get(ctx, id); err != nil {
		return err
	}
	calls := svc.Calls(id)
	if calls == nil {
		calls = []gateway.CallRecord{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"calls": calls})
}

type callObsKey struct{}

// gatewayCallObs carries a tool call's record to the request's span.
type gatewayCallObs struct {
	mu  sync.Mutex
	rec *gateway.CallRecord
}

func (o *gatewayCallObs) set(r *gateway.CallRecord) {
	if o == nil || r == nil {
		return
	}
	o.mu.Lock()
	o.rec = r
	o.mu.Unlock()
}

// appendAttrs adds the call's attributes to the request's span.
func (o *gatewayCallObs) appendAttrs(a []attribute.KeyValue) []attribute.KeyValue {
	if o == nil {
		return a
	}
	o.mu.Lock()
	r := o.rec
	o.mu.Unlock()
	if r == nil {
		return a
	}
	a = append(a, attribute.String("gateway.id", r.GatewayID), attribute.String("gen_ai.operation.name", "execute_tool"),
		attribute.String("gen_ai.tool.name", r.Tool), attribute.String("gateway.principal", r.Principal),
		attribute.String("gateway.policy.decision", r.Decision), attribute.String("gateway.outcome", r.Outcome))
	if r.Mode != "" {
		a = append(a, attribute.String("gateway.policy.mode", r.Mode))
	}
	if r.Error != "" {
		a = append(a, attribute.String("gateway.error", r.Error))
	}
	return a
}

// gatewayProtectedResource serves the OAuth protected resource metadata
// (RFC 9728) of a CUSTOM_JWT gateway, so MCP clients find its
// authorization server.
func (s *Server) gatewayProtectedResource(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc, err := s.gatewaySvc()
	if err != nil {
		return err
	}
	g, err := svc.Get(ctx, p["gatewayIdentifier"])
	if err != nil {
		return err
	}
	doc := map[string]any{"resource": svc.URL(g.ID), "bearer_methods_supported": []string{"header"}}
	if g.AuthorizerConfiguration != nil && g.AuthorizerConfiguration.CustomJWTAuthorizer != nil {
		j := g.AuthorizerConfiguration.CustomJWTAuthorizer
		doc["authorization_servers"] = []string{strings.TrimSuffix(j.DiscoveryURL, "/.well-known/openid-configuration")}
		if len(j.AllowedScopes) > 0 {
			doc["scopes_supported"] = j.AllowedScopes
		}
	}
	return writeJSON(w, http.StatusOK, doc)
}
