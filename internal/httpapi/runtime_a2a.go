package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/agentclient"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/google/uuid"
)

// agentCardPath is where A2A agents serve their card (agent contract §11.1).
const agentCardPath = "/.well-known/agent-card.json"

// maxAgentCard bounds the card document read from the agent.
const maxAgentCard = 1 << 20

// getAgentCard is GetAgentCard: the A2A agent's card, fetched from the
// session's agent on its contract port, with its endpoint URLs rewritten to
// this platform's invocation URL so A2A clients send their messages here.
func (s *Server) getAgentCard(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	tg := target(r, p)
	if tg.SessionID == "" {
		tg.SessionID = uuid.NewString() // plain A2A card resolvers send none
	}
	inv, err := s.cfg.Runtime.Invoke(ctx, tg)
	if err != nil {
		return err
	}
	defer inv.Release()
	if inv.Protocol != "A2A" {
		return errs.E(errs.Invalid, "agent runtime %s serves protocol %s; only A2A runtimes have an agent card", inv.RuntimeARN, inv.Protocol)
	}
	conn, ok := inv.Conn.(*agentclient.Conn)
	if !ok {
		return errs.E(errs.Internal, "session has no HTTP connection")
	}
	actx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, agentclient.BaseURL+agentCardPath, nil)
	if err != nil {
		return err
	}
	req.Host = agentHost(inv.Port)
	req.Header.Set("Accept", "application/json")
	req.Header.Set(hSession, tg.SessionID)
	if v := r.Header.Get("A2A-Version"); v != "" {
		req.Header.Set("A2A-Version", v)
	}
	resp, err := conn.Do(req)
	if err != nil {
		return s.agentFailure(ctx, inv, err, 30*time.Second)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAgentCard+1))
	if err != nil {
		return errs.Wrap(errs.RuntimeClient, err, "Received error (reading the agent card) from runtime")
	}
	if resp.StatusCode != http.StatusOK {
		return errs.E(errs.RuntimeClient, "Received error (%d) from runtime for %s. Please check your CloudWatch logs for more information", resp.StatusCode, agentCardPath)
	}
	if len(raw) > maxAgentCard {
		return errs.E(errs.RuntimeClient, "the agent card is larger than %d bytes", maxAgentCard)
	}
	var card map[string]any
	if err := json.Unmarshal(raw, &card); err != nil {
		return errs.E(errs.RuntimeClient, "the agent's %s is not a JSON object: %v", agentCardPath, err)
	}
	rewriteCardURLs(card, invocationURL(r, inv.RuntimeARN, tg.Qualifier))
	w.Header().Set(hSession, tg.SessionID)
	return writeJSON(w, http.StatusOK, card)
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
