// Package sqlite is the embedded default store: a single SQLite file opened
// with the pure-Go modernc.org/sqlite driver (no cgo).
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/agentcore-dev/agentcore/internal/store/sqlstore"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

var schema = []string{
	`CREATE TABLE IF NOT EXISTS kv (
		tbl   TEXT NOT NULL,
		k     TEXT NOT NULL,
		value BLOB NOT NULL,
		rev   INTEGER NOT NULL,
		PRIMARY KEY (tbl, k)
	) WITHOUT ROWID`,
}

func init() {
	schema = append(schema, sqlstore.ObsSchema("INTEGER", "INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT")...)
}

// Open opens (creating if needed) the database file at path. The special
// path ":memory:" gives a private in-memory database.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	dsn := ":memory:"
	if path != ":memory:" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, err
		}
		dsn = "file:" + abs
		// The database holds every account's state: private to the server's
		// user (SQLite gives its -wal and -shm files the database's mode).
		f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		f.Close()
		if err := os.Chmod(abs, 0o600); err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
	}
	// temp_store: multi-row inserts keep a statement journal, which spilled
	// to a temporary file (a write per page) past 64 KiB. cache_size (8 MiB
	// per connection, 2 MiB by default): a batch of spans or log lines
	// dirtied more pages than fit and spilled them to the WAL mid-transaction.
	// wal_autocheckpoint: a page written by several transactions is copied
	// back once per checkpoint (docs/benchmarks.md, issue 21).
	dsn += "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-8192)&_pragma=wal_autocheckpoint(4000)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if path == ":memory:" {
		db.SetMaxOpenConns(1)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	s, err := sqlstore.New(ctx, db, sqlstore.Dialect{
		Name:              "sqlite",
		Schema:            schema,
		IsUniqueViolation: isUnique,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func isUnique(err error) bool {
	var se *sqlite3.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY || c == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}
