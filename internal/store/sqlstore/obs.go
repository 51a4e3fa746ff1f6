package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/observability"
)

var _ observability.Store = (*Store)(nil)

const spanCols = `trace_id, span_id, parent_span_id, session_id, runtime_arn, service_name, name, kind,
	start_ns, end_ns, status_code, status_message, is_error, attrs, resource, events`

// InsertSpans implements observability.Store.
func (s *Store) InsertSpans(ctx context.Context, spans []observability.Span) error {
	head := `INSERT INTO obs_spans (account, ` + spanCols + `) VALUES `
	row := `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	tail := ` ON CONFLICT (account, trace_id, span_id) DO NOTHING`
	var res resourceText
	return s.batch(ctx, head, row, tail, len(spans), func(i int) []any {
		sp := spans[i]
		return []any{sp.Account, sp.TraceID, sp.SpanID, sp.ParentSpanID, sp.SessionID, sp.RuntimeARN, sp.ServiceName,
			sp.Name, sp.Kind, ns(sp.Start), ns(sp.End), sp.StatusCode, sp.StatusMessage, b2i(sp.Error),
			jsonText(sp.Attributes), res.get(sp.Resource), jsonText(sp.Events)}
	})
}

// InsertLogs implements observability.Store.
func (s *Store) InsertLogs(ctx context.Context, logs []observability.LogRecord) error {
	head := `INSERT INTO obs_logs (account, time_ns, session_id, trace_id, span_id, runtime_arn, stream, severity, body, attrs) VALUES `
	return s.batch(ctx, head, `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, "", len(logs), func(i int) []any {
		l := logs[i]
		return []any{l.Account, ns(l.Time), l.SessionID, l.TraceID, l.SpanID, l.RuntimeARN, l.Stream, l.Severity,
			strings.ToValidUTF8(strings.ReplaceAll(l.Body, "\x00", ""), "\uFFFD"), jsonText(l.Attributes)}
	})
}

// batchRows is how many rows one INSERT statement carries: per-statement
// work (driver calls, one VDBE run) is shared by the rows, while the
// parameters stay below SQLite's (32766) and PostgreSQL's (65535) limits:
// 17 columns x 256 rows = 4352.
const batchRows = 256

