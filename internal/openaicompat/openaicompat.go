// Package openaicompat is the OpenAI-compatible front door of the runtime:
// GET /v1/models lists the account's agent runtimes (and their named
// endpoints, as "name:endpoint") as models, and POST /v1/chat/completions
// invokes the runtime a model names and turns the agent's JSON or SSE
// answer into chat.completion / chat.completion.chunk objects. The AWS edge
// (internal/httpapi) authenticates and hands the requests here.
package openaicompat

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/runtime/invokehttp"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/google/uuid"
)

// The OpenAI-compatible front door: GET /v1/models lists the account's agent
// runtimes (and their named endpoints, as "name:endpoint") as models, and
// POST /v1/chat/completions invokes the runtime a model names with
// {"prompt": <last user message>, "messages": [...]} and turns the agent's
// JSON or SSE answer into chat.completion / chat.completion.chunk objects.
// The conversation's runtime session comes from, in order, the
// X-Amzn-Bedrock-AgentCore-Runtime-Session-Id header, an X-Conversation-Id
// header, or the request's "user"; without any, every request is a new
// session, stopped once it has answered (a stateless call must not leave an
// environment running until the idle timeout). OTLP (/v1/traces, /v1/logs, /v1/metrics) is served before this.

const hConversation = "X-Conversation-Id"

// IsPath reports whether the front door serves path.
func IsPath(p string) bool {
	return p == "/v1/models" || strings.HasPrefix(p, "/v1/models/") || p == "/v1/chat/completions"
}

// OpName names a front-door request for spans and metrics.
func OpName(path string) string {
	if path == "/v1/chat/completions" {
		return "ChatCompletions"
	}
	return "ListModels"
}

// Serve answers a front-door request (IsPath) of an authenticated caller.
func (s *Handler) Serve(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	var err error
	switch {
	case path == "/v1/chat/completions" && r.Method == http.MethodPost:
		err = s.chatCompletions(ctx, w, r)
	case path == "/v1/models" && r.Method == http.MethodGet:
		err = s.listModels(ctx, w)
	case strings.HasPrefix(path, "/v1/models/") && r.Method == http.MethodGet:
		err = s.getModel(ctx, w, strings.TrimPrefix(path, "/v1/models/"))
	default:
		err = &oaiError{status: http.StatusMethodNotAllowed, typ: "invalid_request_error", code: "method_not_allowed",
			msg: r.Method + " is not supported on " + path}
	}
	if err != nil {
		s.writeError(w, err)
	}
}

// oaiModel is one entry of /v1/models.
type oaiModel struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
	// target is what the model invokes (not sent).
	target runtime.Target
	arn    string
}

// models lists every runtime of the account and its named endpoints.
func (s *Handler) models(ctx context.Context) ([]oaiModel, error) {
	t, _ := tenant.From(ctx)
	var out []oaiModel
	page := runtime.Page{MaxResults: 100}
	for {
		rts, next, err := s.cfg.Runtime.List(ctx, page)
		if err != nil {
			return nil, err
		}
		for _, rt := range rts {
			out = append(out, oaiModel{ID: rt.Name, Object: "model", Created: rt.CreatedAt.Unix(), OwnedBy: t.Account,
				target: runtime.Target{ARN: rt.ARN}, arn: rt.ARN})
			_, eps, _, err := s.cfg.Runtime.ListEndpoints(ctx, rt.ID, runtime.Page{MaxResults: 100})
			if err != nil {
				continue // deleted meanwhile
			}
			for _, ep := range eps {
				if ep.Name == runtime.DefaultEndpoint {
					continue
				}
				out = append(out, oaiModel{ID: rt.Name + ":" + ep.Name, Object: "model", Created: ep.CreatedAt.Unix(), OwnedBy: t.Account,
					target: runtime.Target{ARN: rt.ARN, Qualifier: ep.Name}, arn: rt.ARN})
			}
		}
		if next == "" {
			return out, nil
		}
		page.NextToken = next
	}
}

