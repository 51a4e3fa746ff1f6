// Package toolsession keeps the stored records of the built-in tools'
// sessions (Code Interpreter, Browser): one JSON document per session under
// "<account>/<tool id>/<session id>", READY while its environment runs on
// the server (replica) that started it and TERMINATED after, kept TERMINATED for Kept and then
// deleted. The tools' services own their record types and the environments;
// this package pages, sweeps and walks the records for them.
package toolsession

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Session statuses (CodeInterpreterSessionStatus, BrowserSessionStatus).
const (
	Ready      = "READY"
	Terminated = "TERMINATED"
)

// Kept is how long a TERMINATED session stays gettable and listable.
const Kept = 24 * time.Hour

// Key is the store key of a tool's session.
func Key(acct, tool, sid string) string { return acct + "/" + tool + "/" + sid }

// PageSize checks maxResults (1-100, default 100 when 0).
func PageSize(n int) (int, error) {
	switch {
	case n == 0:
		return 100, nil
	case n < 1 || n > 100:
		return 0, errs.Field("maxResults", "maxResults must be from 1 to 100 (got %d)", n)
	}
	return n, nil
}

// Records are one tool's stored sessions of type S.
type Records[S any] struct {
	KV    store.KV
	Table string
	// State gives a record's session id, status and last update.
	State func(*S) (id, status string, updated time.Time)
	// Running reports whether the session's environment runs here.
	Running func(acct string, s *S) bool
	// Set changes a record's status and last update.
	Set func(s *S, status string, at time.Time)
	// Terminate stores the session TERMINATED (MarkTerminated, plus
	// ending what the service holds for it) and returns the stored record,
	// nil when it could not.
	Terminate func(ctx context.Context, acct, tool, sid string) *S
	// End stops the environment of a session whose record another
	// replica stored TERMINATED while it runs here (this replica was
	// declared dead meanwhile, or the tool was deleted); nil: none.
	End func(ctx context.Context, acct string, s *S)
	Now func() time.Time
	Log *slog.Logger
	// With replicas sharing the store: Owner names the replica a record's
	// session runs on ("" = unknown), Self is this replica, and Alive
	// reports whether a replica still runs. The sweep then terminates a
	// READY session not running here only when it is this replica's, has
	// no owner, or its owner stopped. Nil Owner or Alive: a single server
	// (every READY session not running here is gone).
	Owner func(*S) string
	Self  string
	Alive func(ctx context.Context, owner string) bool
}

// elsewhere reports whether s runs on another replica that is alive.
func (r *Records[S]) elsewhere(ctx context.Context, s *S) bool {
	if r.Owner == nil || r.Alive == nil {
		return false
	}
	o := r.Owner(s)
	return o != "" && o != r.Self && r.Alive(ctx, o)
}

// Host names the other live replica that runs s ("" when s is not READY,
// runs here, or its replica is gone): requests for it are forwarded there.
func (r *Records[S]) Host(ctx context.Context, acct string, s *S) string {
	if _, status, _ := r.State(s); status != Ready || r.Running(acct, s) || !r.elsewhere(ctx, s) {
		return ""
	}
	return r.Owner(s)
}

// MarkTerminated stores a session TERMINATED (a no-op when it already is)
// and returns the stored record; nil when it is gone or could not be
// written (logged).
func (r *Records[S]) MarkTerminated(ctx context.Context, acct, tool, sid string) *S {
	var out *S
	err := store.Retry(ctx, func() error {
		s, rev, err := store.GetJSON[S](ctx, r.KV, r.Table, Key(acct, tool, sid))
		if err != nil {
			return err
		}
		out = s
		if _, status, _ := r.State(s); status == Terminated {
			return nil
		}
		r.Set(s, Terminated, r.Now().UTC())
		return r.KV.Txn(ctx, store.UpdateJSON(r.Table, Key(acct, tool, sid), rev, s))
	})
	if err != nil {
		if errs.KindOf(err) != errs.NotFound && ctx.Err() == nil {
			r.Log.Warn("marking a session TERMINATED", "session", sid, "err", err)
		}
		return nil
	}
	return out
}

// Current is s, or its record marked TERMINATED when s is READY but its
// environment is gone (it crashed, or the server restarted; with replicas:
// not running here nor on a live replica). A TERMINATED session whose
// environment still runs here has it stopped (End).
func (r *Records[S]) Current(ctx context.Context, acct, tool string, s *S) *S {
	id, status, _ := r.State(s)
	switch {
	case status == Ready && !r.Running(acct, s) && !r.elsewhere(ctx, s):
		if upd := r.Terminate(ctx, acct, tool, id); upd != nil {
			return upd
		}
	case status == Terminated && r.End != nil && r.Running(acct, s):
		r.End(ctx, acct, s)
	}
	return s
}

