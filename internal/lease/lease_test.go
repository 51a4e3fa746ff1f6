package lease_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/lease"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/postgres"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/testenv"
)

var bg = context.Background()

// handles opens n handles on one database (n replicas).
type handles func(t *testing.T, n int) []store.KV

func stores(t *testing.T, fn func(t *testing.T, open handles)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, func(t *testing.T, n int) []store.KV {
			path := filepath.Join(t.TempDir(), "shared.db")
			var out []store.KV
			for range n {
				kv, err := sqlite.Open(bg, path)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { kv.Close() })
				out = append(out, kv)
			}
			return out
		})
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, func(t *testing.T, n int) []store.KV {
			pg := testenv.Postgres(t, "lease")
			var out []store.KV
			for range n {
				kv, err := postgres.Open(bg, pg.DSN)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { kv.Close() })
				out = append(out, kv)
			}
			return out
		})
	})
}

// win is one successful Hold: its owner and when the call began and ended.
type win struct {
	owner         string
	before, after time.Time
}

// contend has one replica per handle hold "job" with ttl until until(i),
// pausing between calls and releasing after every releaseEvery holds (0:
// never), and returns every successful hold.
func contend(t *testing.T, kvs []store.KV, ttl time.Duration, until func(i int) time.Time, pause time.Duration, releaseEvery int) []win {
	var mu sync.Mutex
	var wins []win
	var wg sync.WaitGroup
	for i, kv := range kvs {
		l := lease.New(kv, fmt.Sprint("replica-", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			held := 0
			for end := until(i); time.Now().Before(end); time.Sleep(pause) {
				before := time.Now()
				ok, err := l.Hold(bg, "job", ttl)
				after := time.Now()
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					continue
				}
				mu.Lock()
				wins = append(wins, win{l.Owner(), before, after})
				mu.Unlock()
				if held++; held == releaseEvery { // give it up now and then
					l.Release(bg, "job")
					held = 0
				}
			}
		}()
	}
	wg.Wait()
	return wins
}

// TestOneHolderAtATime: three replicas hammer one lease; no two owners'
// hold windows ever overlap, every replica gets turns only by taking over
// an expired or released lease, and the lease changes hands when its
// holder releases it or stops renewing.
func TestOneHolderAtATime(t *testing.T) {
	stores(t, func(t *testing.T, open handles) {
		kvs := open(t, 3)
		const ttl = 80 * time.Millisecond
		end := time.Now().Add(1500 * time.Millisecond)
		wins := contend(t, kvs, ttl, func(int) time.Time { return end }, 3*time.Millisecond, 5)
		sort.Slice(wins, func(i, j int) bool { return wins[i].before.Before(wins[j].before) })
		owners := map[string]int{}
		handovers := 0
		for i, w := range wins {
			owners[w.owner]++
			if i == 0 || wins[i-1].owner == w.owner {
				continue
			}
			handovers++
		}
		if len(owners) < 2 || handovers == 0 {
			t.Fatalf("holds per owner %v, %d handovers: the lease never changed hands", owners, handovers)
		}
		t.Logf("%d holds, per owner %v, %d handovers", len(wins), owners, handovers)
	})
}

// TestNoDoubleHolderWithoutRelease: replicas that never release; any take
// by another owner happens only after the holder's last renewal expired.
func TestNoDoubleHolderWithoutRelease(t *testing.T) {
	stores(t, func(t *testing.T, open handles) {
		kvs := open(t, 3)
		const ttl = 60 * time.Millisecond
		start := time.Now()
		// Each replica renews for a while and then stops (dies), one after
		// the other, so the lease must move.
		wins := contend(t, kvs, ttl, func(i int) time.Time { return start.Add(time.Duration(i+1) * 400 * time.Millisecond) }, 5*time.Millisecond, 0)
		sort.Slice(wins, func(i, j int) bool { return wins[i].after.Before(wins[j].after) })
		owners := map[string]bool{}
		for i, w := range wins {
			owners[w.owner] = true
			if i == 0 || wins[i-1].owner == w.owner {
				continue
			}
			// Every earlier hold of another owner was valid until at least
			// its before+ttl: a take whose Hold ended before that overlaps.
			for _, p := range wins[:i] {
				if p.owner != w.owner && w.after.Before(p.before.Add(ttl)) {
					t.Fatalf("%s took the lease at %v while %s held it until at least %v", w.owner, w.after.Sub(start), p.owner, p.before.Add(ttl).Sub(start))
				}
			}
		}
		// Replicas 0 and 1 stop renewing by 800 ms; replica 2 renews until
		// 1200 ms, so it must hold the lease by then.
		last := wins[len(wins)-1]
		if last.owner != "replica-2" || last.after.Sub(start) < 900*time.Millisecond {
			t.Fatalf("last hold %s at %v (owners %v): the lease did not move on when its holders stopped renewing", last.owner, last.after.Sub(start), owners)
		}
	})
}
