package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// fastVersions are the protocol versions whose stateless tools/call the
// gateway answers itself (same bytes the SDK's JSON response mode sends).
var fastVersions = map[string]bool{"2025-03-26": true, "2025-06-18": true, "2025-11-25": true}

type fastRequest struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
		Meta      json.RawMessage `json:"_meta"`
	} `json:"params"`
}

type fastError struct {
	Code    int64  `json:"code"`
	Message string `json:"message"`
}

type fastResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *fastError      `json:"error,omitempty"`
}

// fastToolCall answers a plain stateless tools/call for a catalogue tool
// without building an SDK session per request. The official SDK's
// stateless handler decodes each message twice into freshly allocated 32 KB+
// buffers and connects a session per request; on the hot path that cost
// dominated the gateway. Everything else (initialize, tools/list, the search
// tool, progress tokens, batches, the 2026-07-28 stateless revision, SSE)
// goes to the SDK. It reports whether it answered.
func (s *Server) fastToolCall(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte, cat *gateway.Catalogue) bool {
	if r.Method != http.MethodPost || !fastVersions[r.Header.Get("Mcp-Protocol-Version")] || len(body) == 0 || body[0] != '{' {
		return false
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return false
	}
	accept := strings.Join(r.Header.Values("Accept"), ",")
	if !strings.Contains(accept, "application/json") || !strings.Contains(accept, "text/event-stream") {
		return false
	}
	var req fastRequest
	if err := json.Unmarshal(body, &req); err != nil || req.JSONRPC != "2.0" || req.Method != "tools/call" || len(req.ID) == 0 || len(req.Params.Meta) > 0 {
		return false
	}
	if _, ok := cat.Lookup(req.Params.Name); !ok {
		return false
	}
	res, err := s.runTool(ctx, cat, req.Params.Name, req.Params.Arguments)
	out := fastResponse{JSONRPC: "2.0", ID: req.ID}
	if err != nil {
		var we *jsonrpc.Error
		if !errors.As(err, &we) {
			we = &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: err.Error()}
		}
		out.Error = &fastError{Code: we.Code, Message: we.Message}
	} else {
		out.Result = res
	}
	b, err := json.Marshal(out)
	if err != nil {
		return false
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b) //nolint:errcheck // client gone
	return true
}
