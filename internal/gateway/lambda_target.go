package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/google/uuid"
)

// lambdaBackend serves Lambda targets through the Invoker: the event is the
// tool's arguments, the client context carries the gateway's custom fields
// (bedrockAgentCoreToolName and friends) as AgentCore sends them.
type lambdaBackend struct{ s *Service }

func (lambdaBackend) Tools(_ context.Context, t *Target, doc []byte, _ *Auth) ([]Tool, error) {
	var defs []ToolDefinition
	if err := json.Unmarshal(doc, &defs); err != nil {
		return nil, errs.Field("targetConfiguration.mcp.lambda.toolSchema", "tool schema is not a JSON array of tool definitions: %v", err)
	}
	if len(defs) == 0 {
		return nil, errs.Field("targetConfiguration.mcp.lambda.toolSchema", "tool schema defines no tools")
	}
	out := make([]Tool, 0, len(defs))
	for i, d := range defs {
		if d.Name == "" {
			return nil, errs.Field("targetConfiguration.mcp.lambda.toolSchema", "tool %d has no name", i)
		}
		var sch struct {
			Type string `json:"type"`
		}
		if len(d.InputSchema) == 0 || json.Unmarshal(d.InputSchema, &sch) != nil || sch.Type != "object" {
			return nil, errs.Field("targetConfiguration.mcp.lambda.toolSchema", "tool %s: inputSchema must be a JSON schema of type object", d.Name)
		}
		out = append(out, Tool{Name: d.Name, Description: d.Description, InputSchema: d.InputSchema, OutputSchema: d.OutputSchema})
	}
	return out, nil
}

func (b lambdaBackend) Call(ctx context.Context, c *Call) (*Result, error) {
	if b.s.o.Invoker == nil {
		return nil, errors.New("no Lambda invoker is configured")
	}
	payload, err := json.Marshal(c.Arguments)
	if err != nil {
		return nil, err
	}
	msgID := c.RequestID
	if msgID == "" {
		msgID = uuid.NewString()
	}
	cc, _ := json.Marshal(map[string]any{"custom": map[string]string{
		"bedrockAgentCoreMessageVersion": "1.0",
		"bedrockAgentCoreAwsRequestId":   uuid.NewString(),
		"bedrockAgentCoreMcpMessageId":   msgID,
		"bedrockAgentCoreSessionId":      c.SessionID,
		"bedrockAgentCoreGatewayId":      c.Gateway.ID,
		"bedrockAgentCoreTargetId":       c.Target.ID,
		"bedrockAgentCoreToolName":       c.Name,
	}})
	out, err := b.s.o.Invoker.Invoke(ctx, c.Target.TargetConfiguration.MCP.Lambda.LambdaArn, payload, cc)
	var fe *FunctionError
	if errors.As(err, &fe) {
		return &Result{Text: fmt.Sprintf("Lambda function error (%s): %s", fe.Kind, fe.Payload), IsError: true}, nil
	}
	if err != nil {
		return nil, err
	}
	r := &Result{Text: string(out)}
	if json.Valid(out) {
		r.Structured = out
		var s string
		if json.Unmarshal(out, &s) == nil {
			r.Text = s
		}
	}
	return r, nil
}
