package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
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

// canCheckpoint reads sandbox.checkpoint of the server's health.
func canCheckpoint(b testing.TB, e *testenv.Env) bool {
	resp, err := http.Get(e.URL + "/_agentcore/health")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Sandbox struct {
			Checkpoint bool `json:"checkpoint"`
		} `json:"sandbox"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		b.Fatal(err)
	}
	return h.Sandbox.Checkpoint
}

// checkpointRows (part of BenchmarkSessionStorage, same run): runtimes
// with AGENTCORE_CHECKPOINT_ON_IDLE on their own server (idle timeout 2 s).
// Per agent heap size, checkpointBenchIters sessions are started, left idle
// until checkpointed, and resumed; then one session with 100 MB / 10,000
// files of session storage is paused and resumed checkpointBenchIters
// times. Rows: checkpoint time (server metric), image size, restore time
// (restore until /ping answers) and the invocation that resumed the session
// (InvokeAgentRuntime → answer).
func checkpointRows(b *testing.B, driver string) []string {
	cfg := testenv.Fast()
	cfg.Sandbox = driver
	cfg.IdleTimeout = 2 * time.Second
	e := testenv.Start(b, cfg)
	if !canCheckpoint(b, e) {
		return []string{fmt.Sprintf("| %s | (no checkpoint/restore: the driver cannot; idle sessions restart) | | | | |", driver)}
	}
	optIn := func(in *ctl.CreateAgentRuntimeInput) {
		in.EnvironmentVariables = map[string]string{"AGENTCORE_CHECKPOINT_ON_IDLE": "true"}
	}
	arn := *e.Deploy(b, "bench_paused", optIn).AgentRuntimeArn
	stored := *e.Deploy(b, "bench_paused_storage", func(in *ctl.CreateAgentRuntimeInput) {
		optIn(in)
		in.FilesystemConfigurations = []ctltypes.FilesystemConfiguration{&ctltypes.FilesystemConfigurationMemberSessionStorage{
			Value: ctltypes.SessionStorageConfiguration{MountPath: aws.String("/mnt/data")}}}
	}).AgentRuntimeArn
	// cycle waits for sid's idle checkpoint and resumes it.
	cycle := func(arn, sid string, instance any) (cp, rs, inv time.Duration, bytes float64) {
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
		cp = time.Duration((s - cpSum) * float64(time.Second))
		s, _ = histSum(b, e.URL, "agentcore_session_checkpoint_bytes")
		bytes = s - bySum
		rsSum, _ := histSum(b, e.URL, "agentcore_session_restore_seconds")
		t0 := time.Now()
		m := e.InvokeJSON(b, arn, sid, map[string]any{"action": "count"})
		inv = time.Since(t0)
		if m["instance"] != instance {
			b.Fatalf("%s: not restored: %v (instance before: %v)", driver, m, instance)
		}
		s, _ = histSum(b, e.URL, "agentcore_session_restore_seconds")
		return cp, time.Duration((s - rsSum) * float64(time.Second)), inv, bytes
	}
	var rows []string
	row := func(name string, ds []time.Duration) {
		slices.Sort(ds)
		rows = append(rows, fmt.Sprintf("| %s | %s | %d | %s | %s | %s |", driver, name, len(ds),
			fmtMs(ds[len(ds)/2]), fmtMs(ds[0]), fmtMs(ds[len(ds)-1])))
	}
	rows3 := func(what string, cps, rss, invs []time.Duration, bytes float64) {
		what = fmt.Sprintf("%s, image %.0f MB", what, bytes/(1<<20))
		row("idle checkpoint ("+what+")", cps)
		row("restore until /ping answers ("+what+")", rss)
		row("resumed session: invocation that restores it ("+what+")", invs)
	}
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
			cp, rs, inv, by := cycle(arn, sid, first["instance"])
			cps, rss, invs, bytes = append(cps, cp), append(rss, rs), append(invs, inv), bytes+by/checkpointBenchIters
			if _, err := e.Data.StopRuntimeSession(context.Background(), &bedrockagentcore.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(sid)}); err != nil {
				b.Fatal(err)
			}
		}
		rows3(fmt.Sprintf("agent + %d MB heap", mb), cps, rss, invs, bytes)
	}
	sid := testenv.SessionID("paused-storage")
	first := e.InvokeJSON(b, stored, sid, map[string]any{"action": "count"})
	if m := e.InvokeJSON(b, stored, sid, map[string]any{"action": "fs", "op": "mkfiles", "path": "/mnt/data/files", "count": 10000, "size": 10000}); m["error"] != nil {
		b.Fatal(m["error"])
	}
	var cps, rss, invs []time.Duration
	var bytes float64
	for range checkpointBenchIters {
		cp, rs, inv, by := cycle(stored, sid, first["instance"])
		cps, rss, invs, bytes = append(cps, cp), append(rss, rs), append(invs, inv), bytes+by/checkpointBenchIters
	}
	if m := e.InvokeJSON(b, stored, sid, map[string]any{"action": "fs", "op": "du", "path": "/mnt/data/files"}); m["files"] != float64(10101) {
		b.Fatalf("restored session's storage holds %v", m)
	}
	rows3("agent + 100 MB / 10,000 files of session storage", cps, rss, invs, bytes)
	return rows
}
