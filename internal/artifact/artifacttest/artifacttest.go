// Package artifacttest is the conformance suite every artifact.Store
// implementation runs: Run(t, factory) from the implementation's own tests.
package artifacttest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Factory returns a fresh, empty store. Two calls in one test may return
// two handles on the same storage (other, when non-nil, opens a second
// handle on the storage of the last store made: a second server replica).
type Factory func(t *testing.T) (s artifact.Store, other func() artifact.Store)

// Options tunes the suite to a store's scale.
type Options struct {
	// LargeBytes is the size of the streamed object in the Large test
	// (default 24 MiB).
	LargeBytes int64
}

// Run runs every conformance test against stores made by f.
func Run(t *testing.T, f Factory, o Options) {
	if o.LargeBytes == 0 {
		o.LargeBytes = 24 << 20
	}
	tests := []struct {
		name string
		fn   func(*testing.T, Factory, Options)
	}{
		{"RoundTrip", testRoundTrip},
		{"Replace", testReplace},
		{"NotFound", testNotFound},
		{"Delete", testDelete},
		{"InvalidNames", testInvalid},
		{"DistinctKeys", testDistinct},
		{"FailedPutKeepsOld", testFailedPut},
		{"Large", testLarge},
		{"ConcurrentPuts", testConcurrent},
		{"ReadWhileReplaced", testReadWhileReplaced},
		{"SecondHandle", testSecondHandle},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, f, o) })
	}
}

var ctx = context.Background()

func put(t *testing.T, s artifact.Store, bucket, key string, data []byte) {
	t.Helper()
	n, err := s.Put(ctx, bucket, key, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Put(%s, %s): %v", bucket, key, err)
	}
	if n != int64(len(data)) {
		t.Fatalf("Put(%s, %s) = %d bytes, want %d", bucket, key, n, len(data))
	}
}

