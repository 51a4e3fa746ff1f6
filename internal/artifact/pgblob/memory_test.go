package pgblob_test

import (
	"context"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/artifact/pgblob"
	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// zeros is an endless-ish stream of n bytes that costs no memory.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), z.n))
	clear(p[:k])
	z.n -= int64(k)
	return k, nil
}

// TestStreamsWithoutHoldingTheObject: a 200 MB object goes in and comes out
// with the heap staying far below its size (the store streams chunks).
func TestStreamsWithoutHoldingTheObject(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 200 MB")
	}
	pg := testenv.Postgres(t, "pgblob_mem")
	ctx := context.Background()
	s, err := pgblob.Open(ctx, pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const size = 200 << 20
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	n, err := s.Put(ctx, "code", "big.zip", &zeros{n: size})
	if err != nil || n != size {
		t.Fatalf("put: %d %v", n, err)
	}
	r, m, err := s.Open(ctx, "code", "big.zip")
	if err != nil || m != size {
		t.Fatalf("open: %d %v", m, err)
	}
	got, err := io.Copy(io.Discard, r)
	r.Close()
	close(stop)
	<-done
	if err != nil || got != size {
		t.Fatalf("read %d bytes: %v", got, err)
	}
	grew := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("heap in use grew by at most %.1f MiB (from %.1f MiB) while storing and reading %d MiB", float64(grew)/(1<<20), float64(base.HeapInuse)/(1<<20), size>>20)
	if grew > 64<<20 {
		t.Fatalf("heap grew by %d MiB: the object is held in memory", grew>>20)
	}
}
