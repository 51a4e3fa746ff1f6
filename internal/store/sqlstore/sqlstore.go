// Package sqlstore implements store.KV over database/sql. The sqlite and
// postgres packages open the database and supply their Dialect; the SQL
// itself is shared here.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Dialect holds what differs between SQL engines.
type Dialect struct {
	Name string
	// Schema is executed once at open (idempotent DDL).
	Schema []string
	// Rebind turns a query written with '?' placeholders into the engine's form.
	Rebind func(q string) string
	// IsUniqueViolation reports a primary-key conflict error.
	IsUniqueViolation func(err error) bool
	// IsTxnConflict reports an error the engine raises when it aborts a
	// transaction because of a concurrent one (serialization failure,
	// deadlock); Txn reports it as a Concurrent errs.Conflict. Optional.
	IsTxnConflict func(err error) bool
	// Listener, when set, carries change notifications between handles on
	// the database (Watch); nil = in-process only.
	Listener *Listener
	// BeginTx starts a write transaction (engines differ in locking).
	BeginTx func(ctx context.Context, db *sql.DB) (*sql.Tx, error)
}

// Store is a store.KV over a *sql.DB.
type Store struct {
	db  *sql.DB
	d   Dialect
	get *sql.Stmt // prepared once: Get is on every invocation's path
	w   watchers
}

var _ store.KV = (*Store)(nil)

// New applies the dialect's schema and returns the store.
func New(ctx context.Context, db *sql.DB, d Dialect) (*Store, error) {
	for _, q := range d.Schema {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("%s schema: %w", d.Name, err)
		}
	}
	if d.Rebind == nil {
		d.Rebind = func(q string) string { return q }
	}
	if d.BeginTx == nil {
		d.BeginTx = func(ctx context.Context, db *sql.DB) (*sql.Tx, error) { return db.BeginTx(ctx, nil) }
	}
	get, err := db.PrepareContext(ctx, d.Rebind(`SELECT value, rev FROM kv WHERE tbl = ? AND k = ?`))
	if err != nil {
		return nil, fmt.Errorf("%s prepare: %w", d.Name, err)
	}
	return &Store{db: db, d: d, get: get}, nil
}

// DB exposes the database for engine-specific maintenance.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error {
	s.stopListening()
	s.get.Close()
	return s.db.Close()
}

// Get implements store.KV.
func (s *Store) Get(ctx context.Context, table, key string) (store.Item, error) {
	it := store.Item{Key: key}
	err := s.get.QueryRowContext(ctx, table, key).Scan(&it.Value, &it.Revision)
	if errors.Is(err, sql.ErrNoRows) {
		return it, errs.E(errs.NotFound, "%s %q not found", table, key)
	}
	if err != nil {
		return it, fmt.Errorf("get %s/%s: %w", table, key, err)
	}
	return it, nil
}

