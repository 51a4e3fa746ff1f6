package sessionstore

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/artifact/localdir"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
)

// twoNodes returns two stores (own roots, like two replicas' data
// directories) sharing one KV and one object store, on one clock.
func twoNodes(t *testing.T, o Options) (a, b *Store, c *clock, objects *localdir.Store, kv store.KV) {
	t.Helper()
	kv, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "kv.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kv.Close() })
	objects, err = localdir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o.Remote, o.KV = objects, kv
	a, c = newStore(t, o)
	o.Now = c.now
	o.Root, o.Interval = t.TempDir(), time.Hour
	b = New(o)
	t.Cleanup(b.Close)
	return a, b, c, objects, kv
}

func write(t *testing.T, h *Handle, name, body string) {
	t.Helper()
	p := filepath.Join(h.Data(), name)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(h *Handle, name string) string {
	b, err := os.ReadFile(filepath.Join(h.Data(), name))
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

func TestSnapshotFollowsTheSession(t *testing.T) {
	a, b, _, _, _ := twoNodes(t, Options{})
	h := open(t, a, "s1", 1)
	write(t, h, "dir/f", "from A")
	os.Symlink("dir/f", filepath.Join(h.Data(), "link"))
	os.Link(filepath.Join(h.Data(), "dir/f"), filepath.Join(h.Data(), "hard"))
	h.Close()

	h = open(t, b, "s1", 1)
	if got := read(h, "link"); got != "from A" {
		t.Fatalf("B: link = %q", got)
	}
	if fi, err := os.Lstat(filepath.Join(h.Data(), "link")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("B: link is not a symlink: %v", err)
	}
	st1, _ := os.Stat(filepath.Join(h.Data(), "hard"))
	st2, _ := os.Stat(filepath.Join(h.Data(), "dir/f"))
	if !os.SameFile(st1, st2) {
		t.Error("B: the hard link is not one file with dir/f")
	}
	write(t, h, "dir/f2", "from B")
	h.Close()
	if st := b.Stats(); st.Restores != 1 || st.Uploads != 1 {
		t.Errorf("B stats: %+v", st)
	}

	// Back on A: its local copy is stale (B wrote a newer snapshot).
	h = open(t, a, "s1", 1)
	if got := read(h, "dir/f2"); got != "from B" {
		t.Fatalf("A after B: dir/f2 = %q", got)
	}
	h.Close()
	// A again: its own copy is current, no restore; unchanged, no upload.
	before := a.Stats()
	h = open(t, a, "s1", 1)
	h.Close()
	if st := a.Stats(); st.Restores != before.Restores || st.Uploads != before.Uploads || st.Unchanged != before.Unchanged+1 {
		t.Errorf("A's unchanged current copy: %+v, before %+v", st, before)
	}
	// A change of content is stored again, a removal too.
	h = open(t, a, "s1", 1)
	os.Remove(filepath.Join(h.Data(), "hard"))
	h.Close()
	if st := a.Stats(); st.Uploads != before.Uploads+1 {
		t.Errorf("a removal was not stored: %+v", st)
	}
	h = open(t, b, "s1", 1)
	if _, err := os.Lstat(filepath.Join(h.Data(), "hard")); err == nil {
		t.Error("B: the removed file came back")
	}
	h.Close()

	other := open(t, b, "s2", 1)
	if ents, _ := os.ReadDir(other.Data()); len(ents) != 0 {
		t.Errorf("another session sees %d entries", len(ents))
	}
	other.Close()
}

func TestSnapshotResetAndExpiry(t *testing.T) {
	a, b, c, objects, kv := twoNodes(t, Options{TTL: time.Hour})
	h := open(t, a, "s1", 1)
	write(t, h, "f", "v1")
	h.Close()
	rec, _, _ := a.getRecord(context.Background(), a.recordKey(a.SessionDir(acct, rt, "s1")))
	if rec == nil {
		t.Fatal("no record after close")
	}
	// A new version on B: empty, and the stored snapshot is deleted.
	h = open(t, b, "s1", 2)
	if ents, _ := os.ReadDir(h.Data()); len(ents) != 0 {
		t.Fatalf("version 2 starts with %d entries", len(ents))
	}
	if _, _, err := objects.Open(context.Background(), Bucket, rec.Object); errs.KindOf(err) != errs.NotFound {
		t.Errorf("old version's snapshot still stored: %v", err)
	}
	write(t, h, "g", "v2")
	h.Close()
	// A's copy (version 1) must not come back.
	h = open(t, a, "s1", 2)
	if got := read(h, "g"); got != "v2" {
		t.Errorf("A: g = %q", got)
	}
	if _, err := os.Stat(filepath.Join(h.Data(), "f")); err == nil {
		t.Error("A kept version 1's file")
	}
	h.Close()
	rec, _, _ = a.getRecord(context.Background(), a.recordKey(a.SessionDir(acct, rt, "s1")))

	c.add(2 * time.Hour)
	if n := b.Sweep(); n < 1 {
		t.Errorf("B swept %d", n)
	}
	if items, _ := kv.List(context.Background(), recordTable, "", "", 10); len(items) != 0 {
		t.Errorf("%d records left after expiry", len(items))
	}
	if _, _, err := objects.Open(context.Background(), Bucket, rec.Object); errs.KindOf(err) != errs.NotFound {
		t.Errorf("expired snapshot still stored: %v", err)
	}
}

func TestSnapshotCopyDroppedWhenRecordGone(t *testing.T) {
	a, b, _, _, _ := twoNodes(t, Options{})
	h := open(t, a, "s1", 1)
	write(t, h, "f", "x")
	h.Close()
	if err := b.RemoveRuntime(acct, rt); err != nil { // e.g. deleted through B
		t.Fatal(err)
	}
	h = open(t, a, "s1", 1)
	defer h.Close()
	if ents, _ := os.ReadDir(h.Data()); len(ents) != 0 {
		t.Errorf("A used a copy whose snapshot was deleted: %d entries", len(ents))
	}
}

func TestSnapshotAttackTar(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o600)
	a, _, _, _, _ := twoNodes(t, Options{})
	cases := map[string]tar.Header{
		"dotdot":      {Name: "../../../../../../../../" + outside + "/dotdot", Typeflag: tar.TypeReg},
		"hard-abs":    {Name: "hard", Typeflag: tar.TypeLink, Linkname: outside + "/secret"},
		"hard-rel":    {Name: "hard", Typeflag: tar.TypeLink, Linkname: "../../../../../../" + outside + "/secret"},
		"via-symlink": {Name: "esc/via-symlink", Typeflag: tar.TypeReg},
	}
	for name, hdr := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			tw := tar.NewWriter(zw)
			tw.WriteHeader(&tar.Header{Name: "esc", Typeflag: tar.TypeSymlink, Linkname: outside, Mode: 0o777})
			hdr.Mode = 0o644
			tw.WriteHeader(&hdr)
			tw.Close()
			zw.Close()
			dir := filepath.Join(t.TempDir(), "data")
			os.Mkdir(dir, 0o755)
			err := a.readSnapshot(context.Background(), &buf, dir)
			if err == nil {
				if fi, lerr := os.Lstat(filepath.Join(dir, hdr.Name)); lerr == nil && fi.Mode().IsRegular() {
					if st, _ := os.Stat(filepath.Join(outside, "secret")); os.SameFile(fi, st) {
						t.Fatal("hard link to a file outside the session")
					}
				}
			}
			t.Logf("%s: %v", name, err)
			ents, _ := os.ReadDir(outside)
			if len(ents) != 1 {
				t.Errorf("the extraction wrote outside the session directory: %d entries there", len(ents))
			}
			if b, _ := os.ReadFile(filepath.Join(outside, "secret")); string(b) != "secret" {
				t.Error("secret changed")
			}
		})
	}
	t.Run("dev-and-suid", func(t *testing.T) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		tw := tar.NewWriter(zw)
		tw.WriteHeader(&tar.Header{Name: "dev", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3, Mode: 0o666})
		tw.WriteHeader(&tar.Header{Name: "suid", Typeflag: tar.TypeReg, Mode: 0o4755})
		tw.Close()
		zw.Close()
		dir := filepath.Join(t.TempDir(), "data")
		os.Mkdir(dir, 0o755)
		if err := a.readSnapshot(context.Background(), &buf, dir); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Lstat(filepath.Join(dir, "dev")); err == nil {
			t.Error("a device node was created")
		}
		if fi, err := os.Stat(filepath.Join(dir, "suid")); err != nil || fi.Mode()&os.ModeSetuid != 0 {
			t.Errorf("suid: %v %v", fi.Mode(), err)
		}
	})
}

func TestSnapshotOverQuota(t *testing.T) {
	a, b, _, _, _ := twoNodes(t, Options{MaxFiles: 3})
	h := open(t, a, "s1", 1)
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"} {
		write(t, h, n, n)
	}
	h.Close()
	if _, err := b.Open(context.Background(), acct, rt, "s1", 1); errs.KindOf(err) != errs.QuotaExceeded {
		t.Fatalf("restore of an over-quota snapshot: %v, want ServiceQuotaExceeded", err)
	}
}
