package browser

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// ListSessions pages through a browser's sessions of the caller,
// optionally only those of one status. READY sessions whose browser is
// gone are reported (and stored) TERMINATED.
func (s *Service) ListSessions(ctx context.Context, browserID, status string, p Page) ([]*Session, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	if status != "" && status != SessionReady && status != SessionTerminated {
		return nil, "", errs.Field("status", "status must be READY or TERMINATED (got %q)", status)
	}
	limit, err := pageSize(p.MaxResults)
	if err != nil {
		return nil, "", err
	}
	b, err := s.Get(ctx, browserID)
	if err != nil {
		return nil, "", err
	}
	prefix := t.Account + "/" + b.ID + "/"
	after := prefix
	if p.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.NextToken)
		if err != nil || len(p.NextToken) > 2048 || !strings.HasPrefix(string(raw), prefix) {
			return nil, "", errs.Field("nextToken", "nextToken is not valid for this request")
		}
		after = string(raw)
	}
	out := []*Session{}
	var lastKey string
	for len(out) <= limit {
		items, err := s.kv.List(ctx, tblSession, prefix, after, 200)
		if err != nil {
			return nil, "", err
		}
		for _, item := range items {
			var sess Session
			if err := json.Unmarshal(item.Value, &sess); err != nil {
				return nil, "", err
			}
			if sess.Status == SessionReady && !s.running(t.Account, &sess) {
				if upd := s.terminated(ctx, t.Account, b.ID, sess.ID); upd != nil {
					sess = *upd
				}
			}
			if status != "" && sess.Status != status {
				continue
			}
			if len(out) == limit { // one more exists: this page ends before it
				return out, base64.RawURLEncoding.EncodeToString([]byte(lastKey)), nil
			}
			out, lastKey = append(out, &sess), item.Key
		}
		if len(items) < 200 {
			break
		}
		after = items[len(items)-1].Key
	}
	return out, "", nil
}
