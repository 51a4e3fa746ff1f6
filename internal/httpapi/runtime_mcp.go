package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/google/uuid"
)

// MCP and A2A runtimes speak JSON-RPC over the invocation URL (agent
// contract §10, §11): requests and answers pass through unchanged, the
// agent's own HTTP status included (an MCP client needs its 202, 400 and
// 404), and the platform keeps an MCP client on one session:
//
//   - stateless servers answer without Mcp-Session-Id; the platform then
//     issues one, equal to the runtimeSessionId, and routes it back;
//   - stateful servers issue their own at initialize; the platform remembers
//     which runtime session it belongs to (mcpSessions).
//
// A caller that sends X-Amzn-Bedrock-AgentCore-Runtime-Session-Id is routed by
// it in both cases.

const (
	hMcpSession  = "Mcp-Session-Id"
	hMcpProtocol = "Mcp-Protocol-Version"
)

// passesAgentStatus reports whether the agent's HTTP status goes to the
// caller as it is (JSON-RPC protocols) instead of RuntimeClientError.
func passesAgentStatus(protocol string) bool { return protocol == "MCP" || protocol == "A2A" }

// agentHost is the Host header agents see: a loopback name with the
// contract port, which the MCP SDKs' DNS-rebinding guards accept.
func agentHost(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

// mcpSessions maps agent-issued Mcp-Session-Ids to runtime sessions.
type mcpSessions struct {
	mu sync.Mutex
	m  map[string]mcpEntry
}

type mcpEntry struct {
	session string
	seen    time.Time
}

// mcpSessionTTL bounds how long an unused mapping is kept (AgentCore's
// longest session lifetime).
const mcpSessionTTL = 8 * time.Hour

// mcpSessionsMax bounds the mappings kept (one per stateful MCP session).
const mcpSessionsMax = 100_000

func (s *Server) mcpMap() *mcpSessions { return &s.mcpSessions }

func mcpKey(ctx context.Context, id string) string {
	t, _ := tenant.From(ctx)
	return t.Account + "\x00" + id
}

func (m *mcpSessions) get(key string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[key]
	if !ok || time.Since(e.seen) > mcpSessionTTL {
		return "", false
	}
	e.seen = time.Now()
	m.m[key] = e
	return e.session, true
}

func (m *mcpSessions) put(key, session string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]mcpEntry{}
	}
	if len(m.m) >= mcpSessionsMax {
		// Full: drop expired mappings, and if that is not enough the
		// least recently used eighth (their clients re-initialize).
		var oldest []time.Time
		for k, e := range m.m {
			if time.Since(e.seen) > mcpSessionTTL {
				delete(m.m, k)
			} else {
				oldest = append(oldest, e.seen)
			}
		}
		if len(m.m) >= mcpSessionsMax*7/8 {
			slices.SortFunc(oldest, func(a, b time.Time) int { return a.Compare(b) })
			cut := oldest[len(oldest)/8]
			for k, e := range m.m {
				if !e.seen.After(cut) {
					delete(m.m, k)
				}
			}
		}
	}
	m.m[key] = mcpEntry{session: session, seen: time.Now()}
}

func (m *mcpSessions) drop(key string) {
	m.mu.Lock()
	delete(m.m, key)
	m.mu.Unlock()
}

// protoSession picks the runtime session of a request that names none: the
// one an MCP session id belongs to, else a new one.
func (s *Server) protoSession(ctx context.Context, r *http.Request) string {
	if id := r.Header.Get(hMcpSession); id != "" {
		if sess, ok := s.mcpMap().get(mcpKey(ctx, id)); ok {
			return sess
		}
		if runtime.ValidateSessionID(id) == nil {
			return id // platform-issued: it is the runtime session id
		}
	}
	return uuid.NewString()
}

// errMethodNotAllowed marks a GET or DELETE on a runtime that only takes
// POST (answered 405, what MCP clients expect for an unsupported method).
var errMethodNotAllowed = errors.New("method not allowed")

// protocolMismatch rejects requests that only make sense for another
// serverProtocol (an MCP client pointed at an HTTP or A2A runtime).
func protocolMismatch(r *http.Request, payload []byte, protocol, arn string) error {
	if protocol == "MCP" {
		return nil
	}
	if r.Method != http.MethodPost {
		return errs.Wrap(errs.Invalid, errMethodNotAllowed, "%s on the invocation URL is for MCP runtimes; agent runtime %s serves protocol %s", r.Method, arn, protocol)
	}
	if r.Header.Get(hMcpProtocol) != "" || isMCPInitialize(r, payload) {
		return errs.E(errs.Invalid, "this is an MCP request, but agent runtime %s serves protocol %s, not MCP", arn, protocol)
	}
	return nil
}

