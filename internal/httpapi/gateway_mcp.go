package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/gateway"
	"go.opentelemetry.io/otel/attribute"
)

// GatewayMCP is a gateway's data plane, served at
// /gateways/{gatewayIdentifier}/mcp (internal/gateway/mcpserver). Errors
// are AWS errors for the edge to send.
type GatewayMCP interface {
	// ServeMCP serves one MCP request to the gateway; the tool call's record
	// goes to the gateway.CallObserver in ctx.
	ServeMCP(ctx context.Context, w http.ResponseWriter, r *http.Request, gatewayID string) error
	// ServeProtectedResource sends the gateway's RFC 9728 metadata.
	ServeProtectedResource(ctx context.Context, w http.ResponseWriter, gatewayID string) error
}

func (s *Server) gatewayMCP(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	if ow, ok := w.(*obsWriter); ok && ow.rec != nil { // the request's span records the tool call
		ow.gwCall = &gateway.CallObserver{}
		ctx = gateway.WithCallObserver(ctx, ow.gwCall) // ServeMCP hands ctx on (r's own context is not read)
	}
	return s.cfg.GatewayMCP.ServeMCP(ctx, w, r, p["gatewayIdentifier"])
}

func (s *Server) gatewayProtectedResource(ctx context.Context, w http.ResponseWriter, _ *http.Request, p params) error {
	return s.cfg.GatewayMCP.ServeProtectedResource(ctx, w, p["gatewayIdentifier"])
}

// listGatewayCalls serves GET /_agentcore/gateways/{id}/calls: the latest
// tool calls of a gateway with their policy decisions.
func (s *Server) listGatewayCalls(ctx context.Context, w http.ResponseWriter, _ *http.Request, p params) error {
	id := p["gatewayId"]
	if _, err := s.cfg.Gateway.Get(ctx, id); err != nil {
		return err
	}
	calls := s.cfg.Gateway.Calls(id)
	if calls == nil {
		calls = []gateway.CallRecord{}
	}
	return writeJSON(w, http.StatusOK, gatewayCallsOutput{Calls: calls})
}

// gatewayCallAttrs adds the attributes of the request's tool call, if it
// made one, to the request's span.
func gatewayCallAttrs(o *gateway.CallObserver, a []attribute.KeyValue) []attribute.KeyValue {
	r := o.Record()
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
