package sqlstore

import "strings"

// ObsSchema returns the observability tables' DDL for an engine: big is the
// 64-bit integer type, serial the auto-increment primary key column and id
// the type of hex id columns.
func ObsSchema(big, serial, id string) []string {
	r := strings.NewReplacer("BIG", big, "SERIAL", serial, "IDT", id)
	return []string{
		r.Replace(`CREATE TABLE IF NOT EXISTS obs_spans (
			account        TEXT NOT NULL,
			trace_id       IDT NOT NULL,
			span_id        IDT NOT NULL,
			parent_span_id IDT NOT NULL,
			session_id     TEXT NOT NULL,
			runtime_arn    TEXT NOT NULL,
			service_name   TEXT NOT NULL,
			name           TEXT NOT NULL,
			kind           INTEGER NOT NULL,
			start_ns       BIG NOT NULL,
			end_ns         BIG NOT NULL,
			status_code    INTEGER NOT NULL,
			status_message TEXT NOT NULL,
			is_error       INTEGER NOT NULL,
			attrs          TEXT NOT NULL,
			resource       TEXT NOT NULL,
			events         TEXT NOT NULL,
			PRIMARY KEY (account, trace_id, span_id)
		)`),
		`CREATE INDEX IF NOT EXISTS obs_spans_session ON obs_spans (account, session_id, start_ns)`,
		`CREATE INDEX IF NOT EXISTS obs_spans_runtime ON obs_spans (account, runtime_arn, start_ns)`,
		`CREATE INDEX IF NOT EXISTS obs_spans_start ON obs_spans (start_ns)`,
		r.Replace(`CREATE TABLE IF NOT EXISTS obs_logs (
			id          SERIAL,
			account     TEXT NOT NULL,
			time_ns     BIG NOT NULL,
			session_id  TEXT NOT NULL,
			trace_id    IDT NOT NULL,
			span_id     IDT NOT NULL,
			runtime_arn TEXT NOT NULL,
			stream      TEXT NOT NULL,
			severity    TEXT NOT NULL,
			body        TEXT NOT NULL,
			attrs       TEXT NOT NULL
		)`),
		`CREATE INDEX IF NOT EXISTS obs_logs_session ON obs_logs (account, session_id, time_ns)`,
		`CREATE INDEX IF NOT EXISTS obs_logs_trace ON obs_logs (account, trace_id)`,
		`CREATE INDEX IF NOT EXISTS obs_logs_runtime ON obs_logs (account, runtime_arn, time_ns)`,
		`CREATE INDEX IF NOT EXISTS obs_logs_time ON obs_logs (time_ns)`,
	}
}