func (s *Handler) listModels(ctx context.Context, w http.ResponseWriter) error {
	ms, err := s.models(ctx)
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []oaiModel{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": ms})
}

func (s *Handler) getModel(ctx context.Context, w http.ResponseWriter, id string) error {
	m, err := s.resolveModel(ctx, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

// resolveModel maps a model name to its runtime: a runtime name, a
// "name:endpoint", or a runtime (endpoint) ARN, optionally ":endpoint".
func (s *Handler) resolveModel(ctx context.Context, model string) (oaiModel, error) {
	notFound := &oaiError{status: http.StatusNotFound, typ: "invalid_request_error", param: "model", code: "model_not_found",
		msg: "The model `" + model + "` does not exist or you do not have access to it."}
	if model == "" {
		return oaiModel{}, &oaiError{status: http.StatusBadRequest, typ: "invalid_request_error", param: "model", code: "missing_required_parameter",
			msg: "you must provide a model parameter"}
	}
	if strings.HasPrefix(model, "arn:") {
		arn, q := model, ""
		if i := strings.LastIndex(model, "/"); i >= 0 {
			if j := strings.Index(model[i:], ":"); j >= 0 {
				arn, q = model[:i+j], model[i+j+1:]
			}
		}
		if _, err := runtime.ParseRuntimeARN(arn); err != nil {
			return oaiModel{}, notFound
		}
		return oaiModel{ID: model, Object: "model", target: runtime.Target{ARN: arn, Qualifier: q}, arn: arn}, nil
	}
	name, ep, _ := strings.Cut(model, ":")
	t, _ := tenant.From(ctx)
	page := runtime.Page{MaxResults: 100}
	for {
		rts, next, err := s.cfg.Runtime.List(ctx, page)
		if err != nil {
			return oaiModel{}, err
		}
		for _, rt := range rts {
			if rt.Name != name {
				continue
			}
			m := oaiModel{ID: model, Object: "model", Created: rt.CreatedAt.Unix(), OwnedBy: t.Account,
				target: runtime.Target{ARN: rt.ARN, Qualifier: ep}, arn: rt.ARN}
			if ep != "" {
				e, err := s.cfg.Runtime.GetEndpoint(ctx, rt.ID, ep)
				if err != nil {
					return oaiModel{}, notFound
				}
				m.Created = e.CreatedAt.Unix()
			}
			return m, nil
		}
		if next == "" {
			return oaiModel{}, notFound
		}
		page.NextToken = next
	}
}

// chatRequest is the part of an OpenAI chat request the front door reads.
type chatRequest struct {
	Model         string            `json:"model"`
	Messages      []json.RawMessage `json:"messages"`
	Stream        bool              `json:"stream"`
	User          string            `json:"user"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// chatSession derives the runtime session of a conversation; oneShot is
// true for a request that names none (its session is its own).
func chatSession(r *http.Request, req *chatRequest, arn string) (id string, oneShot bool) {
	if v := r.Header.Get(invokehttp.HeaderSession); v != "" {
		return v, false
	}
	conv := r.Header.Get(hConversation)
	if conv == "" && req.User != "" {
		conv = "user:" + req.User
	}
	if conv == "" {
		return "chat-" + uuid.NewString(), true
	}
	t, _ := tenant.From(r.Context())
	h := sha256.Sum256([]byte(t.Account + "\x00" + arn + "\x00" + conv))
	return "chat-" + hex.EncodeToString(h[:20]), false
}

func (s *Handler) chatCompletions(ctx context.Context, w http.ResponseWriter, r *http.Request) (err error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxPayload+1))
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "reading the request body")
	}
	if int64(len(raw)) > s.cfg.MaxPayload {
		return &oaiError{status: http.StatusRequestEntityTooLarge, typ: "invalid_request_error", code: "request_too_large",
			msg: "the request body exceeds the limit of " + strconv.FormatInt(s.cfg.MaxPayload, 10) + " bytes"}
	}
	var req chatRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return &oaiError{status: http.StatusBadRequest, typ: "invalid_request_error", code: "invalid_json",
			msg: "We could not parse the JSON body of your request: " + err.Error()}
	}
	if len(req.Messages) == 0 {
		return &oaiError{status: http.StatusBadRequest, typ: "invalid_request_error", param: "messages", code: "missing_required_parameter",
			msg: "messages must be a non-empty array"}
	}
	m, err := s.resolveModel(ctx, req.Model)
	if err != nil {
		return err
	}
	prompt, err := lastUserText(req.Messages)
	if err != nil {
		return err
	}
	payload := map[string]any{"prompt": prompt, "messages": req.Messages}
	if req.Stream {
		payload["stream"] = true
	}
	body, _ := json.Marshal(payload)
	tg := m.target
	var oneShot bool
	tg.SessionID, oneShot = chatSession(r, &req, m.arn)

	ctx, ob := s.cfg.Observe(ctx, w, r, tg)
	defer func() { ob.End(err, recover()) }()
	who, err := s.authorize(ctx, w, r, tg)
	if err != nil {
		return err
	}
	inv, err := s.cfg.Runtime.Invoke(ctx, tg)
	if err != nil {
		return err
	}
	if oneShot { // runs after Release below: the session is not needed again
		defer func() {
			go s.cfg.Runtime.StopSession(context.WithoutCancel(ctx), tg) //nolint:errcheck // gone already is fine
		}()
	}
	defer inv.Release()
	ob.Resolved(inv)
	if inv.Protocol == "MCP" || inv.Protocol == "A2A" {
		return &oaiError{status: http.StatusBadRequest, typ: "invalid_request_error", param: "model", code: "unsupported_model",
			msg: "model `" + req.Model + "` is a runtime serving protocol " + inv.Protocol + "; chat completions need an HTTP runtime"}
	}
	timeout := s.cfg.Timeout
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	in := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
	if req.Stream {
		in.Set("Accept", "text/event-stream, application/json")
	}
	for _, k := range []string{"Traceparent", "Tracestate", "Baggage", "X-Amzn-Trace-Id"} {
		if v := r.Header.Get(k); v != "" {
			in.Set(k, v)
		}
	}
	hdr := http.Header{}
	invokehttp.AgentHeaders(hdr, in, tg.SessionID, nil)
	if err := s.cfg.Agent.IdentityHeaders(ctx, hdr, who); err != nil {
		return err
	}
	ob.Inject(actx, hdr, tg.SessionID)
	resp, err := inv.Conn.RoundTrip(actx, &runtime.AgentRequest{Method: http.MethodPost, Path: inv.Path, Header: hdr, Body: bytes.NewReader(body)})
	if err != nil {
		return invokehttp.AgentFailure(ctx, inv, err, timeout)
	}
	defer resp.Body.Close()
	ob.AgentStatus(resp.Status)
	if resp.Status < 200 || resp.Status > 299 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) //nolint:errcheck // dropped, as InvokeAgentRuntime does
		return errs.E(errs.RuntimeClient, "Received error (%d) from runtime. Please check the session logs for more information", resp.Status)
	}
	w.Header().Set(invokehttp.HeaderSession, tg.SessionID)
	cc := newCompletion(req.Model)
	sse := strings.HasPrefix(http.Header(resp.Header).Get("Content-Type"), "text/event-stream")
	if req.Stream {
		includeUsage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
		return cc.stream(actx, w, resp.Body, sse, includeUsage)
	}
	return cc.complete(w, resp.Body, sse)
}

// lastUserText is the text of the last user message (the agent's prompt).
func lastUserText(msgs []json.RawMessage) (string, error) {
	for i := len(msgs) - 1; i >= 0; i-- {
		var m struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		}
		if err := json.Unmarshal(msgs[i], &m); err != nil {
			return "", &oaiError{status: http.StatusBadRequest, typ: "invalid_request_error", param: "messages",
				code: "invalid_value", msg: "messages[" + strconv.Itoa(i) + "] is not a message object"}
		}
		if m.Role == "user" {
			return contentText(m.Content), nil
		}
	}
	return "", &oaiError{status: http.StatusBadRequest, typ: "invalid_request_error", param: "messages", code: "invalid_value",
		msg: "messages must contain a user message"}
}

// contentText flattens a message content (string or parts) to text.
func contentText(c json.RawMessage) string {
	var s string
	if json.Unmarshal(c, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(c, &parts) != nil {
		return ""
	}
	var out []string
	for _, p := range parts {
		if p.Text != "" {
			out = append(out, p.Text)
		}
	}
	return strings.Join(out, "\n")
}

// oaiError is an error in OpenAI's shape.
type oaiError struct {
	status                int
	typ, code, param, msg string
}

func (e *oaiError) Error() string { return e.msg }

// writeError writes {"error":{"message","type","param","code"}}.
func (s *Handler) writeError(w http.ResponseWriter, err error) {
	var oe *oaiError
	if !errors.As(err, &oe) {
		e := s.cfg.Shape(err)
		oe = &oaiError{status: e.Status, msg: e.Message, code: codeOf(e.Type)}
		switch {
		case e.Auth: // SigV4 failures
			oe.status, oe.typ = http.StatusForbidden, "authentication_error"
		case e.Kind == errs.Invalid:
			oe.typ = "invalid_request_error"
		case e.Kind == errs.NotFound:
			oe.typ, oe.code = "invalid_request_error", "model_not_found"
		case e.Kind == errs.Throttled:
			oe.typ, oe.code = "rate_limit_error", "rate_limit_exceeded"
		case e.Kind == errs.AccessDenied, e.Kind == errs.Unauthorized:
			oe.typ = "authentication_error"
		case e.Kind == errs.Internal:
			oe.typ = "server_error" // the edge logged it and masked the message
		default:
			oe.typ = "api_error"
		}
	}
	var param any
	if oe.param != "" {
		param = oe.param
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	w.WriteHeader(oe.status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{ //nolint:errcheck // client gone
		"message": oe.msg, "type": oe.typ, "param": param, "code": oe.code}})
}

// codeOf turns an AWS error type into a snake_case code
// (RuntimeClientError → runtime_client_error).
func codeOf(awsType string) string {
	var b strings.Builder
	for i, c := range strings.TrimSuffix(awsType, "Exception") {
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}
