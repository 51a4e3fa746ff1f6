package sessionstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// With a shared artifact store (Options.Remote) a session's directory is
// synchronised at its ends: when an environment lets it go (Handle.Close:
// stop, idle, max lifetime, crash, server shutdown) the tree is uploaded as
// a tar.gz snapshot, streamed, to a new object; a KV record then names that
// object (its key is the snapshot's ETag: generation and a random suffix).
// When a session starts, a local copy is used only if its meta.json names
// the snapshot the record names; otherwise the snapshot is restored into an
// empty directory (or, with no record, a copy that was synchronised before
// is dropped: its snapshot was expired, reset or deleted elsewhere).
// Consistency: last writer at session end wins; a session runs on one node
// at a time.

// Bucket is the artifact-store bucket snapshots are kept in; keys are
// <account>/<runtimeId>/<sha256(sessionId)[:32]>/<generation>-<random>.tar.gz.
const Bucket = "agentcore-session-storage"

// recordTable is the KV table of snapshot records, keyed
// <account>/<runtimeId>/<sha256(sessionId)[:32]>.
const recordTable = "session_storage"

// record is the KV record of a session's latest snapshot.
type record struct {
	Object     string    `json:"object"` // key in Bucket: the snapshot's ETag
	Generation int64     `json:"generation"`
	Version    int       `json:"version"`
	Bytes      int64     `json:"bytes"` // the object's size
	LastUsed   time.Time `json:"lastUsed"`
}

// recordKey is a session directory's record key (its path under Root).
func (s *Store) recordKey(dir string) string {
	rel, _ := filepath.Rel(s.o.Root, dir)
	return filepath.ToSlash(rel)
}

func (s *Store) getRecord(ctx context.Context, key string) (*record, int64, error) {
	it, err := s.o.KV.Get(ctx, recordTable, key)
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var r record
	if err := json.Unmarshal(it.Value, &r); err != nil {
		return nil, 0, fmt.Errorf("session storage record %s: %w", key, err)
	}
	return &r, it.Revision, nil
}

// dropRecord deletes a record (at revision rev, if not 0) and its object.
func (s *Store) dropRecord(ctx context.Context, key string, r *record, rev int64) error {
	op := store.Op{Kind: store.OpDelete, Table: recordTable, Key: key, Revision: rev}
	if rev == 0 {
		op.Revision = -1
	}
	if err := s.o.KV.Txn(ctx, op); err != nil && errs.KindOf(err) != errs.NotFound {
		return err
	}
	return s.o.Remote.Delete(ctx, Bucket, r.Object)
}

// syncIn brings the local copy of a session directory in line with its
// record before an environment opens it. m and merr are the local meta
// and its read error; they are replaced when the local copy is dropped
// (merr = os.ErrNotExist) or restored.
func (s *Store) syncIn(ctx context.Context, dir string, version int, m *meta, merr *error) error {
	key := s.recordKey(dir)
	r, rev, err := s.getRecord(ctx, key)
	if err != nil {
		return fmt.Errorf("session storage: %w", err)
	}
	local := ""
	if *merr == nil {
		local = m.Snapshot
	}
	drop := func() error {
		os.RemoveAll(filepath.Join(dir, "checkpoint")) // node-local, of a state that moved on
		if err := os.RemoveAll(filepath.Join(dir, "data")); err != nil {
			return fmt.Errorf("session storage: %w", err)
		}
		os.Remove(filepath.Join(dir, "meta.json"))
		*m, *merr = meta{}, os.ErrNotExist
		return nil
	}
	switch {
	case r == nil:
		if local != "" {
			s.log.Info("session storage: the stored snapshot is gone (expired, reset or deleted on another node); dropping the local copy", "dir", dir)
			return drop()
		}
		return nil // never synchronised: the local copy (if any) stands
	case r.Version != version:
		s.n.resets.Add(1)
		s.log.Info("session storage reset: the session now runs another version", "dir", dir, "from", r.Version, "to", version)
		if err := s.dropRecord(ctx, key, r, rev); err != nil {
			return fmt.Errorf("session storage: reset: %w", err)
		}
		return drop()
	case r.Object == local:
		return nil // the local copy is the latest snapshot
	}
	if err := drop(); err != nil {
		return err
	}
	t0 := time.Now()
	rc, size, err := s.o.Remote.Open(ctx, Bucket, r.Object)
	if err != nil {
		return fmt.Errorf("session storage: restore: %w", err)
	}
	defer rc.Close()
	tmp := filepath.Join(dir, "data.restore")
	os.RemoveAll(tmp)
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return fmt.Errorf("session storage: restore: %w", err)
	}
	cr := &countingReader{r: rc}
	if err := s.readSnapshot(ctx, cr, tmp); err != nil {
		os.RemoveAll(tmp)
		s.n.syncFailures.Add(1)
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, "data")); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("session storage: restore: %w", err)
	}
	print, _ := fingerprint(filepath.Join(dir, "data"))
	*m = meta{Version: r.Version, Created: s.o.Now().UTC(), LastUsed: r.LastUsed, Snapshot: r.Object, Print: print}
	*merr = nil
	took := time.Since(t0)
	s.n.restores.Add(1)
	s.n.restoreBytes.Add(cr.n)
	s.n.restoreNanos.Add(int64(took))
	s.log.Info("session storage restored from the shared store", "dir", dir, "generation", r.Generation, "bytes", size, "took", took)
	return nil
}

