package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Interceptor payloads (AgentCore Gateway interceptor Lambda contract,
// version 1.0): the function receives the MCP request (and, at RESPONSE,
// the response) and may return a transformed request or a response of its
// own, which short-circuits the call.
type interceptorInput struct {
	Version string         `json:"interceptorInputVersion"`
	MCP     interceptorMCP `json:"mcp"`
}

type interceptorMCP struct {
	GatewayRequest  *interceptorMsg `json:"gatewayRequest,omitempty"`
	GatewayResponse *interceptorMsg `json:"gatewayResponse,omitempty"`
}

type interceptorMsg struct {
	Headers    map[string]string `json:"headers,omitempty"`
	Body       json.RawMessage   `json:"body,omitempty"`
	StatusCode int               `json:"statusCode,omitempty"`
}

type interceptorOutput struct {
	Version string `json:"interceptorOutputVersion"`
	MCP     struct {
		TransformedGatewayRequest  *interceptorMsg `json:"transformedGatewayRequest,omitempty"`
		TransformedGatewayResponse *interceptorMsg `json:"transformedGatewayResponse,omitempty"`
	} `json:"mcp"`
}

type rpcMsg struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  *struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments,omitempty"`
	} `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

func (s *Service) interceptors(g *Gateway, point string) []InterceptorConfiguration {
	var out []InterceptorConfiguration
	for _, ic := range g.InterceptorConfigurations {
		if slices.Contains(ic.InterceptionPoints, point) && ic.Interceptor.Lambda != nil {
			out = append(out, ic)
		}
	}
	return out
}

func requestBody(tc *ToolCall, args json.RawMessage) json.RawMessage {
	id := json.RawMessage(`1`)
	if tc.RequestID != "" {
		id, _ = json.Marshal(tc.RequestID)
	}
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": "tools/call",
		"params": map[string]any{"name": tc.Name, "arguments": args}})
	return b
}

func (s *Service) invokeInterceptor(ctx context.Context, ic InterceptorConfiguration, in *interceptorInput, tc *ToolCall) (*interceptorOutput, error) {
	if s.o.Invoker == nil {
		return nil, errs.E(errs.Unavailable, "no Lambda invoker is configured for interceptors")
	}
	if ic.InputConfiguration != nil && ic.InputConfiguration.PassRequestHeaders && in.MCP.GatewayRequest != nil {
		in.MCP.GatewayRequest.Headers = tc.Caller.Headers
	}
	payload, _ := json.Marshal(in)
	cctx, cancel := context.WithTimeout(ctx, s.o.CallTimeout)
	defer cancel()
	out, err := s.o.Invoker.Invoke(cctx, ic.Interceptor.Lambda.Arn, payload, nil)
	if err != nil {
		var fe *FunctionError
		if errors.As(err, &fe) {
			return nil, &DeniedError{Message: "interceptor " + ic.Interceptor.Lambda.Arn + " failed: " + string(fe.Payload)}
		}
		return nil, errs.Wrap(errs.Unavailable, err, "calling interceptor %s", ic.Interceptor.Lambda.Arn)
	}
	var o interceptorOutput
	if err := json.Unmarshal(out, &o); err != nil {
		return nil, &DeniedError{Message: fmt.Sprintf("interceptor %s returned an invalid answer: %v", ic.Interceptor.Lambda.Arn, err)}
	}
	return &o, nil
}

// interceptRequest runs REQUEST interceptors. It returns a short-circuit
// result, or rewritten arguments, or neither.
func (s *Service) interceptRequest(ctx context.Context, tc *ToolCall, args json.RawMessage) (*Result, json.RawMessage, error) {
	ics := s.interceptors(tc.Catalogue.Gateway, "REQUEST")
	if len(ics) == 0 {
		return nil, nil, nil
	}
	body := requestBody(tc, args)
	var changed json.RawMessage
	for _, ic := range ics {
		o, err := s.invokeInterceptor(ctx, ic, &interceptorInput{Version: "1.0", MCP: interceptorMCP{GatewayRequest: &interceptorMsg{Body: body}}}, tc)
		if err != nil {
			return nil, nil, err
		}
		if r := o.MCP.TransformedGatewayResponse; r != nil {
			res, err := shortCircuit(ic, r)
			return res, nil, err
		}
		if r := o.MCP.TransformedGatewayRequest; r != nil && len(r.Body) > 0 {
			var m rpcMsg
			if err := json.Unmarshal(r.Body, &m); err != nil || m.Params == nil {
				return nil, nil, &DeniedError{Message: "interceptor " + ic.Interceptor.Lambda.Arn + " returned a request that is not a tools/call"}
			}
			if m.Params.Name != tc.Name {
				return nil, nil, &DeniedError{Message: "interceptor " + ic.Interceptor.Lambda.Arn + " may not change the tool name"}
			}
			body, changed = r.Body, m.Params.Arguments
		}
	}
	return nil, changed, nil
}

// shortCircuit turns an interceptor's own response into the call's answer.
func shortCircuit(ic InterceptorConfiguration, r *interceptorMsg) (*Result, error) {
	var m rpcMsg
	if err := json.Unmarshal(r.Body, &m); err != nil {
		return nil, &DeniedError{Message: fmt.Sprintf("interceptor %s refused the call (status %d)", ic.Interceptor.Lambda.Arn, r.StatusCode)}
	}
	if m.Error != nil {
		return nil, &DeniedError{Message: m.Error.Message}
	}
	if len(m.Result) > 0 {
		return &Result{MCP: m.Result}, nil
	}
	if r.StatusCode >= 400 {
		return nil, &DeniedError{Message: fmt.Sprintf("interceptor %s refused the call (status %d)", ic.Interceptor.Lambda.Arn, r.StatusCode)}
	}
	return nil, &DeniedError{Message: "interceptor " + ic.Interceptor.Lambda.Arn + " returned an empty response"}
}

// interceptResponse runs RESPONSE interceptors over the backend's answer.
func (s *Service) interceptResponse(ctx context.Context, tc *ToolCall, args json.RawMessage, res *Result) (*Result, error) {
	ics := s.interceptors(tc.Catalogue.Gateway, "RESPONSE")
	if len(ics) == 0 {
		return res, nil
	}
	for _, ic := range ics {
		resp, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "result": MCPResult(res)})
		o, err := s.invokeInterceptor(ctx, ic, &interceptorInput{Version: "1.0", MCP: interceptorMCP{
			GatewayRequest: &interceptorMsg{Body: requestBody(tc, args)}, GatewayResponse: &interceptorMsg{StatusCode: 200, Body: resp}}}, tc)
		if err != nil {
			return nil, err
		}
		if r := o.MCP.TransformedGatewayResponse; r != nil {
			if res, err = shortCircuit(ic, r); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

// MCPResult renders a Result as an MCP CallToolResult JSON object.
func MCPResult(r *Result) json.RawMessage {
	if len(r.MCP) > 0 {
		return r.MCP
	}
	m := map[string]any{"content": []map[string]string{{"type": "text", "text": r.Text}}}
	if r.IsError {
		m["isError"] = true
	}
	if len(r.Structured) > 0 && r.Structured[0] == '{' {
		m["structuredContent"] = r.Structured
	}
	b, _ := json.Marshal(m)
	return b
}
