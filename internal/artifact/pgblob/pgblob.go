// Package pgblob stores artifacts in PostgreSQL, so every server replica on
// the database reads what any of them stored: an object is a row in
// artifact_objects and its content is a sequence of bytea chunks in
// artifact_chunks, written and read as a stream (an upload is never held
// in memory whole).
package pgblob

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/errs"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// ChunkBytes is the size of one stored chunk.
const ChunkBytes = 1 << 20

var schema = []string{
	`CREATE SEQUENCE IF NOT EXISTS artifact_object_ids`,
	`CREATE TABLE IF NOT EXISTS artifact_objects (
		bucket TEXT COLLATE "C" NOT NULL,
		k      TEXT COLLATE "C" NOT NULL,
		id     BIGINT NOT NULL,
		size   BIGINT NOT NULL,
		PRIMARY KEY (bucket, k)
	)`,
	// bucket and key are repeated so a replacing Put can drop every other
	// generation of its key, including one a concurrent Put committed.
	`CREATE TABLE IF NOT EXISTS artifact_chunks (
		id     BIGINT NOT NULL,
		n      INTEGER NOT NULL,
		bucket TEXT COLLATE "C" NOT NULL,
		k      TEXT COLLATE "C" NOT NULL,
		data   BYTEA NOT NULL,
		PRIMARY KEY (id, n)
	)`,
	`CREATE INDEX IF NOT EXISTS artifact_chunks_key ON artifact_chunks (bucket, k)`,
}

// Store is a PostgreSQL-backed artifact.Store.
type Store struct{ db *sql.DB }

var _ artifact.Store = (*Store)(nil)

// Open connects to the database named by dsn (a postgres:// URL or a
// key=value string; its search_path decides the schema) and creates the
// tables if missing.
func Open(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres artifact store: %w", err)
	}
	// Several replicas start at once: serialise the DDL.
	tx, err := db.BeginTx(ctx, nil)
	if err == nil {
		if _, err = tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7283541)`); err == nil {
			for _, q := range schema {
				if _, err = tx.ExecContext(ctx, q); err != nil {
					break
				}
			}
		}
		if err == nil {
			err = tx.Commit()
		} else {
			tx.Rollback()
		}
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres artifact store schema: %w", err)
	}
	return &Store{db: db}, nil
}

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

// Put implements artifact.Store: the chunks and the object row are written
// in one transaction, so the object appears whole or not at all, and the
// chunks of the object it replaces go in the same commit.
func (s *Store) Put(ctx context.Context, bucket, key string, r io.Reader) (int64, error) {
	if err := artifact.CheckName(bucket, key); err != nil {
		return 0, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT nextval('artifact_object_ids')`).Scan(&id); err != nil {
		return 0, err
	}
	buf := make([]byte, ChunkBytes)
	var size int64
	for n := 0; ; n++ {
		k, rerr := io.ReadFull(r, buf)
		if k > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO artifact_chunks (id, n, bucket, k, data) VALUES ($1, $2, $3, $4, $5)`,
				id, n, bucket, key, buf[:k]); err != nil {
				return 0, fmt.Errorf("put %s/%s: %w", bucket, key, err)
			}
			size += int64(k)
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return 0, fmt.Errorf("put %s/%s: %w", bucket, key, rerr)
		}
	}
	// The upsert locks the key's row; a concurrent Put of the same key
	// waits here and, once this commits, drops these chunks in its turn.
	if _, err := tx.ExecContext(ctx, `INSERT INTO artifact_objects (bucket, k, id, size) VALUES ($1, $2, $3, $4)
		ON CONFLICT (bucket, k) DO UPDATE SET id = EXCLUDED.id, size = EXCLUDED.size`, bucket, key, id, size); err != nil {
		return 0, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM artifact_chunks WHERE bucket = $1 AND k = $2 AND id <> $3`, bucket, key, id); err != nil {
		return 0, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	return size, nil
}

// Delete implements artifact.Store: the object row and its chunks go in
// one transaction (a reader already streaming keeps its snapshot).
func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	if err := artifact.CheckName(bucket, key); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM artifact_objects WHERE bucket = $1 AND k = $2`, bucket, key); err != nil {
		return fmt.Errorf("delete %s/%s: %w", bucket, key, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM artifact_chunks WHERE bucket = $1 AND k = $2`, bucket, key); err != nil {
		return fmt.Errorf("delete %s/%s: %w", bucket, key, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete %s/%s: %w", bucket, key, err)
	}
	return nil
}

// Open implements artifact.Store. One statement reads the object row and
// its chunks, so the reader sees one snapshot (a replacement committed
// meanwhile does not cut it short); rows are fetched as the caller reads,
// and the statement holds one database connection until Close.
func (s *Store) Open(ctx context.Context, bucket, key string) (io.ReadCloser, int64, error) {
	if err := artifact.CheckName(bucket, key); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT o.size, c.data FROM artifact_objects o
		LEFT JOIN artifact_chunks c ON c.id = o.id WHERE o.bucket = $1 AND o.k = $2 ORDER BY c.n`, bucket, key)
	if err != nil {
		return nil, 0, fmt.Errorf("open %s/%s: %w", bucket, key, err)
	}
	if !rows.Next() {
		err := rows.Err()
		rows.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("open %s/%s: %w", bucket, key, err)
		}
		return nil, 0, errs.E(errs.NotFound, "artifact s3://%s/%s not found", bucket, key)
	}
	rd := &reader{rows: rows, name: bucket + "/" + key}
	if err := rd.scan(); err != nil {
		rows.Close()
		return nil, 0, err
	}
	return rd, rd.size, nil
}

// reader streams an object's chunks from an open result set.
type reader struct {
	rows *sql.Rows
	name string
	size int64
	read int64  // bytes returned so far
	cur  []byte // rest of the current chunk
	done bool
}

func (r *reader) scan() error {
	var data []byte
	if err := r.rows.Scan(&r.size, &data); err != nil {
		return fmt.Errorf("read %s: %w", r.name, err)
	}
	r.cur = data // nil for an empty object (no chunk joined)
	return nil
}

func (r *reader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.done {
			return 0, io.EOF
		}
		if !r.rows.Next() {
			r.done = true
			if err := r.rows.Err(); err != nil {
				return 0, fmt.Errorf("read %s: %w", r.name, err)
			}
			if r.read != r.size {
				return 0, fmt.Errorf("read %s: %d of %d bytes stored", r.name, r.read, r.size)
			}
			return 0, io.EOF
		}
		if err := r.scan(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	r.read += int64(n)
	return n, nil
}

func (r *reader) Close() error { return r.rows.Close() }
