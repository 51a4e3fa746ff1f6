package e2e

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

const checkpointBenchIters = 5

// histSum reads the sample sum and count of a histogram family on /metrics.
func histSum(b testing.TB, url, name string) (sum float64, n uint64) {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range fams[name].GetMetric() {
		sum += m.GetHistogram().GetSampleSum()
		n += m.GetHistogram().GetSampleCount()
	}
	return sum, n
}

// checkpointRows (part of BenchmarkSessionStorage, same run): a runtime
// with AGENTCORE_CHECKPOINT_ON_IDLE on its own server (idle timeout 2 s):
// per agent heap size, checkpointBenchIters sessions are started, left
// idle until checkpointed, and resumed. Rows: checkpoint time (server
// metric), image size, restore time (restore until /ping answers) and the
// invocation that resumed the session (InvokeAgentRuntime → answer).
func checkpointRows(b *testing.B, driver string) []string {
	cfg := testenv.Fast()
	cfg.Sandbox = driver
	cfg.IdleTimeout = 2 * time.Second
	e := testenv.Start(b, cfg)
	arn := *e.Deploy(b, "bench_paused", func(in *ctl.CreateAgentRuntimeInput) {
		in.EnvironmentVariables = map[string]string{"AGENTCORE_CHECKPOINT_ON_IDLE": "true"}
	}).AgentRuntimeArn
	var rows []string
	for _, mb := range []int{0, 256} {
		var cps, rss, invs []time.Duration
		var bytes float64
		for i := range checkpointBenchIters {
			sid := testenv.SessionID(fmt.Sprintf("paused-%d-%d", mb, i))
			first := e.InvokeJSON(b, arn, sid, map[string]any{"action": "count"})
			if mb > 0 {
				if m := e.InvokeJSON(b, arn, sid, map[string]any{"action": "hog", "mb": mb}); m["error"] != nil {
					b.Fatal(m["error"])
				}
			}
			cpSum, cpN := histSum(b, e.URL, "agentcore_session_checkpoint_seconds")
			bySum, _ := histSum(b, e.URL, "agentcore_session_checkpoint_bytes")
			for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				if _, n := histSum(b, e.URL, "agentcore_session_checkpoint_seconds"); n > cpN {
					break
				}
				if time.Now().After(deadline) {
					b.Fatalf("%s: no checkpoint after 60 s", driver)
				}
			}
			s, _ := histSum(b, e.URL, "agentcore_session_checkpoint_seconds")
			cps = append(cps, time.Duration((s-cpSum)*float64(time.Second)))
			s, _ = histSum(b, e.URL, "agentcore_session_checkpoint_bytes")
			bytes += (s - bySum) / checkpointBenchIters
			rsSum, _ := histSum(b, e.URL, "agentcore_session_restore_seconds")
			t0 := time.Now()
			m := e.InvokeJSON(b, arn, sid, map[string]any{"action": "count"})
			invs = append(invs, time.Since(t0))
			if m["instance"] != first["instance"] {
				b.Fatalf("%s: not restored: %v (first %v)", driver, m, first)
			}
			s, _ = histSum(b, e.URL, "agentcore_session_restore_seconds")
			rss = append(rss, time.Duration((s-rsSum)*float64(time.Second)))
			if _, err := e.Data.StopRuntimeSession(context.Background(), &bedrockagentcore.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(sid)}); err != nil {
				b.Fatal(err)
			}
		}
		row := func(name string, ds []time.Duration) {
			slices.Sort(ds)
			rows = append(rows, fmt.Sprintf("| %s | %s | %d | %s | %s | %s |", driver, name, len(ds),
				fmtMs(ds[len(ds)/2]), fmtMs(ds[0]), fmtMs(ds[len(ds)-1])))
		}
		heap := fmt.Sprintf("agent + %d MB heap, image %.0f MB", mb, bytes/(1<<20))
		row("idle checkpoint ("+heap+")", cps)
		row("restore until /ping answers ("+heap+")", rss)
		row("resumed session: invocation that restores it ("+heap+")", invs)
	}
	return rows
}
