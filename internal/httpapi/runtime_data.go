package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/agentclient"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/google/uuid"
)

const (
	hSession  = "X-Amzn-Bedrock-Agentcore-Runtime-Session-Id"
	hRequest  = "X-Amzn-Bedrock-Agentcore-Runtime-Request-Id"
	hEndpoint = "X-Amzn-Bedrock-Agentcore-Runtime-Session-Endpoint-Url"
	hCustom   = "x-amzn-bedrock-agentcore-runtime-custom-"
)

// passHeaders go to the agent as they are (tracing and MCP routing).
var passHeaders = []string{"Content-Type", "Accept", "X-Amzn-Trace-Id", "Traceparent", "Tracestate", "Baggage",
	"Mcp-Session-Id", "Mcp-Protocol-Version", "Mcp-Method", "Mcp-Name", "Last-Event-Id"}

// echoHeaders come back from the agent to the caller.
var echoHeaders = []string{"Content-Type", "Mcp-Session-Id", "Mcp-Protocol-Version", "X-Amzn-Trace-Id", "Traceparent", "Tracestate", "Baggage"}

func target(r *http.Request, p params) runtime.Target {
	q := r.URL.Query()
	return runtime.Target{ARN: p["agentRuntimeArn"], AccountID: q.Get("accountId"), Qualifier: q.Get("qualifier"),
		SessionID: r.Header.Get(hSession)}
}

// invokeAgentRuntime relays the raw payload to the session's agent and
// streams its answer back as it is produced.
func (s *Server) invokeAgentRuntime(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) (err error) {
	tg := target(r, p)
	if tg.SessionID == "" {
		tg.SessionID = uuid.NewString()
	}
	ctx, ob := s.startInvoke(ctx, w, r, tg) // span + metrics (tracing.go)
	defer func() { ob.end(err, recover()) }()
	if r.ContentLength > s.cfg.MaxPayload {
		return errs.Field("payload", "payload is %d bytes; the limit is %d bytes", r.ContentLength, s.cfg.MaxPayload)
	}
	body := io.Reader(r.Body)
	// Chunked bodies are measured first; small bodies are read first too, so
	// the agent request never reads the caller's body while the answer is
	// being written back (the server may close an unread request body then).
	if r.ContentLength < 0 || r.ContentLength <= 1<<20 {
		b, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxPayload+1))
		if err != nil {
			return errs.Wrap(errs.Invalid, err, "reading payload")
		}
		if int64(len(b)) > s.cfg.MaxPayload {
			return errs.Field("payload", "payload exceeds the limit of %d bytes", s.cfg.MaxPayload)
		}
		body = bytes.NewReader(b)
	}
	who, err := s.invokeAuth(ctx, w, r, tg) // runtime_auth.go (Identity)
	if err != nil {
		return err
	}
	inv, err := s.cfg.Runtime.Invoke(ctx, tg)
	if err != nil {
		return err
	}
	defer inv.Release()
	ob.resolved(inv)
	conn, ok := inv.Conn.(*agentclient.Conn)
	if !ok {
		return errs.E(errs.Internal, "session has no HTTP connection")
	}
	timeout := time.Duration(s.cfg.InvokeTimeout)
	if timeout == 0 {
		timeout = 15 * time.Minute
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, agentclient.BaseURL+inv.Path, body)
	if err != nil {
		return err
	}
	if body == io.Reader(r.Body) {
		req.ContentLength = r.ContentLength // streamed through; NewRequest set it for buffered bodies
	}
	s.agentHeaders(req.Header, r.Header, tg.SessionID, inv.Allow)
	if err := s.identityHeaders(ctx, req.Header, who); err != nil {
		return err
	}
	ob.inject(actx, req.Header, tg.SessionID)
	resp, err := conn.Do(req)
	if err != nil {
		return s.agentFailure(ctx, inv, err, timeout)
	}
	defer resp.Body.Close()
	ob.agentStatus(resp.StatusCode)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) //nolint:errcheck // body is dropped, as AWS does
		return errs.E(errs.RuntimeClient, "Received error (%d) from runtime. Please check your CloudWatch logs for more information", resp.StatusCode)
	}
	h := w.Header()
	for _, k := range echoHeaders {
		if v := resp.Header.Get(k); v != "" {
			h.Set(k, v)
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/octet-stream")
	}
	h.Set(hSession, tg.SessionID)
	h.Set(hEndpoint, "/runtimes/"+url.PathEscape(inv.RuntimeARN)+"/invocations")
	if resp.ContentLength >= 0 {
		h.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
	}
	w.WriteHeader(http.StatusOK)
	return relay(actx, w, resp.Body, inv, s.log)
}

// relayBufs recycles relay buffers (one per in-flight invocation).
var relayBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// relay copies the agent's body to the caller, flushing every chunk so
// streamed events reach the caller as they are produced.
func relay(ctx context.Context, w http.ResponseWriter, body io.Reader, inv *runtime.Invocation, lg *slog.Logger) error {
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
		if err != nil {
			// The status is already sent: end the stream; a broken agent
			// connection means the session is gone.
			lg.Warn("agent response stream broke; aborting the invocation", "runtime", inv.RuntimeID, "session", inv.ID, "err", err,
				"ctxErr", ctx.Err(), "cause", context.Cause(ctx))
			inv.Fail("response stream broke: " + err.Error())
			panic(http.ErrAbortHandler)
		}
	}
}

// agentFailure maps a failed round trip to the AgentCore error and ends the
// session so the next request starts a fresh environment.
func (s *Server) agentFailure(ctx context.Context, inv *runtime.Invocation, err error, timeout time.Duration) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errs.E(errs.Timeout, "The runtime did not respond within %s", timeout)
	}
	inv.Fail("request failed: " + err.Error())
	return errs.E(errs.RuntimeClient, "Received error (connection failed) from runtime: the agent closed the connection or exited. Please check the session logs for more information")
}

// agentHeaders builds the headers the agent receives (agent contract §4.1).
func (s *Server) agentHeaders(out, in http.Header, sessionID string, allow []string) {
	for _, k := range passHeaders {
		if v := in.Values(k); len(v) > 0 {
			out[k] = v
		}
	}
	for k, v := range in {
		if strings.HasPrefix(strings.ToLower(k), hCustom) {
			out[k] = v
		}
	}
	for _, name := range allow {
		if v := in.Values(name); len(v) > 0 {
			out[http.CanonicalHeaderKey(name)] = v
		}
	}
	out.Set(hSession, sessionID)
	out.Set(hRequest, uuid.NewString())
}

func (s *Server) stopRuntimeSession(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	tg := target(r, p)
	if tg.SessionID == "" {
		return errs.Field("runtimeSessionId", "the X-Amzn-Bedrock-AgentCore-Runtime-Session-Id header is required")
	}
	if err := s.cfg.Runtime.StopSession(ctx, tg); err != nil {
		return err
	}
	w.Header().Set(hSession, tg.SessionID)
	return writeJSON(w, http.StatusOK, map[string]any{})
}
