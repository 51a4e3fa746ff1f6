package invokehttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
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
func (h *Handler) protoSession(ctx context.Context, r *http.Request) string {
	if id := r.Header.Get(hMcpSession); id != "" {
		if sess, ok := h.mcp.get(mcpKey(ctx, id)); ok {
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
func (h *Handler) mcpResponse(ctx context.Context, out http.Header, r *http.Request, protocol, session string, status int) {
	if protocol != "MCP" {
		return
	}
	agentID := out.Get(hMcpSession)
	switch {
	case r.Method == http.MethodDelete && status >= 200 && status < 300:
		if id := r.Header.Get(hMcpSession); id != "" {
			h.mcp.drop(mcpKey(ctx, id))
		}
	case agentID == "":
		if id := r.Header.Get(hMcpSession); id != "" {
			out.Set(hMcpSession, id) // echo what the client routes by
		} else if status < 300 {
			out.Set(hMcpSession, session)
		}
	case agentID != session:
		h.mcp.put(mcpKey(ctx, agentID), session)
	}
}
