package codeinterpreter

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// callGrace is how much longer than the kernel's own per-call timeout the
// server waits for its answer (the kernel interrupts, then kills and
// restarts a language worker that does not stop within 2 s).
const callGrace = 10 * time.Second

// maxResultBytes bounds a kernel's answer (readFiles is capped at 32 MiB
// of file content, base64 makes that ~43 MiB).
const maxResultBytes = 64 << 20

// Call is one tool call whose session has been found and whose request
// is valid: the edge starts its event stream, then runs it.
type Call struct {
	s         *Service
	acct      string
	it        *Interpreter
	sess      *Session
	lease     *runtime.Lease
	req       ToolRequest
	lang      string // executeCode's language as the caller gave it
	transpile string // the esbuild error of a TypeScript call ("" = none)
	started   time.Time

	// Result, set by Run (for span attributes).
	Result *Result
}

// SessionID is the called session's id.
func (c *Call) SessionID() string { return c.sess.ID }

// Tool is the called tool's name.
func (c *Call) Tool() string { return c.req.Name }

// Language is executeCode's language as the caller gave it ("" for other tools).
func (c *Call) Language() string {
	return c.lang
}

// Begin checks a tool call and leases its session. Errors here are
// answered before any event is streamed: a bad request
// (ValidationException), an unknown, stopped or other account's session
// (ResourceNotFoundException).
func (s *Service) Begin(ctx context.Context, interpreterID, sessionID string, req ToolRequest) (*Call, error) {
	if sessionID == "" {
		return nil, errs.Field("sessionId", "the x-amzn-code-interpreter-session-id header is required")
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	lang := ""
	if req.Name == ToolExecuteCode {
		lang = *req.Arguments.Language
	}
	if (lang == LangJavaScript || lang == LangTypeScript) && s.o.Env.Node == "" {
		return nil, errs.Field("arguments.language", "%s is not available on this server (no node executable was found)", lang)
	}
	if lang == LangTypeScript && s.o.Transpile == nil {
		return nil, errs.Field("arguments.language", "typescript is not available on this server")
	}
	acct, it, sess, err := s.session(ctx, interpreterID, sessionID)
	if err != nil {
		return nil, err
	}
	if sess.Status != SessionReady {
		return nil, errs.E(errs.NotFound, "session %s is %s", sessionID, sess.Status)
	}
	lease, err := s.sessions.Lookup("", sess.rid(), sessionKey(acct, it.ID, sess.ID))
	if err != nil {
		s.terminated(ctx, acct, it.ID, sess.ID)
		return nil, errs.E(errs.NotFound, "session %s is TERMINATED", sessionID)
	}
	c := &Call{s: s, acct: acct, it: it, sess: sess, lease: lease, req: req, lang: lang, started: time.Now()}
	if lang == LangTypeScript {
		js, msg := s.o.Transpile(*req.Arguments.Code)
		c.transpile = msg
		lang = LangJavaScript
		a := *req.Arguments
		a.Code, a.Language = &js, &lang
		c.req.Arguments = &a
	}
	return c, nil
}

// kernelRequest is the body of POST /invoke to the kernel.
type kernelRequest struct {
	Name           string         `json:"name"`
	Arguments      *ToolArguments `json:"arguments"`
	TimeoutSeconds int            `json:"timeoutSeconds"`
}

// Run sends the call to the session's kernel and returns its result.
// Errors are the kernel's typed refusals (a path outside the session's
// directory, an unknown task, a quota) or a failed kernel.
func (c *Call) Run(ctx context.Context) (*Result, error) {
	if c.transpile != "" {
		c.Result = errorResult(c.transpile, time.Since(c.started))
		return c.Result, nil
	}
	limit := c.s.o.CallTimeout
	ctx, cancel := context.WithTimeout(ctx, limit+callGrace)
	defer cancel()
	body, _ := json.Marshal(kernelRequest{Name: c.req.Name, Arguments: c.req.Arguments, TimeoutSeconds: int(math.Ceil(limit.Seconds()))})
	resp, err := c.lease.Conn.RoundTrip(ctx, &runtime.AgentRequest{Method: "POST", Path: "/invoke",
		Header: map[string][]string{"Content-Type": {"application/json"}}, Body: bytes.NewReader(body)})
	if err != nil {
		return c.failed(ctx, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResultBytes+1))
	if err != nil {
		return c.failed(ctx, err)
	}
	if len(raw) > maxResultBytes {
		return nil, errs.E(errs.QuotaExceeded, "the tool's result is larger than %d bytes", maxResultBytes)
	}
	if resp.Status != 200 {
		return nil, kernelError(resp.Status, raw)
	}
	var res Result
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, errs.Wrap(errs.Internal, err, "the kernel's answer is not a result")
	}
	if res.Content == nil {
		res.Content = []ContentBlock{}
	}
	c.Result = &res
	return &res, nil
}