// List pages through a tool's sessions of acct, optionally only those of
// one status ("" = all). READY sessions whose environment is gone are
// reported (and stored) TERMINATED.
func (r *Records[S]) List(ctx context.Context, acct, tool, status string, maxResults int, nextToken string) ([]*S, string, error) {
	if err := CheckList(status, maxResults); err != nil {
		return nil, "", err
	}
	limit, _ := PageSize(maxResults)
	prefix := acct + "/" + tool + "/"
	after := prefix
	if nextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(nextToken)
		if err != nil || len(nextToken) > 2048 || !strings.HasPrefix(string(raw), prefix) {
			return nil, "", errs.Field("nextToken", "nextToken is not valid for this request")
		}
		after = string(raw)
	}
	out := []*S{}
	var lastKey string
	for len(out) <= limit {
		items, err := r.KV.List(ctx, r.Table, prefix, after, 200)
		if err != nil {
			return nil, "", err
		}
		for _, item := range items {
			s := new(S)
			if err := json.Unmarshal(item.Value, s); err != nil {
				return nil, "", err
			}
			s = r.Current(ctx, acct, tool, s)
			if _, st, _ := r.State(s); status != "" && st != status {
				continue
			}
			if len(out) == limit { // one more exists: this page ends before it
				return out, base64.RawURLEncoding.EncodeToString([]byte(lastKey)), nil
			}
			out, lastKey = append(out, s), item.Key
		}
		if len(items) < 200 {
			break
		}
		after = items[len(items)-1].Key
	}
	return out, "", nil
}

// EachReady calls f for every READY session of a tool of acct (to end
// them when the tool is deleted); errors are logged.
func (r *Records[S]) EachReady(ctx context.Context, acct, tool string, f func(*S)) {
	token := ""
	for {
		items, next, err := store.ListJSON[S](ctx, r.KV, r.Table, acct+"/"+tool+"/", token, 500)
		if err != nil {
			r.Log.Warn("listing the sessions of a deleted tool", "tool", tool, "err", err)
			return
		}
		for _, s := range items {
			if _, status, _ := r.State(s); status == Ready {
				f(s)
			}
		}
		if next == "" {
			return
		}
		token = next
	}
}

// Sweep marks READY sessions whose environment is not running here
// TERMINATED, stops the environments of TERMINATED sessions still running
// here (End) and deletes sessions terminated more than Kept ago.
func (r *Records[S]) Sweep(ctx context.Context) error {
	after := ""
	for {
		items, err := r.KV.List(ctx, r.Table, "", after, 500)
		if err != nil {
			return err
		}
		for _, it := range items {
			r.sweepOne(ctx, it)
		}
		if len(items) < 500 {
			return nil
		}
		after = items[len(items)-1].Key
	}
}

func (r *Records[S]) sweepOne(ctx context.Context, it store.Item) {
	acct, rest, _ := strings.Cut(it.Key, "/")
	tool, sid, _ := strings.Cut(rest, "/")
	s := new(S)
	if err := json.Unmarshal(it.Value, s); err != nil {
		return
	}
	_, status, updated := r.State(s)
	switch {
	case status == Ready && !r.Running(acct, s) && !r.elsewhere(ctx, s):
		r.Terminate(ctx, acct, tool, sid)
	case status == Terminated && r.End != nil && r.Running(acct, s):
		r.End(ctx, acct, s)
	case status == Terminated && r.Now().Sub(updated) > Kept:
		if err := r.KV.Txn(ctx, store.DeleteAt(r.Table, it.Key, it.Revision)); err != nil && !store.Concurrent(err) {
			r.Log.Warn("deleting an expired session", "session", sid, "err", err)
		}
	}
}

// SweepEvery runs Sweep every interval until ctx ends.
func (r *Records[S]) SweepEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := r.Sweep(ctx); err != nil && ctx.Err() == nil {
				r.Log.Warn("session sweep failed", "err", err)
			}
		}
	}
}

// CheckList checks a list request's status filter and page size before
// the caller looks up the tool (List checks them again).
func CheckList(status string, maxResults int) error {
	if status != "" && status != Ready && status != Terminated {
		return errs.Field("status", "status must be READY or TERMINATED (got %q)", status)
	}
	_, err := PageSize(maxResults)
	return err
}
