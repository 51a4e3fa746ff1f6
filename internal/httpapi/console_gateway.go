package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// A gateway's tools for the caller's own account, without its MCP
// endpoint: the console cannot sign requests, and a gateway's inbound
// authorizer (CUSTOM_JWT, AWS_IAM) wants a token or a signature. These
// extensions authenticate like every other /_agentcore/ route (SigV4, the
// console session, loopback) and call the gateway service directly, as the
// account's principal (arn:aws:iam::ACCOUNT:user/KEY for a console session,
// arn:aws:iam::ACCOUNT:root otherwise). Policy engines and interceptors
// apply as on the MCP endpoint; the call is in the gateway's call log.
func (s *Server) gatewayToolRoutes() []route {
	return []route{
		{Method: "GET", Path: "/_agentcore/gateways/{gatewayId}/tools", Op: "ListGatewayTools", H: s.listGatewayTools, Auth: authLoopback},
		{Method: "POST", Path: "/_agentcore/gateways/{gatewayId}/calls", Op: "CallGatewayTool", H: s.callGatewayTool, Auth: authLoopback},
	}
}

type gatewayToolOutput struct {
	Name         string          `json:"name"`
	Target       string          `json:"target"`
	TargetID     string          `json:"targetId"`
	Description  string          `json:"description,omitempty"`
	InputSchema  json.RawMessage `json:"inputSchema"`
	OutputSchema json.RawMessage `json:"outputSchema,omitempty"`
}

type gatewayToolsOutput struct {
	Tools         []gatewayToolOutput `json:"tools"`
	SearchEnabled bool                `json:"searchEnabled"`
}

type gatewayToolCallInput struct {
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
}

type gatewayToolCallOutput struct {
	IsError    bool            `json:"isError"`
	Text       string          `json:"text,omitempty"`
	Structured json.RawMessage `json:"structuredContent,omitempty"`
	MCP        json.RawMessage `json:"mcpResult,omitempty"`
	Decision   string          `json:"decision,omitempty"`
}

// listGatewayTools serves GET /_agentcore/gateways/{id}/tools: the tool
// catalogue with input schemas; ?query= ranks it by the gateway's tool
// search (best first, at most ?max=, default 10).
func (s *Server) listGatewayTools(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	cat, err := s.cfg.Gateway.Catalogue(ctx, p["gatewayId"])
	if err != nil {
		return err
	}
	entries := cat.Tools
	if q := r.URL.Query().Get("query"); q != "" {
		k := 10
		if m, err := strconv.Atoi(r.URL.Query().Get("max")); err == nil && m > 0 && m <= 100 {
			k = m
		}
		if entries, err = s.cfg.Gateway.Search(ctx, cat, q, k); err != nil {
			return err
		}
	}
	out := gatewayToolsOutput{Tools: []gatewayToolOutput{}, SearchEnabled: cat.SearchEnabled()}
	for _, e := range entries {
		out.Tools = append(out.Tools, gatewayToolOutput{Name: e.Name, Target: e.Target.Name, TargetID: e.Target.ID,
			Description: e.Tool.Description, InputSchema: e.Tool.InputSchema, OutputSchema: e.Tool.OutputSchema})
	}
	return writeJSON(w, http.StatusOK, out)
}

// callGatewayTool serves POST /_agentcore/gateways/{id}/calls
// {name, arguments}: one tool call. A denial by policy is an
// AccessDeniedException, arguments that fail the schema a
// ValidationException, an unknown tool ResourceNotFoundException; the
// tool's own failure is a result with isError.
func (s *Server) callGatewayTool(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var in gatewayToolCallInput
	if err := decodeJSON(b, &in); err != nil {
		return err
	}
	if in.Name == "" {
		return errs.Field("name", "name is required")
	}
	cat, err := s.cfg.Gateway.Catalogue(ctx, p["gatewayId"])
	if err != nil {
		return err
	}
	t, err := tenant.From(ctx)
	if err != nil {
		return err
	}
	principal := "arn:aws:iam::" + t.Account + ":root"
	if sess := s.consoleSession(ctx, r); sess != nil && sess.Account == t.Account {
		principal = "arn:aws:iam::" + t.Account + ":user/" + sess.AccessKeyID
	}
	tc := &gateway.ToolCall{Catalogue: cat, Caller: &gateway.Caller{Principal: principal, Claims: map[string]any{"sub": principal}},
		Name: in.Name, Arguments: in.Arguments, RequestID: requestID(ctx), Record: &gateway.CallRecord{}}
	res, err := s.cfg.Gateway.CallTool(ctx, tc)
	var denied *gateway.DeniedError
	var invalid *gateway.InvalidArgumentsError
	switch {
	case errors.As(err, &denied):
		return errs.E(errs.AccessDenied, "%s", denied.Message)
	case errors.As(err, &invalid):
		return errs.Field("arguments", "%s", invalid.Message)
	case err != nil:
		return err
	}
	return writeJSON(w, http.StatusOK, gatewayToolCallOutput{IsError: res.IsError, Text: res.Text, Structured: res.Structured,
		MCP: res.MCP, Decision: tc.Record.Decision})
}
