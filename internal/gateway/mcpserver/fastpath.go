package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// fastVersions are the protocol versions whose stateless tools/call the
// gateway answers itself (same bytes the SDK's JSON response mode sends).
var fastVersions = map[string]bool{"2025-03-26": true, "2025-06-18": true, "2025-11-25": true, stateless2026: true}

// stateless2026 is the stateless protocol revision: every request carries
// the client's info in _meta and every result says it is complete.
const stateless2026 = "2026-07-28"

// meta2026 are the _meta keys a 2026-07-28 request may carry on the fast
// path (anything else, e.g. a progress token, goes to the SDK).
var meta2026 = map[string]bool{"io.modelcontextprotocol/clientCapabilities": true, "io.modelcontextprotocol/clientInfo": true,
	"io.modelcontextprotocol/protocolVersion": true}

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
// tool, progress tokens and other _meta, batches, SSE)
// goes to the SDK. It reports whether it answered.
func (s *Server) fastToolCall(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte, cat *gateway.Catalogue) bool {
	version := r.Header.Get("Mcp-Protocol-Version")
	if r.Method != http.MethodPost || !s.fastPath || !fastVersions[version] || len(body) == 0 || body[0] != '{' {
		return false
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return false
		}
	}
	if pc := cat.Gateway.ProtocolConfiguration; pc != nil && pc.MCP != nil && len(pc.MCP.SupportedVersions) > 0 && !slices.Contains(pc.MCP.SupportedVersions, version) {
		return false // the SDK refuses the version
	}
	accept := strings.Join(r.Header.Values("Accept"), ",")
	if !strings.Contains(accept, "application/json") || !strings.Contains(accept, "text/event-stream") {
		return false
	}
	var req fastRequest
	if err := json.Unmarshal(body, &req); err != nil || req.JSONRPC != "2.0" || req.Method != "tools/call" || len(req.ID) == 0 {
		return false
	}
	if version == stateless2026 && (r.Header.Get("Mcp-Method") != req.Method || r.Header.Get("Mcp-Name") != req.Params.Name) {
		return false // the SDK reports the header mismatch
	}
	if len(req.Params.Meta) > 0 {
		if version != stateless2026 {
			return false
		}
		var meta map[string]json.RawMessage
		if json.Unmarshal(req.Params.Meta, &meta) != nil {
			return false
		}
		for k := range meta {
			if !meta2026[k] {
				return false
			}
		}
		var pv string
		if json.Unmarshal(meta["io.modelcontextprotocol/protocolVersion"], &pv); pv != "" && pv != version {
			return false
		}
	}
	if _, ok := cat.Lookup(req.Params.Name); !ok {
		return false
	}
	gres, err := s.callTool(ctx, cat, req.Params.Name, req.Params.Arguments)
	if err == nil && version != stateless2026 {
		bp := respBufs.Get().(*[]byte)
		defer respBufs.Put(bp)
		if b, ok := appendToolResponse((*bp)[:0], req.ID, gres); ok {
			*bp = b
			writeJSONResponse(w, b)
			return true
		}
	}
	var res *mcp.CallToolResult
	if err == nil {
		res = toMCPResult(gres)
	}
	out := fastResponse{JSONRPC: "2.0", ID: req.ID}
	if err != nil {
		var we *jsonrpc.Error
		if !errors.As(err, &we) {
			we = &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: err.Error()}
		}
		out.Error = &fastError{Code: we.Code, Message: we.Message}
	} else {
		if version == stateless2026 {
			if res.Meta == nil {
				res.Meta = mcp.Meta{}
			}
			res.Meta["io.modelcontextprotocol/serverInfo"] = map[string]string{"name": cat.Gateway.Name, "version": "1.0.0"}
		}
		out.Result = res
	}
	b, err := json.Marshal(out)
	if err != nil {
		return false
	}
	if version == stateless2026 && out.Result != nil && !bytes.Contains(b, []byte(`"resultType"`)) {
		// {"jsonrpc":..,"result":{...}} → add "resultType":"complete" to the result object.
		b = append(b[:len(b)-2], []byte(`,"resultType":"complete"}}`)...)
	}
	writeJSONResponse(w, b)
	return true
}

var jsonContentType = []string{"application/json"}

func writeJSONResponse(w http.ResponseWriter, b []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(http.StatusOK)
	w.Write(b) //nolint:errcheck // client gone
}