// syncOut uploads the directory's tree as a new snapshot and points the
// record at it (last writer wins), then deletes the previous snapshot. It
// returns the new object key ("" when there was nothing to store).
func (s *Store) syncOut(ctx context.Context, dir string, m meta) (string, error) {
	key := s.recordKey(dir)
	prev, rev, err := s.getRecord(ctx, key)
	if err != nil {
		return "", err
	}
	if prev == nil && m.Files == 0 {
		return "", nil // empty and never stored: nothing to keep
	}
	if prev != nil && prev.Object == m.Snapshot && m.Print != "" && prev.Version == m.Version {
		if p, err := fingerprint(filepath.Join(dir, "data")); err == nil && p == m.Print {
			// Unchanged since stored or restored: only the last use moves.
			prev.LastUsed = m.LastUsed
			val, _ := json.Marshal(prev)
			err := s.o.KV.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: recordTable, Key: key, Value: val, Revision: rev})
			if errs.KindOf(err) != errs.Conflict {
				s.n.unchanged.Add(1)
				return "", err
			}
			// Rewritten meanwhile (another node): store ours, last writer wins.
		}
	}
	var gen int64 = 1
	if prev != nil {
		gen = prev.Generation + 1
	}
	var nonce [6]byte
	rand.Read(nonce[:])
	obj := fmt.Sprintf("%s/%d-%s.tar.gz", key, gen, hex.EncodeToString(nonce[:]))
	t0 := time.Now()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeSnapshot(ctx, filepath.Join(dir, "data"), pw)) }()
	size, err := s.o.Remote.Put(ctx, Bucket, obj, pr)
	pr.CloseWithError(errors.New("upload ended")) // stops the writer if Put returned early
	if err != nil {
		return "", err
	}
	val, _ := json.Marshal(record{Object: obj, Generation: gen, Version: m.Version, Bytes: size, LastUsed: m.LastUsed})
	if err := s.o.KV.Txn(ctx, store.Op{Kind: store.OpPut, Table: recordTable, Key: key, Value: val}); err != nil {
		s.o.Remote.Delete(ctx, Bucket, obj) //nolint:errcheck // best effort
		return "", err
	}
	if prev != nil && prev.Object != obj {
		if err := s.o.Remote.Delete(ctx, Bucket, prev.Object); err != nil {
			s.log.Warn("session storage: delete the previous snapshot", "object", prev.Object, "err", err)
		}
	}
	took := time.Since(t0)
	s.n.uploads.Add(1)
	s.n.uploadBytes.Add(size)
	s.n.uploadNanos.Add(int64(took))
	s.log.Info("session storage stored in the shared store", "dir", dir, "generation", gen, "bytes", size, "took", took)
	return obj, nil
}

// sweepRemote deletes the records and snapshots under prefix not used for
// TTL (all: every one, for a deleted runtime). Every replica runs it;
// deletes are revision-checked, so a record written again meanwhile stays,
// and directories this node holds now are skipped.
func (s *Store) sweepRemote(ctx context.Context, prefix string, all bool) int {
	now := s.o.Now()
	n, after := 0, ""
	for {
		items, err := s.o.KV.List(ctx, recordTable, prefix, after, 500)
		if err != nil {
			s.log.Warn("session storage: list snapshot records", "err", err)
			return n
		}
		for _, it := range items {
			after = it.Key
			var r record
			if json.Unmarshal(it.Value, &r) != nil {
				continue
			}
			if !all && now.Sub(r.LastUsed) < s.o.TTL {
				continue
			}
			s.mu.Lock()
			_, busy := s.held[filepath.Join(s.o.Root, filepath.FromSlash(it.Key))]
			s.mu.Unlock()
			if busy && !all {
				continue
			}
			if err := s.dropRecord(ctx, it.Key, &r, it.Revision); err != nil {
				if errs.KindOf(err) != errs.Conflict { // Conflict: used again meanwhile
					s.log.Warn("session storage: delete snapshot", "object", r.Object, "err", err)
				}
				continue
			}
			n++
		}
		if len(items) < 500 {
			return n
		}
	}
}

// removeRemoteRuntime deletes every snapshot of a runtime.
func (s *Store) removeRemoteRuntime(acct, runtimeID string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s.sweepRemote(ctx, strings.Join([]string{acct, runtimeID, ""}, "/"), true)
}
