// Package store defines the key-value document store every service keeps its
// state in. Implementations: sqlite (embedded default) and postgres. Each runs
// the conformance suite in storetest.
//
// Keys are ASCII strings ordered bytewise; callers build them from tenant and
// resource ids (e.g. "123456789012/agent-abc/0000000002"). Values are opaque
// bytes (services store JSON). Every item carries a revision that increases on
// each write, for optimistic concurrency between server replicas.
package store

import "context"

// Item is one stored document.
type Item struct {
	Key      string
	Value    []byte
	Revision int64
}

// OpKind says what an Op does.
type OpKind int

// Operation kinds for Txn.
const (
	OpCreate OpKind = iota // fails with errs.Conflict if the key exists
	OpUpdate               // fails with errs.NotFound if absent, errs.Conflict on revision mismatch
	OpPut                  // create or replace, unconditionally
	OpDelete               // fails with errs.NotFound if absent (unless Revision < 0: ignore absence)
)

// Op is one write inside a transaction.
type Op struct {
	Kind     OpKind
	Table    string
	Key      string
	Value    []byte
	Revision int64 // OpUpdate/OpDelete: expected revision; 0 means any
}

// KV is the store interface. All methods take the tenant-independent table
// name and key; services put the tenant into the key.
type KV interface {
	// Get returns the item or an errs.NotFound error.
	Get(ctx context.Context, table, key string) (Item, error)
	// List returns up to limit items whose key starts with prefix and sorts
	// after `after` (exclusive; "" = from the start), in key order.
	List(ctx context.Context, table, prefix, after string, limit int) ([]Item, error)
	// Txn applies all ops atomically: either every op succeeds or none is
	// applied. It returns the first op's classified error (errs.Conflict,
	// errs.NotFound).
	Txn(ctx context.Context, ops ...Op) error
	// Close releases the database.
	Close() error
}

// PrefixEnd returns the smallest key greater than every key with prefix p.
func PrefixEnd(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return "\xff\xff\xff\xff"
}

// Notifier is implemented by stores that report committed writes, including
// those of other servers sharing the database (PostgreSQL: LISTEN/NOTIFY;
// SQLite, which one process owns: in-process). Services use it to keep
// caches that another replica can invalidate.
type Notifier interface {
	// Watch calls fn with the key of each write committed to table (through
	// any handle on the database) until ctx ends. fn("") means writes may
	// have been missed (the notification link was re-established): drop
	// everything cached from the table. Writes are announced once a Watch on
	// the writing handle covers their table, so a service watches the tables
	// it writes (every replica runs the same services). fn runs on the
	// store's notification goroutine and must not block.
	Watch(ctx context.Context, table string, fn func(key string))
}