// failed handles a broken round trip to the kernel. A kernel that no
// longer answers its health check is gone with its sandbox (the code
// exhausted the session's memory or process limits, or crashed it): the
// session ends (the next call gets ResourceNotFoundException) and this
// call gets an isError result saying so. A kernel that is still there but
// did not answer in time is an internal error.
func (c *Call) failed(ctx context.Context, err error) (*Result, error) {
	if ctx.Err() == context.DeadlineExceeded {
		c.s.log.Warn("code interpreter call got no answer", "session", c.sess.ID, "tool", c.req.Name, "err", err)
		return nil, errs.E(errs.Internal, "the code interpreter did not answer within %s", c.s.o.CallTimeout+callGrace)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if _, perr := c.lease.Conn.Ping(pctx); perr == nil {
		c.s.log.Warn("code interpreter call failed", "session", c.sess.ID, "tool", c.req.Name, "err", err)
		return nil, errs.Wrap(errs.Internal, err, "the session's kernel failed")
	}
	c.s.log.Warn("code interpreter session ended by its code", "session", c.sess.ID, "tool", c.req.Name, "err", err)
	c.lease.Fail("the kernel is gone: " + err.Error())
	c.s.terminated(context.WithoutCancel(ctx), c.acct, c.it.ID, c.sess.ID)
	c.Result = errorResult("The session's sandbox ended while running this call (the code exceeded the session's memory or process limits, or ended its interpreter); the session is TERMINATED: start a new one.", time.Since(c.started))
	return c.Result, nil
}

// kernelError turns a kernel's refusal into its AWS error.
func kernelError(status int, raw []byte) error {
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(raw, &e)
	if e.Message == "" {
		e.Message = "the kernel refused the call"
	}
	switch {
	case e.Type == "ValidationException" || status == 400:
		return &errs.Error{Kind: errs.Invalid, Reason: errs.ReasonFieldValidation, Message: e.Message}
	case e.Type == "ResourceNotFoundException" || status == 404:
		return errs.E(errs.NotFound, "%s", e.Message)
	case e.Type == "ServiceQuotaExceededException" || status == 402:
		return errs.E(errs.QuotaExceeded, "%s", e.Message)
	}
	return errs.E(errs.Internal, "the kernel failed (%d): %s", status, e.Message)
}

// End releases the session, records the call's output with the session's
// logs and reports it to the observer. err is Run's error (or nil).
func (c *Call) End(err error) {
	c.lease.Release()
	took := time.Since(c.started)
	isErr := err != nil || c.Result != nil && c.Result.IsError
	if c.s.o.Observer != nil {
		c.s.o.Observer.CodeInterpreterCall(c.req.Name, c.Language(), isErr, took)
	}
	if c.s.o.Logs != nil && c.Result != nil && c.Result.StructuredContent != nil {
		sc := c.Result.StructuredContent
		for stream, text := range map[string]*string{"stdout": sc.Stdout, "stderr": sc.Stderr} {
			if text == nil || *text == "" {
				continue
			}
			w := c.s.o.Logs(c.acct, c.it.ARN, c.sess.ID, stream)
			io.WriteString(w, *text) //nolint:errcheck // the log writer never fails
			w.Close()
		}
	}
}

// Invoke runs one tool call from start to end (Begin, Run, End).
func (s *Service) Invoke(ctx context.Context, interpreterID, sessionID string, req ToolRequest) (*Result, error) {
	if _, err := tenant.From(ctx); err != nil {
		return nil, err
	}
	c, err := s.Begin(ctx, interpreterID, sessionID, req)
	if err != nil {
		return nil, err
	}
	res, err := c.Run(ctx)
	c.End(err)
	return res, err
}

// errorResult is an isError result carrying msg on stderr.
func errorResult(msg string, took time.Duration) *Result {
	empty, code, ms := "", 1, float64(took.Microseconds())/1000
	return &Result{IsError: true, Content: []ContentBlock{{Type: "text", Text: &msg}},
		StructuredContent: &StructuredContent{Stdout: &empty, Stderr: &msg, ExitCode: &code, ExecutionTime: &ms}}
}