func get(t *testing.T, s artifact.Store, bucket, key string) []byte {
	t.Helper()
	r, n, err := s.Open(ctx, bucket, key)
	if err != nil {
		t.Fatalf("Open(%s, %s): %v", bucket, key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s/%s: %v", bucket, key, err)
	}
	if int64(len(b)) != n {
		t.Fatalf("Open(%s, %s) said %d bytes, read %d", bucket, key, n, len(b))
	}
	return b
}

func testRoundTrip(t *testing.T, f Factory, _ Options) {
	s, _ := f(t)
	for key, data := range map[string][]byte{
		"agent.zip":              []byte("PK\x03\x04 some zip"),
		"dir/sub/agent.zip":      bytes.Repeat([]byte{0, 1, 2, 255}, 1000),
		"empty":                  {},
		"unicode/ключ ✓.zip":     []byte("x"),
		strings.Repeat("k", 255): []byte("long segment"),
	} {
		put(t, s, "code-bucket", key, data)
		if got := get(t, s, "code-bucket", key); !bytes.Equal(got, data) {
			t.Fatalf("%s: read back %d bytes differing from the %d written", key, len(got), len(data))
		}
	}
}

func testReplace(t *testing.T, f Factory, _ Options) {
	s, _ := f(t)
	put(t, s, "code", "a.zip", bytes.Repeat([]byte("old"), 100000))
	put(t, s, "code", "a.zip", []byte("new"))
	if got := string(get(t, s, "code", "a.zip")); got != "new" {
		t.Fatalf("after replace: %.20q", got)
	}
}

func testNotFound(t *testing.T, f Factory, _ Options) {
	s, _ := f(t)
	put(t, s, "code", "present", []byte("x"))
	for _, bk := range [][2]string{{"code", "absent"}, {"other", "present"}, {"code", "present/below"}} {
		if _, _, err := s.Open(ctx, bk[0], bk[1]); errs.KindOf(err) != errs.NotFound {
			t.Errorf("Open(%s, %s): %v, want NotFound", bk[0], bk[1], err)
		}
	}
}

func testDelete(t *testing.T, f Factory, _ Options) {
	s, _ := f(t)
	put(t, s, "code", "a/one", []byte("1"))
	put(t, s, "code", "a/two", []byte("2"))
	if err := s.Delete(ctx, "code", "a/one"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, _, err := s.Open(ctx, "code", "a/one"); errs.KindOf(err) != errs.NotFound {
		t.Errorf("Open after Delete: %v, want NotFound", err)
	}
	if got := get(t, s, "code", "a/two"); string(got) != "2" {
		t.Errorf("the other object after Delete: %q", got)
	}
	for _, bk := range [][2]string{{"code", "a/one"}, {"code", "absent"}, {"code", "a"}, {"other", "a/two"}} {
		if err := s.Delete(ctx, bk[0], bk[1]); err != nil {
			t.Errorf("Delete(%s, %s) of an absent object: %v, want nil", bk[0], bk[1], err)
		}
	}
	if got := get(t, s, "code", "a/two"); string(got) != "2" {
		t.Errorf("a/two after deleting absent keys: %q", got)
	}
	if err := s.Delete(ctx, "code", "a/../b"); errs.KindOf(err) != errs.Invalid {
		t.Errorf("Delete of an invalid key: %v, want a validation error", err)
	}
	put(t, s, "code", "a/one", []byte("again"))
	if got := get(t, s, "code", "a/one"); string(got) != "again" {
		t.Errorf("Put after Delete: %q", got)
	}
}

func testInvalid(t *testing.T, f Factory, _ Options) {
	s, _ := f(t)
	for _, bk := range [][2]string{
		{"UPPER", "k"}, {"a", "k"}, {"-bad", "k"}, {"code", ""}, {"code", "/abs"}, {"code", "a//b"},
		{"code", "./a"}, {"code", "a/../b"}, {"code", "dir/"}, {"code", "a\x00b"}, {"code", "\xff\xfe"},
		{"code", strings.Repeat("k", 256)}, {"code", strings.Repeat("a/", 600) + "z"},
	} {
		if _, err := s.Put(ctx, bk[0], bk[1], strings.NewReader("x")); errs.KindOf(err) != errs.Invalid {
			t.Errorf("Put(%q, %.40q): %v, want a validation error", bk[0], bk[1], err)
		}
		if _, _, err := s.Open(ctx, bk[0], bk[1]); errs.KindOf(err) != errs.Invalid {
			t.Errorf("Open(%q, %.40q): %v, want a validation error", bk[0], bk[1], err)
		}
	}
}

func testDistinct(t *testing.T, f Factory, _ Options) {
	s, _ := f(t)
	put(t, s, "code", "x/1", []byte("one"))
	put(t, s, "code", "x/2", []byte("two"))
	put(t, s, "code2", "x/1", []byte("three"))
	for _, c := range []struct{ b, k, want string }{{"code", "x/1", "one"}, {"code", "x/2", "two"}, {"code2", "x/1", "three"}} {
		if got := string(get(t, s, c.b, c.k)); got != c.want {
			t.Errorf("%s/%s = %q, want %q", c.b, c.k, got, c.want)
		}
	}
}

type failing struct {
	left int
}

func (r *failing) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, errors.New("client went away")
	}
	n := min(len(p), r.left)
	for i := range p[:n] {
		p[i] = 'z'
	}
	r.left -= n
	return n, nil
}

func testFailedPut(t *testing.T, f Factory, _ Options) {
	s, _ := f(t)
	put(t, s, "code", "keep.zip", []byte("original"))
	if _, err := s.Put(ctx, "code", "keep.zip", &failing{left: 10 << 20}); err == nil {
		t.Fatal("Put from a failing reader succeeded")
	}
	if got := string(get(t, s, "code", "keep.zip")); got != "original" {
		t.Fatalf("a failed Put replaced the object: %.20q", got)
	}
	if _, err := s.Put(ctx, "code", "fresh.zip", &failing{left: 100}); err == nil {
		t.Fatal("Put from a failing reader succeeded")
	}
	if _, _, err := s.Open(ctx, "code", "fresh.zip"); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("a failed Put left an object: %v", err)
	}
}

