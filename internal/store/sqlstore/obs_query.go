package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
)

// ListSessions implements observability.Store.
func (s *Store) ListSessions(ctx context.Context, f observability.Filter) ([]observability.SessionSummary, error) {
	f.SessionID, f.TraceID = "", ""
	w, args := where(f, "start_ns")
	q := `SELECT session_id, MAX(runtime_arn), MIN(start_ns), MAX(end_ns), COUNT(*), SUM(is_error)
		FROM obs_spans WHERE ` + w + ` AND session_id <> '' GROUP BY session_id`
	if f.ErrorsOnly {
		q += ` HAVING SUM(is_error) > 0`
	}
	q += ` ORDER BY MAX(end_ns) DESC, session_id LIMIT ?`
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(q), append(args, observability.PageLimit(f.Limit))...)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	out := []observability.SessionSummary{}
	for rows.Next() {
		var ss observability.SessionSummary
		var first, last int64
		if err := rows.Scan(&ss.SessionID, &ss.RuntimeARN, &first, &last, &ss.SpanCount, &ss.ErrorCount); err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		ss.FirstSeen, ss.LastSeen = fromNS(first), fromNS(last)
		out = append(out, ss)
	}
	return out, rows.Err()
}

// ListTraces implements observability.Store.
func (s *Store) ListTraces(ctx context.Context, f observability.Filter) ([]observability.TraceSummary, error) {
	f.TraceID = ""
	w, args := where(f, "start_ns")
	q := `SELECT trace_id, MAX(CASE WHEN parent_span_id = '' THEN name ELSE '' END), MIN(start_ns), MAX(end_ns),
		COUNT(*), SUM(is_error) FROM obs_spans WHERE ` + w + ` GROUP BY trace_id`
	if f.ErrorsOnly {
		q += ` HAVING SUM(is_error) > 0`
	}
	q += ` ORDER BY MIN(start_ns), trace_id LIMIT ?`
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(q), append(args, observability.PageLimit(f.Limit))...)
	if err != nil {
		return nil, fmt.Errorf("list traces: %w", err)
	}
	defer rows.Close()
	out := []observability.TraceSummary{}
	for rows.Next() {
		var ts observability.TraceSummary
		var first, last int64
		if err := rows.Scan(&ts.TraceID, &ts.RootName, &first, &last, &ts.SpanCount, &ts.ErrorCount); err != nil {
			return nil, fmt.Errorf("list traces: %w", err)
		}
		ts.Start, ts.End = fromNS(first), fromNS(last)
		out = append(out, ts)
	}
	return out, rows.Err()
}

// DeleteBefore implements observability.Store.
func (s *Store) DeleteBefore(ctx context.Context, t time.Time) (int64, int64, error) {
	res, err := s.db.ExecContext(ctx, s.d.Rebind(`DELETE FROM obs_spans WHERE start_ns < ?`), t.UnixNano())
	if err != nil {
		return 0, 0, fmt.Errorf("delete spans: %w", err)
	}
	sp, _ := res.RowsAffected()
	res, err = s.db.ExecContext(ctx, s.d.Rebind(`DELETE FROM obs_logs WHERE time_ns < ?`), t.UnixNano())
	if err != nil {
		return sp, 0, fmt.Errorf("delete logs: %w", err)
	}
	lg, _ := res.RowsAffected()
	return sp, lg, nil
}

func ns(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
