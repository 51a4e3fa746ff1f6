package e2e

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// brSessions is the number of concurrent sessions of BenchmarkBrowserConcurrentMemory.
const brSessions = 10

// BenchmarkBrowserConcurrentMemory: 10 sessions started at once, each
// connected through its automation stream and navigated to the page
// (connections then closed, pages kept); 3 s later the memory of their
// Chromium process trees is read from /proc (RSS summed over the
// processes, counting shared pages in every process; PSS, shared pages
// split among the processes that map them), and under linuxns the memory
// charge of each session's cgroup (usage, including page cache the session
// faulted in, and its anonymous part). "direct": 10 Chromiums started
// directly, the same navigation.
func BenchmarkBrowserConcurrentMemory(b *testing.B) {
	brRequireChromium(b)
	page, where := brPage(b)
	b.Logf("page %s served on the %s", page, where)
	b.Run("direct", func(b *testing.B) {
		for range b.N {
			var mu sync.Mutex
			var ds []*brDirect
			brParallel(b, func(ctx context.Context) error {
				d, err := brLaunchDirect(b)
				if err != nil {
					return err
				}
				b.Cleanup(d.stop)
				mu.Lock()
				ds = append(ds, d)
				mu.Unlock()
				c, err := brDialCDP(ctx, d.ws, nil)
				if err != nil {
					return err
				}
				defer c.close()
				return c.firstNavigation(ctx, page)
			})
			time.Sleep(3 * time.Second)
			var roots []int
			for _, d := range ds {
				roots = append(roots, d.cmd.Process.Pid)
			}
			brReportTrees(b, roots)
			for _, d := range ds {
				d.stop()
			}
			time.Sleep(time.Second)
		}
	})
	for _, driver := range brDrivers() {
		b.Run("driver="+driver, func(b *testing.B) {
			brRequireDriver(b, driver)
			p := brStartServer(b, b, driver, 0)
			for range b.N {
				var mu sync.Mutex
				var sids []string
				brParallel(b, func(ctx context.Context) error {
					s, err := brStartSession(ctx, p.data)
					if err != nil {
						return err
					}
					mu.Lock()
					sids = append(sids, s.id)
					mu.Unlock()
					c, err := brDialAutomation(ctx, s.stream)
					if err != nil {
						return err
					}
					defer c.close()
					return c.firstNavigation(ctx, page)
				})
				time.Sleep(3 * time.Second)
				var roots []int
				for pid := range brBrowsers(p.cmd.Process.Pid) {
					roots = append(roots, pid)
				}
				if len(roots) != brSessions {
					b.Fatalf("%d Chromium browser processes below the server, want %d", len(roots), brSessions)
				}
				brReportTrees(b, roots)
				if driver != "process" {
					brReportCgroups(b, roots)
				}
				for _, sid := range sids {
					brStopSession(b, p.data, sid)
				}
				time.Sleep(time.Second)
			}
		})
	}
}

// brParallel runs f brSessions times at once and fails b on any error.
func brParallel(b *testing.B, f func(context.Context) error) {
	ctx, cancel := brTimeout()
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, brSessions)
	t0 := time.Now()
	for i := range brSessions {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f(ctx) }()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d sessions started and navigated in %s", brSessions, time.Since(t0).Round(time.Millisecond))
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// brReportTrees reports the RSS and PSS of the Chromium trees of roots.
func brReportTrees(b *testing.B, roots []int) {
	rss, pss, procs := brTreeMem(roots)
	n := int64(len(roots))
	b.ReportMetric(mb(pss), "total-pss-MB")
	b.ReportMetric(mb(pss/n), "pss-per-session-MB")
	b.ReportMetric(mb(rss), "total-rss-MB")
	b.ReportMetric(mb(rss/n), "rss-per-session-MB")
	b.ReportMetric(float64(procs)/float64(n), "procs-per-session")
}

// brReportCgroups reports the memory charge of the sessions' cgroups.
func brReportCgroups(b *testing.B, roots []int) {
	var usage, anon []int64
	for _, pid := range roots {
		u, a, path, err := brCgroupMem(pid)
		if err != nil {
			b.Fatal(err)
		}
		if !strings.Contains(path, "agentcore") {
			b.Fatalf("pid %d is in cgroup %s, not a session's", pid, path)
		}
		usage, anon = append(usage, u), append(anon, a)
	}
	var tu, ta int64
	for i := range usage {
		tu, ta = tu+usage[i], ta+anon[i]
	}
	n := int64(len(roots))
	b.ReportMetric(mb(tu), "cgroup-total-MB")
	b.ReportMetric(mb(tu/n), "cgroup-per-session-MB")
	b.ReportMetric(mb(ta/n), "cgroup-anon-per-session-MB")
	slices.Sort(usage)
	b.Logf("cgroup usage per session (MB): min %.0f median %.0f max %.0f", mb(usage[0]), mb(usage[len(usage)/2]), mb(usage[len(usage)-1]))
}
