package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// AgentConn talks to one session's agent over the agent contract. The
// implementation (internal/agentclient) speaks HTTP; this package stays
// transport-neutral, so the operations take plain values.
type AgentConn interface {
	// Ping is the health check (GET /ping, or a connect for MCP and A2A).
	Ping(ctx context.Context) (PingResult, error)
	// RoundTrip sends one request to the agent and returns its answer as
	// soon as the status and headers arrive; the body streams. Ending ctx
	// aborts the request and the body.
	RoundTrip(ctx context.Context, req *AgentRequest) (*AgentResponse, error)
	// DialWebSocket opens a WebSocket to path on the agent's contract port.
	// A handshake the agent answers with another status than 101 fails
	// with a *WebSocketRefusedError.
	DialWebSocket(ctx context.Context, path string, header map[string][]string, subprotocols []string) (WebSocketConn, error)
	// Close drops pooled connections.
	Close()
}

// AgentRequest is one request to a session's agent. Header keys are in
// canonical MIME form (as net/http uses them); the agent sees Host as its
// loopback name with the contract port.
type AgentRequest struct {
	Method string
	Path   string // path (and query) on the agent, e.g. /invocations
	Header map[string][]string
	Body   io.Reader // nil: no body
	// ContentLength is the body's length, -1 when unknown (sent chunked).
	// It is ignored for *bytes.Reader, *bytes.Buffer and *strings.Reader
	// bodies, whose length is known (and which can be re-sent when a pooled
	// connection turns out dead).
	ContentLength int64
}

// AgentResponse is the agent's answer; the caller closes Body.
type AgentResponse struct {
	Status        int
	Header        map[string][]string // canonical keys
	Body          io.ReadCloser
	ContentLength int64 // -1 when unknown (streamed)
}

// MessageType is a WebSocket message's type (the RFC 6455 opcode).
type MessageType int

// WebSocket message types.
const (
	MessageText   MessageType = 1
	MessageBinary MessageType = 2
)

// WebSocketConn is one WebSocket connection, at the message level: pings
// are answered underneath, and reads and writes are whole messages.
type WebSocketConn interface {
	// Subprotocol is what the server selected ("" for none).
	Subprotocol() string
	// Read returns the next message. A close from the peer ends it with a
	// *WebSocketCloseError; a message over the read limit with an error
	// wrapping ErrMessageTooBig.
	Read(ctx context.Context) (MessageType, []byte, error)
	Write(ctx context.Context, typ MessageType, data []byte) error
	// SetReadLimit bounds the size of one message read.
	SetReadLimit(n int64)
	// Close performs the closing handshake with code and reason.
	Close(code int, reason string) error
	// CloseNow drops the connection without a handshake.
	CloseNow() error
}

// WebSocket close codes the relays use (RFC 6455 §7.4.1).
const (
	CloseNormal        = 1000
	CloseGoingAway     = 1001
	CloseNoStatus      = 1005
	CloseMessageTooBig = 1009
	CloseInternal      = 1011
)

// WebSocketCloseError is a close frame received from the peer.
type WebSocketCloseError struct {
	Code   int
	Reason string
}

func (e *WebSocketCloseError) Error() string {
	return fmt.Sprintf("websocket closed with status %d: %s", e.Code, e.Reason)
}

// ErrMessageTooBig is wrapped by Read errors for messages over the limit.
var ErrMessageTooBig = errors.New("websocket message too big")

// WebSocketRefusedError is a handshake the agent answered with Status.
type WebSocketRefusedError struct {
	Status int
	Err    error
}

func (e *WebSocketRefusedError) Error() string {
	return fmt.Sprintf("websocket handshake answered %d: %v", e.Status, e.Err)
}

func (e *WebSocketRefusedError) Unwrap() error { return e.Err }

// ExecRequest is a command to run in a session's environment, next to the
// agent (InvokeAgentRuntimeCommand).
type ExecRequest struct {
	Argv []string
	Env  []string
	Dir  string // "" = the agent's working directory
}

// ExecProcess is a command started by Session.Exec.
type ExecProcess = sandbox.ExecProcess

// ErrExecUnsupported is returned by Exec when the server's sandbox driver
// cannot run commands in a session.
var ErrExecUnsupported = errs.E(errs.Invalid, "this server's sandbox driver cannot run commands in a session")

// Exec starts a command in the session's environment (same filesystem,
// namespaces, user and limits as the agent) writing its output to stdout
// and stderr (nil discards). Ending ctx kills it. Drivers that cannot
// exec give ErrExecUnsupported.
func (s *Session) Exec(ctx context.Context, req ExecRequest, stdout, stderr io.Writer) (ExecProcess, error) {
	ex, ok := s.inst.(sandbox.Execer)
	if !ok {
		return nil, ErrExecUnsupported
	}
	return ex.Exec(ctx, sandbox.ExecSpec{Argv: req.Argv, Env: req.Env, Dir: req.Dir, Stdout: stdout, Stderr: stderr})
}