// batch inserts n rows in one transaction: statements of up to batchRows
// rows (head, then row repeated with commas, then tail), each prepared once.
func (s *Store) batch(ctx context.Context, head, row, tail string, n int, args func(i int) []any) error {
	if n == 0 {
		return nil
	}
	tx, err := s.d.BeginTx(ctx, s.db)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	var flat []any
	for i := 0; i < n; i += batchRows {
		k := min(batchRows, n-i)
		st := stmts[k]
		if st == nil {
			q := head + strings.TrimSuffix(strings.Repeat(row+", ", k), ", ") + tail
			if st, err = tx.PrepareContext(ctx, s.d.Rebind(q)); err != nil {
				return fmt.Errorf("prepare: %w", err)
			}
			stmts[k] = st
		}
		flat = flat[:0]
		for j := i; j < i+k; j++ {
			flat = append(flat, args(j)...)
		}
		if _, err := st.ExecContext(ctx, flat...); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	return tx.Commit()
}

// where builds the shared filter clause; col is the time column.
func where(f observability.Filter, col string) (string, []any) {
	c := []string{"account = ?"}
	args := []any{f.Account}
	add := func(cond string, v any) { c = append(c, cond); args = append(args, v) }
	if f.SessionID != "" {
		add("session_id = ?", f.SessionID)
	}
	if f.TraceID != "" {
		add("trace_id = ?", strings.ToLower(f.TraceID))
	}
	if f.RuntimeARN != "" {
		add("runtime_arn = ?", f.RuntimeARN)
	}
	if !f.From.IsZero() {
		add(col+" >= ?", f.From.UnixNano())
	}
	if !f.To.IsZero() {
		add(col+" < ?", f.To.UnixNano())
	}
	return strings.Join(c, " AND "), args
}

// QuerySpans implements observability.Store.
func (s *Store) QuerySpans(ctx context.Context, f observability.Filter) ([]observability.Span, string, error) {
	w, args := where(f, "start_ns")
	if f.ErrorsOnly {
		w += " AND is_error = 1"
	}
	if f.Cursor != "" {
		p := strings.SplitN(f.Cursor, ":", 3)
		t, err := strconv.ParseInt(p[0], 10, 64)
		if len(p) != 3 || err != nil {
			return nil, "", errs.Field("nextToken", "invalid pagination token")
		}
		w += " AND (start_ns > ? OR (start_ns = ? AND (trace_id > ? OR (trace_id = ? AND span_id > ?))))"
		args = append(args, t, t, p[1], p[1], p[2])
	}
	limit := observability.PageLimit(f.Limit)
	q := `SELECT ` + spanCols + ` FROM obs_spans WHERE ` + w + ` ORDER BY start_ns, trace_id, span_id LIMIT ?`
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(q), append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("query spans: %w", err)
	}
	defer rows.Close()
	var out []observability.Span
	for rows.Next() {
		sp := observability.Span{Account: f.Account}
		var start, end int64
		var isErr int
		var attrs, res, events string
		if err := rows.Scan(&sp.TraceID, &sp.SpanID, &sp.ParentSpanID, &sp.SessionID, &sp.RuntimeARN, &sp.ServiceName,
			&sp.Name, &sp.Kind, &start, &end, &sp.StatusCode, &sp.StatusMessage, &isErr, &attrs, &res, &events); err != nil {
			return nil, "", fmt.Errorf("query spans: %w", err)
		}
		sp.Start, sp.End, sp.Error = fromNS(start), fromNS(end), isErr != 0
		json.Unmarshal([]byte(attrs), &sp.Attributes)
		json.Unmarshal([]byte(res), &sp.Resource)
		json.Unmarshal([]byte(events), &sp.Events)
		out = append(out, sp)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = fmt.Sprintf("%d:%s:%s", ns(last.Start), last.TraceID, last.SpanID)
	}
	return out, next, nil
}

// QueryLogs implements observability.Store.
func (s *Store) QueryLogs(ctx context.Context, f observability.Filter) ([]observability.LogRecord, string, error) {
	w, args := where(f, "time_ns")
	if f.ErrorsOnly {
		w += " AND UPPER(severity) IN ('ERROR', 'FATAL', 'CRITICAL')"
	}
	if f.Cursor != "" {
		t, id, ok := strings.Cut(f.Cursor, ":")
		tn, err1 := strconv.ParseInt(t, 10, 64)
		idn, err2 := strconv.ParseInt(id, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, "", errs.Field("nextToken", "invalid pagination token")
		}
		w += " AND (time_ns > ? OR (time_ns = ? AND id > ?))"
		args = append(args, tn, tn, idn)
	}
	limit := observability.PageLimit(f.Limit)
	q := `SELECT id, time_ns, session_id, trace_id, span_id, runtime_arn, stream, severity, body, attrs
		FROM obs_logs WHERE ` + w + ` ORDER BY time_ns, id LIMIT ?`
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(q), append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("query logs: %w", err)
	}
	defer rows.Close()
	var out []observability.LogRecord
	var ids []int64
	for rows.Next() {
		l := observability.LogRecord{Account: f.Account}
		var id, t int64
		var attrs string
		if err := rows.Scan(&id, &t, &l.SessionID, &l.TraceID, &l.SpanID, &l.RuntimeARN, &l.Stream, &l.Severity, &l.Body, &attrs); err != nil {
			return nil, "", fmt.Errorf("query logs: %w", err)
		}
		l.Time = fromNS(t)
		json.Unmarshal([]byte(attrs), &l.Attributes)
		out, ids = append(out, l), append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = fmt.Sprintf("%d:%d", ns(out[limit-1].Time), ids[limit-1])
	}
	return out, next, nil
}
