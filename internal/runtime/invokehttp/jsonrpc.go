package invokehttp

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

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

// jsonrpcError answers err, which ended an invocation before anything was
// written: for JSON-RPC requests (MCP, A2A) with both the AWS error members
// (__type, message, X-Amzn-ErrorType) and a JSON-RPC error object with the
// request's id, so AWS SDKs and JSON-RPC clients each read their own shape.
// Other errors go back to the edge.
func (h *Handler) jsonrpcError(w http.ResponseWriter, r *http.Request, body []byte, err error) error {
	if h.cfg.Shape == nil {
		return err
	}
	shape := h.cfg.Shape(err)
	if shape.Auth {
		return err // authentication failures keep AWS's 403 shape
	}
	id, ok := jsonrpcID(r, body)
	if !ok {
		return err
	}
	writeJSONRPCError(w, shape, id, err)
	return nil
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

func writeJSONRPCError(w http.ResponseWriter, shape ErrorShape, id json.RawMessage, err error) {
	body := map[string]any{
		"jsonrpc": "2.0", "id": id,
		"error":  map[string]any{"code": jsonrpcCode(shape.Kind), "message": shape.Message},
		"__type": shape.Type, "message": shape.Message,
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Errortype", shape.Type)
	status := shape.Status
	if errors.Is(err, errMethodNotAllowed) {
		h.Set("Allow", "POST")
		status = http.StatusMethodNotAllowed // what MCP clients expect for an unsupported GET/DELETE
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body) //nolint:errcheck // client gone
}
