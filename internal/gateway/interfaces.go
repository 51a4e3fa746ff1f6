package gateway

import (
	"context"
	"encoding/json"
)

// Backend derives tools from one kind of target and carries calls to it.
// Implementations live in sub-packages (openapi, mcpclient, smithy) or in
// this package when they only need another interface (Lambda).
type Backend interface {
	// Tools validates the target's configuration and returns its tools.
	// doc is the resolved schema document (inline or from the artifact
	// store) for schema-based targets, nil otherwise. Bad configuration is
	// an errs.Invalid error naming the problem.
	Tools(ctx context.Context, t *Target, doc []byte, auth *Auth) ([]Tool, error)
	// Call invokes one tool. A backend failure the caller should see as a
	// tool error is a *Result with IsError; err is for transport failures.
	Call(ctx context.Context, c *Call) (*Result, error)
}

// Call is one tool invocation handed to a backend.
type Call struct {
	Gateway *Gateway
	Target  *Target
	Tool    *Tool
	// Name is the exposed name ({target}___{tool}).
	Name      string
	Arguments map[string]any
	Auth      *Auth
	// RequestID is the JSON-RPC request id (for Lambda client context).
	RequestID string
	SessionID string
}

// Auth is the outbound credential resolved for a call: headers and query
// parameters to add to the backend request.
type Auth struct {
	Headers map[string]string
	Query   map[string]string
}

// Result is a backend's answer.
type Result struct {
	// Text is the unstructured answer (sent as one text content block).
	Text string
	// Structured is the JSON answer, when the backend returned JSON.
	Structured json.RawMessage
	// MCP, when set, is a complete MCP CallToolResult from an MCP backend,
	// passed through as is.
	MCP     json.RawMessage
	IsError bool
}

// TokenValidator validates an inbound bearer token against a gateway's
// CUSTOM_JWT configuration and returns its claims.
type TokenValidator interface {
	Validate(ctx context.Context, token string, cfg *CustomJWTAuthorizer) (map[string]any, error)
}

// Credentials fetches outbound credentials from credential providers (the
// token vault).
type Credentials interface {
	OAuth2Token(ctx context.Context, providerArn string, scopes []string) (string, error)
	APIKey(ctx context.Context, providerArn string) (string, error)
}

// Invoker calls an AWS Lambda function (the Invoke API): payload is the
// event, clientContext the JSON client context (nil for none). A function
// error (X-Amz-Function-Error) is reported as FunctionError.
type Invoker interface {
	Invoke(ctx context.Context, functionArn string, payload, clientContext []byte) ([]byte, error)
}

// FunctionError is a Lambda function's own error (the payload describes it).
type FunctionError struct {
	Kind    string
	Payload []byte
}

func (e *FunctionError) Error() string {
	return "lambda function error (" + e.Kind + "): " + string(e.Payload)
}

// Authorizer decides a tool call under a policy engine (Cedar).
type Authorizer interface {
	Authorize(ctx context.Context, r *AuthzRequest) (*Decision, error)
}

// AuthzRequest is one authorization question.
type AuthzRequest struct {
	EngineARN  string
	GatewayARN string
	// Action is the exposed tool name.
	Action string
	// Principal is the caller's id (JWT sub or IAM ARN); Claims become the
	// principal's tags.
	Principal string
	Claims    map[string]any
	Input     map[string]any
	// InputSchema is the tool's JSON input schema.
	InputSchema json.RawMessage
}

// Decision is the authorizer's answer.
type Decision struct {
	Allow bool
	// Policies that determined the decision; Errors from evaluation.
	Policies []string
	Errors   []string
}

// Embedder turns text into vectors for tool search.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Caller is who is calling the data plane.
type Caller struct {
	Principal string
	Claims    map[string]any
	// Headers are the inbound request headers (for interceptors).
	Headers map[string]string
}
