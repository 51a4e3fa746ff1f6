package invokehttp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/google/uuid"
)

// agentCardPath is where A2A agents serve their card (agent contract §11.1).
const (
	agentCardPath       = "/.well-known/agent-card.json"
	legacyAgentCardPath = "/.well-known/agent.json"
)

// maxAgentCard bounds the card document read from the agent.
const maxAgentCard = 1 << 20

// AgentCard serves GetAgentCard: the A2A agent's card, fetched from the
// session's agent on its contract port, with its endpoint URLs rewritten to
// this platform's invocation URL so A2A clients send their messages here.
func (h *Handler) AgentCard(ctx context.Context, w http.ResponseWriter, r *http.Request, tg runtime.Target) error {
	if tg.SessionID == "" {
		tg.SessionID = uuid.NewString() // plain A2A card resolvers send none
	}
	inv, err := h.cfg.Runtime.Invoke(ctx, tg)
	if err != nil {
		return err
	}
	defer inv.Release()
	if inv.Protocol != "A2A" {
		return errs.E(errs.Invalid, "agent runtime %s serves protocol %s; only A2A runtimes have an agent card", inv.RuntimeARN, inv.Protocol)
	}
	actx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	version := r.Header.Get("A2A-Version")
	status, raw, err := fetchCard(actx, inv.Conn, agentCardPath, tg.SessionID, version)
	if err == nil && status == http.StatusNotFound {
		// A2A before 0.3 served the card at /.well-known/agent.json.
		status, raw, err = fetchCard(actx, inv.Conn, legacyAgentCardPath, tg.SessionID, version)
	}
	if err != nil {
		return AgentFailure(ctx, inv, err, 30*time.Second)
	}
	if status != http.StatusOK {
		return errs.E(errs.RuntimeClient, "Received error (%d) from runtime for %s. Please check your CloudWatch logs for more information", status, agentCardPath)
	}
	if len(raw) > maxAgentCard {
		return errs.E(errs.RuntimeClient, "the agent card is larger than %d bytes", maxAgentCard)
	}
	var card map[string]any
	if err := json.Unmarshal(raw, &card); err != nil {
		return errs.E(errs.RuntimeClient, "the agent's %s is not a JSON object: %v", agentCardPath, err)
	}
	rewriteCardURLs(card, invocationURL(r, inv.RuntimeARN, tg.Qualifier))
	b, err := json.Marshal(card)
	if err != nil {
		return err
	}
	out := w.Header()
	out.Set(HeaderSession, tg.SessionID)
	out.Set("Content-Type", "application/json")
	out.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}

// fetchCard GETs a card path from the agent.
func fetchCard(ctx context.Context, conn runtime.AgentConn, path, session, version string) (int, []byte, error) {
	hdr := http.Header{"Accept": {"application/json"}, HeaderSession: {session}}
	if version != "" {
		hdr.Set("A2A-Version", version)
	}
	resp, err := conn.RoundTrip(ctx, &runtime.AgentRequest{Method: http.MethodGet, Path: path, Header: hdr})
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAgentCard+1))
	return resp.Status, raw, err
}

// invocationURL is the public InvokeAgentRuntime URL of a runtime as seen by
// this request's caller.
func invocationURL(r *http.Request, arn, qualifier string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	// Escaped as the AWS SDKs escape the ARN label (":" too).
	u := scheme + "://" + r.Host + "/runtimes/" + strings.ReplaceAll(url.PathEscape(arn), ":", "%3A") + "/invocations"
	if qualifier != "" {
		u += "?qualifier=" + url.QueryEscape(qualifier)
	}
	return u
}

// rewriteCardURLs points every endpoint of a v0.3 card (url,
// additionalInterfaces) or a v1.0 card (supportedInterfaces) at u.
func rewriteCardURLs(card map[string]any, u string) {
	if _, ok := card["url"]; ok {
		card["url"] = u
	}
	for _, key := range []string{"additionalInterfaces", "supportedInterfaces"} {
		list, _ := card[key].([]any)
		for _, it := range list {
			if m, ok := it.(map[string]any); ok {
				if _, ok := m["url"]; ok {
					m["url"] = u
				}
			}
		}
	}
}
