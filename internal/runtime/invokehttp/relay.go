package invokehttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/google/uuid"
)

// passHeaders go to the agent as they are (tracing and MCP routing).
var passHeaders = []string{"Content-Type", "Accept", "X-Amzn-Trace-Id", "Traceparent", "Tracestate", "Baggage",
	"Mcp-Session-Id", "Mcp-Protocol-Version", "Mcp-Method", "Mcp-Name", "Last-Event-Id",
	"A2a-Version", "A2a-Extensions"} // A2A service parameters (v1.0 clients must send A2A-Version)

// echoHeaders come back from the agent to the caller.
var echoHeaders = []string{"Content-Type", "Mcp-Session-Id", "Mcp-Protocol-Version", "X-Amzn-Trace-Id", "Traceparent", "Tracestate", "Baggage"}

// Invoke serves InvokeAgentRuntime (POST, and GET/DELETE for MCP): it
// relays the raw payload to the session's agent and streams its answer
// back as it is produced. For JSON-RPC requests (MCP, A2A) platform errors
// are answered in both the AWS and the JSON-RPC shape (jsonrpc.go); other
// errors are returned for the edge to encode, and only before anything was
// written.
func (h *Handler) Invoke(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) error {
	cb := &captureBody{ReadCloser: r.Body}
	r.Body = cb
	err := h.invoke(ctx, w, r, tg)
	if err == nil {
		return nil
	}
	return h.jsonrpcError(w, r, cb.buf, err)
}

func (h *Handler) invoke(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) (err error) {
	if tg.SessionID == "" {
		tg.SessionID = h.protoSession(ctx, r) // an MCP session's runtime session, else new (mcp.go)
	}
	ctx, ob := h.cfg.Observe(ctx, w, r, tg)
	defer func() { ob.End(err, recover()) }()
	max := h.cfg.MaxPayload
	if r.ContentLength > max {
		return errs.Field("payload", "payload is %d bytes; the limit is %d bytes", r.ContentLength, max)
	}
	body, length := io.Reader(r.Body), r.ContentLength
	var payload []byte
	// Chunked bodies are measured first; small bodies are read first too, so
	// the agent request never reads the caller's body while the answer is
	// being written back (the server may close an unread request body then).
	if r.ContentLength < 0 || r.ContentLength <= 1<<20 {
		b, err := readPayload(r.Body, r.ContentLength, max)
		if err != nil {
			return errs.Wrap(errs.Invalid, err, "reading payload")
		}
		if int64(len(b)) > max {
			return errs.Field("payload", "payload exceeds the limit of %d bytes", max)
		}
		body, payload, length = bytes.NewReader(b), b, int64(len(b))
	}
	who, err := h.Authorize(ctx, w, r, tg, h.cfg.Caller(ctx))
	if err != nil {
		return err
	}
	inv, err := h.cfg.Runtime.Invoke(ctx, tg)
	if err != nil {
		return err
	}
	defer inv.Release()
	ob.Resolved(inv)
	if err := protocolMismatch(r, payload, inv.Protocol, inv.RuntimeARN); err != nil {
		return err
	}
	actx, cancel := context.WithTimeout(ctx, h.cfg.Timeout)
	defer cancel()
	hdr := make(http.Header, 8)
	AgentHeaders(hdr, r.Header, tg.SessionID, inv.Allow)
	if err := h.IdentityHeaders(ctx, hdr, who); err != nil {
		return err
	}
	ob.Inject(actx, hdr, tg.SessionID)
	resp, err := inv.Conn.RoundTrip(actx, &runtime.AgentRequest{Method: r.Method, Path: inv.Path, Header: hdr, Body: body, ContentLength: length})
	if err != nil {
		return AgentFailure(ctx, inv, err, h.cfg.Timeout)
	}
	defer resp.Body.Close()
	ob.AgentStatus(resp.Status)
	status := http.StatusOK
	if passesAgentStatus(inv.Protocol) {
		status = resp.Status // JSON-RPC protocols: the agent's status and error body go through
	} else if resp.Status < 200 || resp.Status > 299 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) //nolint:errcheck // body is dropped, as AWS does
		return errs.E(errs.RuntimeClient, "Received error (%d) from runtime. Please check your CloudWatch logs for more information", resp.Status)
	}
	out, in := w.Header(), http.Header(resp.Header)
	for _, k := range echoHeaders {
		if v := in.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	if out.Get("Content-Type") == "" {
		out.Set("Content-Type", "application/octet-stream")
	}
	out.Set(HeaderSession, tg.SessionID)
	h.mcpResponse(ctx, out, r, inv.Protocol, tg.SessionID, status)
	out.Set(HeaderEndpoint, "/runtimes/"+url.PathEscape(inv.RuntimeARN)+"/invocations")
	if resp.ContentLength >= 0 {
		out.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
	}
	w.WriteHeader(status)
	if resp.ContentLength < 0 {
		// A stream may stay quiet for long (an MCP listen stream): the caller gets the headers now.
		http.NewResponseController(w).Flush() //nolint:errcheck // best effort
	}
	sse := strings.HasPrefix(in.Get("Content-Type"), "text/event-stream")
	return h.relay(actx, w, resp.Body, inv, sse)
}

