package insights

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/observability"
)

// SpansGroup is the log group of the account's spans.
const SpansGroup = "aws/spans"

// QueryTTL is how long a finished query's results stay readable.
const QueryTTL = 15 * time.Minute

// Engine runs queries for accounts. Query state lives in memory on this
// replica: GetQueryResults must reach the replica that ran StartQuery.
type Engine struct {
	Obs *observability.Service
	Now func() time.Time

	mu      sync.Mutex
	queries map[string]*result // account + "/" + query id
}

// Result is a finished query.
type result struct {
	rows    [][]Field
	stats   Stats
	status  string
	expires time.Time
}

// Results is what GetQueryResults returns.
type Results struct {
	Rows   [][]Field
	Stats  Stats
	Status string
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// StartQuery runs query over the log groups between start and end
// (inclusive, epoch seconds) and keeps the results under a new query id.
func (e *Engine) StartQuery(ctx context.Context, account, region string, groups []string, start, end int64, query string, limit int) (string, error) {
	if len(groups) == 0 {
		return "", errs.Field("logGroupName", "one of logGroupName, logGroupNames or logGroupIdentifiers is required")
	}
	if end < start {
		return "", errs.Field("endTime", "endTime must not be before startTime")
	}
	q, err := Parse(query)
	if err != nil {
		return "", err
	}
	if limit > 0 && (q.Limit == 0 || limit < q.Limit) {
		q.Limit = min(limit, MaxRows)
	}
	var recs []Record
	for _, g := range groups {
		rs, err := e.records(ctx, account, region, g, time.Unix(start, 0), time.Unix(end+1, 0), q.SessionOf())
		if err != nil {
			return "", err
		}
		recs = append(recs, rs...)
	}
	rows, st := Run(q, recs)
	id := newID()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.queries == nil {
		e.queries = map[string]*result{}
	}
	now := e.now()
	for k, r := range e.queries {
		if now.After(r.expires) {
			delete(e.queries, k)
		}
	}
	e.queries[account+"/"+id] = &result{rows: rows, stats: st, status: "Complete", expires: now.Add(QueryTTL)}
	return id, nil
}

// records reads one log group's documents.
func (e *Engine) records(ctx context.Context, account, region, group string, from, to time.Time, session string) ([]Record, error) {
	f := observability.Filter{Account: account, SessionID: session, From: from, To: to, Limit: observability.MaxLimit}
	var out []Record
	if group == SpansGroup {
		for len(out) < observability.MaxDocuments {
			page, next, err := e.Obs.Spans(ctx, f)
			if err != nil {
				return nil, err
			}
			for _, s := range page {
				out = append(out, Record{Time: s.Start, Doc: observability.ADOTSpan(s)})
			}
			if f.Cursor = next; next == "" {
				break
			}
		}
		return out, nil
	}
	rid, _, ok := observability.ParseRuntimeLogGroup(group)
	if !ok {
		return nil, errs.E(errs.NotFound, "The specified log group does not exist: %s", group)
	}
	f.RuntimeARN = fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:runtime/%s", region, account, rid)
	for len(out) < observability.MaxDocuments {
		page, next, err := e.Obs.Logs(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, l := range page {
			out = append(out, Record{Time: l.Time, Doc: observability.ADOTLog(l)})
		}
		if f.Cursor = next; next == "" {
			break
		}
	}
	return out, nil
}

// GetQueryResults returns a query's results; NotFound for an unknown (or
// expired, or another account's) query id.
func (e *Engine) GetQueryResults(account, id string) (*Results, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.queries[account+"/"+id]
	if r == nil || e.now().After(r.expires) {
		return nil, errs.E(errs.NotFound, "Query %s does not exist", id)
	}
	return &Results{Rows: r.rows, Stats: r.stats, Status: r.status}, nil
}

// StopQuery stops a query; queries finish when started, so it reports
// false for a known query and NotFound for an unknown one.
func (e *Engine) StopQuery(account, id string) (bool, error) {
	if _, err := e.GetQueryResults(account, id); err != nil {
		return false, err
	}
	return false, nil
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