// isMCPInitialize spots an MCP client's first request (which carries no
// Mcp-* header yet): a JSON-RPC initialize accepting SSE.
func isMCPInitialize(r *http.Request, payload []byte) bool {
	if !strings.Contains(r.Header.Get("Accept"), "text/event-stream") || !bytes.Contains(payload, []byte(`"initialize"`)) {
		return false
	}
	var m struct {
		JSONRPC string `json:"jsonrpc"`
		Method  string `json:"method"`
	}
	return json.Unmarshal(payload, &m) == nil && m.JSONRPC == "2.0" && m.Method == "initialize"
}

// mcpResponse completes the response headers of an MCP runtime: the
// platform-issued session id for stateless servers, or the mapping of a
// stateful server's own id to this runtime session.
func (s *Server) mcpResponse(ctx context.Context, h http.Header, r *http.Request, protocol, session string, status int) {
	if protocol != "MCP" {
		return
	}
	agentID := h.Get(hMcpSession)
	switch {
	case r.Method == http.MethodDelete && status >= 200 && status < 300:
		if id := r.Header.Get(hMcpSession); id != "" {
			s.mcpMap().drop(mcpKey(ctx, id))
		}
	case agentID == "":
		if id := r.Header.Get(hMcpSession); id != "" {
			h.Set(hMcpSession, id) // echo what the client routes by
		} else if status < 300 {
			h.Set(hMcpSession, session)
		}
	case agentID != session:
		s.mcpMap().put(mcpKey(ctx, agentID), session)
	}
}

// captureBody remembers the start of a request body so a failed JSON-RPC
// request can be answered with its id.
type captureBody struct {
	io.ReadCloser
	buf []byte
}

const captureLimit = 64 << 10

func (c *captureBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if room := captureLimit - len(c.buf); room > 0 && n > 0 {
		c.buf = append(c.buf, p[:min(n, room)]...)
	}
	return n, err
}

// jsonrpcErrors wraps the invocation handler: platform errors for JSON-RPC
// requests (MCP, A2A) carry both the AWS error members (__type, message,
// X-Amzn-ErrorType) and a JSON-RPC error object with the request's id, so
// AWS SDKs and JSON-RPC clients each read their own shape.
func (s *Server) jsonrpcErrors(h handler) handler {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
		cb := &captureBody{ReadCloser: r.Body}
		r.Body = cb
		// The handler returns an error only before it writes anything (once
		// the answer has started it ends the stream instead), and it gets
		// w itself: startInvoke looks for the edge's writer.
		err := h(ctx, w, r, p)
		var authErr *sigv4.Error
		if err == nil || errors.As(err, &authErr) {
			return err // authentication failures keep AWS's 403 shape (auth.go)
		}
		id, ok := jsonrpcID(r, cb.buf)
		if !ok {
			return err
		}
		writeJSONRPCError(w, s, r, id, err)
		return nil
	}
}

// jsonrpcID reports whether a request is JSON-RPC and returns its id.
func jsonrpcID(r *http.Request, body []byte) (json.RawMessage, bool) {
	var m struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
	}
	if json.Unmarshal(body, &m) == nil && m.JSONRPC == "2.0" {
		if len(m.ID) == 0 {
			m.ID = json.RawMessage("null")
		}
		return m.ID, true
	}
	if r.Header.Get(hMcpSession) != "" || r.Header.Get(hMcpProtocol) != "" || r.Method != http.MethodPost {
		return json.RawMessage("null"), true
	}
	return nil, false
}

// jsonrpcCode picks the JSON-RPC error code of a platform error. -32010 is
// what AgentCore is reported to send for agent failures.
func jsonrpcCode(k errs.Kind) int {
	switch k {
	case errs.Invalid:
		return -32600
	case errs.RuntimeClient, errs.Timeout:
		return -32010
	case errs.Internal:
		return -32603
	}
	return -32000
}

func writeJSONRPCError(w http.ResponseWriter, s *Server, r *http.Request, id json.RawMessage, err error) {
	e := classify(err)
	row, ok := errorTable[e.Kind]
	if !ok {
		row = errorTable[errs.Internal]
	}
	msg := e.Error()
	if e.Kind == errs.Internal {
		s.log.Error("internal error", "op", "InvokeAgentRuntime", "err", err)
		msg = "An internal error occurred. Check the server log for details."
	}
	body := map[string]any{
		"jsonrpc": "2.0", "id": id,
		"error":  map[string]any{"code": jsonrpcCode(e.Kind), "message": msg},
		"__type": row.Type, "message": msg,
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Errortype", row.Type)
	if errors.Is(err, errMethodNotAllowed) {
		h.Set("Allow", "POST")
		row.Status = http.StatusMethodNotAllowed // what MCP clients expect for an unsupported GET/DELETE
	}
	w.WriteHeader(row.Status)
	json.NewEncoder(w).Encode(body) //nolint:errcheck // client gone
}