// pattern is a deterministic stream of n bytes that is not all one value.
type pattern struct{ off, n int64 }

func (p *pattern) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	k := int(min(int64(len(b)), p.n-p.off))
	for i := 0; i < k; i++ {
		x := p.off + int64(i)
		b[i] = byte(x ^ x>>8 ^ x>>16)
	}
	p.off += int64(k)
	return k, nil
}

func testLarge(t *testing.T, f Factory, o Options) {
	s, _ := f(t)
	n, err := s.Put(ctx, "code", "big/agent.zip", &pattern{n: o.LargeBytes})
	if err != nil || n != o.LargeBytes {
		t.Fatalf("Put large: %d, %v", n, err)
	}
	r, size, err := s.Open(ctx, "code", "big/agent.zip")
	if err != nil || size != o.LargeBytes {
		t.Fatalf("Open large: %d, %v", size, err)
	}
	defer r.Close()
	want, got := sha256.New(), sha256.New()
	io.Copy(want, &pattern{n: o.LargeBytes})
	m, err := io.Copy(got, r)
	if err != nil || m != o.LargeBytes || !bytes.Equal(want.Sum(nil), got.Sum(nil)) {
		t.Fatalf("large object read back %d bytes (%v), content equal: %v", m, err, bytes.Equal(want.Sum(nil), got.Sum(nil)))
	}
}

// testConcurrent: writers racing on one key leave exactly one writer's
// object, never a mix.
func testConcurrent(t *testing.T, f Factory, _ Options) {
	s, _ := f(t)
	const writers = 6
	var wg sync.WaitGroup
	errc := make(chan error, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Put(ctx, "code", "race.zip", bytes.NewReader(bytes.Repeat([]byte{byte('a' + i)}, 300_000+i)))
			errc <- err
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	got := get(t, s, "code", "race.zip")
	i := int(got[0] - 'a')
	if i < 0 || i >= writers || !bytes.Equal(got, bytes.Repeat([]byte{got[0]}, 300_000+i)) {
		t.Fatalf("the object after racing writers is not one writer's (%d bytes, first %q)", len(got), got[0])
	}
}

// testReadWhileReplaced: a reader opened before a replacement reads the
// old object whole.
func testReadWhileReplaced(t *testing.T, f Factory, _ Options) {
	s, _ := f(t)
	old := bytes.Repeat([]byte("0123456789abcdef"), 1<<17) // 2 MiB: several chunks
	put(t, s, "code", "live.zip", old)
	r, n, err := s.Open(ctx, "code", "live.zip")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	head := make([]byte, 10)
	if _, err := io.ReadFull(r, head); err != nil {
		t.Fatal(err)
	}
	put(t, s, "code", "live.zip", []byte("replacement"))
	rest, err := io.ReadAll(r)
	if err != nil || n != int64(len(old)) || !bytes.Equal(append(head, rest...), old) {
		t.Fatalf("reader opened before a replacement: %d of %d bytes, %v", 10+len(rest), n, err)
	}
	if got := string(get(t, s, "code", "live.zip")); got != "replacement" {
		t.Fatalf("after the replacement: %.20q", got)
	}
}

// testSecondHandle: what one handle (replica) writes, another reads.
func testSecondHandle(t *testing.T, f Factory, _ Options) {
	s, other := f(t)
	if other == nil {
		t.Skip("the store is not shared between handles")
	}
	s2 := other()
	put(t, s, "code", "shared.zip", []byte("from A"))
	if got := string(get(t, s2, "code", "shared.zip")); got != "from A" {
		t.Fatalf("second handle reads %q", got)
	}
	put(t, s2, "code", "shared.zip", []byte(fmt.Sprint("from B")))
	if got := string(get(t, s, "code", "shared.zip")); got != "from B" {
		t.Fatalf("first handle reads %q", got)
	}
}
