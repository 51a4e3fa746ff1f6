package mcpserver

import (
	"encoding/json"
	"github.com/agentcore-dev/agentcore/internal/jsonstr"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/gateway"
)

// appendToolResponse appends the JSON-RPC response to a tools/call whose
// result is a plain backend result (text, optional structured content, no
// MCP passthrough): the same bytes json.Marshal gives for a fastResponse
// holding toMCPResult(r), without the SDK's marshal round trips (each
// MarshalJSON output is re-scanned and compacted by encoding/json). It
// reports false when the result needs the general encoder.
func appendToolResponse(dst []byte, id json.RawMessage, r *gateway.Result) ([]byte, bool) {
	if len(r.MCP) > 0 || !plainJSON(id) {
		return dst, false
	}
	structured := len(r.Structured) > 0 && r.Structured[0] == '{'
	if structured && (!plainJSON(r.Structured) || !json.Valid(r.Structured)) {
		return dst, false
	}
	dst = append(dst, `{"jsonrpc":"2.0","id":`...)
	dst = append(dst, id...)
	dst = append(dst, `,"result":{"content":[{"type":"text","text":`...)
	dst = jsonstr.Append(dst, r.Text)
	dst = append(dst, "}]"...)
	if structured {
		dst = append(dst, `,"structuredContent":`...)
		dst = append(dst, r.Structured...)
	}
	if r.IsError {
		dst = append(dst, `,"isError":true`...)
	}
	return append(dst, "}}"...), true
}

// plainJSON reports whether valid JSON b is already what encoding/json
// would copy it as (compact, nothing it HTML-escapes): no whitespace
// outside strings, no '<', '>', '&', and no U+2028/U+2029 (their UTF-8 starts
// with 0xE2, which is refused conservatively).
func plainJSON(b []byte) bool {
	inStr, esc := false, false
	for _, c := range b {
		switch {
		case c == '<' || c == '>' || c == '&' || c == 0xE2:
			return false
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return false
		}
	}
	return true
}

// respBufs holds the fast path's response buffers (the bytes are copied to
// the connection's writer before a buffer goes back).
var respBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}