// List implements store.KV.
func (s *Store) List(ctx context.Context, table, prefix, after string, limit int) ([]store.Item, error) {
	if limit <= 0 {
		limit = 1000
	}
	lo := prefix
	if after > lo {
		lo = after
	}
	q := `SELECT k, value, rev FROM kv WHERE tbl = ? AND k >= ? AND k <> ?`
	args := []any{table, lo, after}
	if prefix != "" {
		q += ` AND k < ?`
		args = append(args, store.PrefixEnd(prefix))
	}
	q += ` ORDER BY k LIMIT ?`
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(q), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list %s/%s: %w", table, prefix, err)
	}
	defer rows.Close()
	var out []store.Item
	for rows.Next() {
		var it store.Item
		if err := rows.Scan(&it.Key, &it.Value, &it.Revision); err != nil {
			return nil, fmt.Errorf("list %s: %w", table, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Txn implements store.KV.
func (s *Store) Txn(ctx context.Context, ops ...store.Op) error {
	tx, err := s.d.BeginTx(ctx, s.db)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	for _, op := range ops {
		if err := s.apply(ctx, tx, op); err != nil {
			return s.txnConflict(err)
		}
	}
	changes := s.watched(ops)
	if len(changes) > 0 && s.d.Listener != nil {
		if _, err := tx.ExecContext(ctx, s.d.Rebind(s.d.Listener.NotifySQL), notifyPayload(changes)); err != nil {
			return s.txnConflict(fmt.Errorf("notify: %w", err))
		}
	}
	if err := tx.Commit(); err != nil {
		return s.txnConflict(fmt.Errorf("commit: %w", err))
	}
	if len(changes) > 0 && s.d.Listener == nil {
		s.dispatch(changes)
	}
	return nil
}

// txnConflict classifies an engine-aborted transaction as a lost race.
func (s *Store) txnConflict(err error) error {
	if s.d.IsTxnConflict != nil && errs.KindOf(err) == errs.Internal && s.d.IsTxnConflict(err) {
		return errs.Wrap(errs.Conflict, store.ErrConcurrent, "the write was aborted by a concurrent one")
	}
	return err
}

func (s *Store) apply(ctx context.Context, tx *sql.Tx, op store.Op) error {
	where := fmt.Sprintf("%s %q", op.Table, op.Key)
	switch op.Kind {
	case store.OpCreate:
		_, err := tx.ExecContext(ctx, s.d.Rebind(`INSERT INTO kv (tbl, k, value, rev) VALUES (?, ?, ?, 1)`), op.Table, op.Key, nonNil(op.Value))
		if err != nil && s.d.IsUniqueViolation(err) {
			return errs.Wrap(errs.Conflict, store.ErrConcurrent, "%s already exists", where)
		}
		return wrap(where, err)
	case store.OpPut:
		res, err := tx.ExecContext(ctx, s.d.Rebind(`UPDATE kv SET value = ?, rev = rev + 1 WHERE tbl = ? AND k = ?`), nonNil(op.Value), op.Table, op.Key)
		if err != nil {
			return wrap(where, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		_, err = tx.ExecContext(ctx, s.d.Rebind(`INSERT INTO kv (tbl, k, value, rev) VALUES (?, ?, ?, 1)`), op.Table, op.Key, nonNil(op.Value))
		return wrap(where, err)
	case store.OpUpdate, store.OpDelete:
		return s.change(ctx, tx, op, where)
	}
	return errs.E(errs.Internal, "unknown op kind %d", op.Kind)
}

func (s *Store) change(ctx context.Context, tx *sql.Tx, op store.Op, where string) error {
	var q string
	args := []any{}
	if op.Kind == store.OpUpdate {
		q = `UPDATE kv SET value = ?, rev = rev + 1 WHERE tbl = ? AND k = ?`
		args = append(args, nonNil(op.Value))
	} else {
		q = `DELETE FROM kv WHERE tbl = ? AND k = ?`
	}
	args = append(args, op.Table, op.Key)
	if op.Revision > 0 {
		q += ` AND rev = ?`
		args = append(args, op.Revision)
	}
	res, err := tx.ExecContext(ctx, s.d.Rebind(q), args...)
	if err != nil {
		return wrap(where, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if op.Kind == store.OpDelete && op.Revision < 0 {
		return nil
	}
	var rev int64
	err = tx.QueryRowContext(ctx, s.d.Rebind(`SELECT rev FROM kv WHERE tbl = ? AND k = ?`), op.Table, op.Key).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "%s not found", where)
	}
	if err != nil {
		return wrap(where, err)
	}
	return errs.Wrap(errs.Conflict, store.ErrConcurrent, "%s was modified concurrently (revision %d, expected %d)", where, rev, op.Revision)
}

func wrap(where string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("write %s: %w", where, err)
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// RebindDollar rewrites '?' placeholders as $1, $2, ... (PostgreSQL).
func RebindDollar(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
