package insights

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/observability"
)

// SpansGroup is the log group of the account's spans.
const SpansGroup = "aws/spans"

// QueryTTL is how long a finished query's results stay readable.
const QueryTTL = 15 * time.Minute

// Runtimes is the catalogue of the caller's agent runtimes (the tenant is in
// the context): it names the runtime log groups that exist.
type Runtimes interface {
	// RuntimeEndpoints lists the caller's runtimes as runtime id ->
	// endpoint names (DEFAULT included), at most limit runtimes.
	RuntimeEndpoints(ctx context.Context, limit int) (map[string][]string, error)
	// HasEndpoint reports whether the runtime has this endpoint.
	HasEndpoint(ctx context.Context, runtimeID, endpoint string) (bool, error)
}

// Engine runs queries for accounts. Query state lives in memory on this
// replica: GetQueryResults must reach the replica that ran StartQuery.
type Engine struct {
	Obs *observability.Service
	// Runtimes, when set, decides which runtime log groups exist; nil
	// accepts every well-formed runtime log group name and lists none.
	Runtimes Runtimes
	Now      func() time.Time

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
	rid, ep, ok := observability.ParseRuntimeLogGroup(group)
	if !ok {
		return nil, errs.E(errs.NotFound, "The specified log group does not exist: %s", group)
	}
	// The store keeps each record's runtime, not the endpoint it was invoked
	// through: the group holds the runtime's records of every endpoint.
	f.RuntimeARN = fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:runtime/%s", region, account, rid)
	if err := e.groupExists(ctx, f, rid, ep); err != nil {
		return nil, err
	}
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

// groupExists: a runtime log group exists while its runtime has the
// endpoint, and after the runtime is deleted while records of it are kept
// (as CloudWatch keeps log groups).
func (e *Engine) groupExists(ctx context.Context, f observability.Filter, runtimeID, endpoint string) error {
	if e.Runtimes == nil {
		return nil
	}
	ok, err := e.Runtimes.HasEndpoint(ctx, runtimeID, endpoint)
	if err != nil || ok {
		return err
	}
	f.SessionID, f.From, f.To, f.Limit = "", time.Time{}, time.Time{}, 1
	kept, _, err := e.Obs.Logs(ctx, f)
	if err != nil {
		return err
	}
	if len(kept) == 0 {
		return errs.E(errs.NotFound, "The specified log group does not exist: %s", observability.RuntimeLogGroup(runtimeID, endpoint))
	}
	return nil
}

// LogGroups lists the log groups whose names start with prefix, sorted:
// aws/spans and one group per runtime endpoint (at most limit).
func (e *Engine) LogGroups(ctx context.Context, prefix string, limit int) ([]string, error) {
	var out []string
	if strings.HasPrefix(SpansGroup, prefix) {
		out = append(out, SpansGroup)
	}
	if e.Runtimes != nil {
		rts, err := e.Runtimes.RuntimeEndpoints(ctx, MaxLogGroups)
		if err != nil {
			return nil, err
		}
		for id, eps := range rts {
			for _, ep := range eps {
				if g := observability.RuntimeLogGroup(id, ep); strings.HasPrefix(g, prefix) {
					out = append(out, g)
				}
			}
		}
	}
	sort.Strings(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// MaxLogGroups bounds the runtimes DescribeLogGroups lists.
const MaxLogGroups = 1000

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