// relayBufs recycles relay buffers (one per in-flight invocation).
var relayBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// relay copies the agent's body to the caller, flushing every chunk so
// streamed events reach the caller as they are produced.
func (h *Handler) relay(ctx context.Context, w http.ResponseWriter, body io.Reader, inv *runtime.Invocation, sse bool) error {
	rc := http.NewResponseController(w)
	bp := relayBufs.Get().(*[]byte)
	defer relayBufs.Put(bp)
	buf := *bp
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return nil // caller went away; nothing more to say
			}
			rc.Flush() //nolint:errcheck // best effort
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && errors.Is(context.Cause(ctx), context.Canceled) {
			return nil // the caller hung up (an MCP client closing its listen stream): the session is fine
		}
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && sse {
			// --invoke-timeout cut an event stream: end it with an error
			// event the caller can read, not a broken chunked body. The
			// session stays (the agent was slow, not broken).
			h.log.Warn("invocation timed out while streaming", "runtime", inv.RuntimeID, "session", inv.ID, "timeout", h.cfg.Timeout)
			fmt.Fprintf(w, "event: error\ndata: {\"type\":\"RuntimeTimeoutException\",\"message\":\"The runtime did not finish its response within %s\"}\n\n", h.cfg.Timeout)
			rc.Flush() //nolint:errcheck // best effort
			return nil
		}
		if err != nil {
			// The status is already sent: end the stream; a broken agent
			// connection means the session is gone.
			h.log.Warn("agent response stream broke; aborting the invocation", "runtime", inv.RuntimeID, "session", inv.ID, "err", err,
				"ctxErr", ctx.Err(), "cause", context.Cause(ctx))
			inv.Fail("response stream broke: " + err.Error())
			panic(http.ErrAbortHandler)
		}
	}
}

// AgentFailure maps a failed round trip to the AgentCore error and ends the
// session so the next request starts a fresh environment.
func AgentFailure(ctx context.Context, inv *runtime.Invocation, err error, timeout time.Duration) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errs.E(errs.Timeout, "The runtime did not respond within %s", timeout)
	}
	inv.Fail("request failed: " + err.Error())
	return errs.E(errs.RuntimeClient, "Received error (connection failed) from runtime: the agent closed the connection or exited. Please check the session logs for more information")
}

// AgentHeaders builds the headers the agent receives from the caller's
// (agent contract §4.1): pass-through, custom and allow-listed headers, the
// session id and a fresh request id.
func AgentHeaders(out, in http.Header, sessionID string, allow []string) {
	for _, k := range passHeaders {
		if v := in.Values(k); len(v) > 0 {
			out[k] = v
		}
	}
	for k, v := range in {
		if len(k) >= len(customPrefix) && strings.EqualFold(k[:len(customPrefix)], customPrefix) {
			out[k] = v
		}
	}
	for _, name := range allow {
		if v := in.Values(name); len(v) > 0 {
			out[http.CanonicalHeaderKey(name)] = v
		}
	}
	out.Set(HeaderSession, sessionID)
	out.Set(HeaderRequest, uuid.NewString())
}

// IdentityHeaders sets what the agent learns about the caller: a workload
// access token bound to the runtime's workload identity and the user, and
// Authorization only for JWT-authenticated calls whose runtime allow-lists it.
func (h *Handler) IdentityHeaders(ctx context.Context, out http.Header, id *Identity) error {
	if !id.Bearer {
		out.Del(hAuthz)
	}
	out.Del(HeaderUserID)
	if h.cfg.WAT == nil || id.Workload == "" {
		return nil
	}
	wat, err := h.cfg.WAT(ctx, id.Workload, id.UserID)
	if err != nil {
		return err
	}
	out.Set(hWAT, wat)
	out.Set(hWATOld, wat)
	return nil
}

// readPayload reads a request body of at most max bytes (one more is read
// to detect an excess). A known length is read into a buffer of exactly
// that size (one allocation); a chunked body grows as io.ReadAll does.
func readPayload(body io.Reader, length, max int64) ([]byte, error) {
	if length <= 0 || length > max {
		return io.ReadAll(io.LimitReader(body, max+1))
	}
	b := make([]byte, length) // net/http's body ends after exactly length bytes
	if _, err := io.ReadFull(body, b); err != nil {
		return nil, err
	}
	return b, nil
}
