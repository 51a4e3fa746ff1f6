package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

// checkpointOnIdle opts a runtime into pausing idle sessions.
func checkpointOnIdle(in *ctl.CreateAgentRuntimeInput) {
	in.EnvironmentVariables = map[string]string{"AGENTCORE_CHECKPOINT_ON_IDLE": "true"}
}

// waitMetric polls /metrics until name{labels} reaches want.
func waitMetric(t *testing.T, e *testenv.Env, name string, labels map[string]string, want float64, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		got := metricValue(scrape(t, e.URL), name, labels)
		if got >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s%v = %v after %v, want %v", name, labels, got, limit, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type healthCheckpoint struct {
	Paused  int `json:"pausedSessions"`
	Sandbox struct {
		Checkpoint bool `json:"checkpoint"`
	} `json:"sandbox"`
}

func health(t *testing.T, e *testenv.Env) healthCheckpoint {
	t.Helper()
	resp, err := http.Get(e.URL + "/_agentcore/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h healthCheckpoint
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

func pausedSessions(t *testing.T, e *testenv.Env) int { return health(t, e).Paused }

func driverCanCheckpoint(t *testing.T, e *testenv.Env) bool { return health(t, e).Sandbox.Checkpoint }

// TestCheckpointOnIdle (gVisor): a runtime with AGENTCORE_CHECKPOINT_ON_IDLE
// keeps its sessions' in-memory state across the idle timeout: the counter
// the test agent keeps only in process memory continues after the idle
// checkpoint and the restore (same process), files in session storage are
// there too, and the restore time is measured. StopRuntimeSession of a
// paused session drops its image: the next invocation starts afresh; a
// server restart keeps it (the new server restores it); a new runtime
// version discards it.
func TestCheckpointOnIdle(t *testing.T) {
	testenv.RequireImageDriver(t, "gvisor")
	cfg := testenv.Fast()
	cfg.Sandbox = "gvisor"
	cfg.IdleTimeout = 2 * time.Second
	cfg.DataDir = t.TempDir() // kept across the server restart
	e := testenv.Start(t, cfg)
	if !driverCanCheckpoint(t, e) {
		t.Skipf("the server's runsc cannot checkpoint sandboxes on the host network stack (Debian 12's runsc refuses: hostinet); set AGENTCORE_RUNSC to a current runsc (.ci/run builds one)")
	}
	out := e.Deploy(t, "paused", func(in *ctl.CreateAgentRuntimeInput) {
		checkpointOnIdle(in)
		in.FilesystemConfigurations = sessionStorage("/mnt/data")
	})
	arn, id := *out.AgentRuntimeArn, *out.AgentRuntimeId
	s := testenv.SessionID("paused")
	count := func() map[string]any { return e.InvokeJSON(t, arn, s, map[string]any{"action": "count"}) }
	first := count()
	if second := count(); second["count"] != float64(2) || second["instance"] != first["instance"] {
		t.Fatalf("second call: %v (first %v)", second, first)
	}
	mustOK(t, e.InvokeJSON(t, arn, s, map[string]any{"action": "writefile", "path": "/mnt/data/kept", "data": "on disk"}))
	mustOK(t, e.InvokeJSON(t, arn, s, map[string]any{"action": "writefile", "path": "/tmp/kept", "data": "in memory"}))

	waitMetric(t, e, "agentcore_session_checkpoints_total", map[string]string{"runtime": id, "result": "saved"}, 1, 20*time.Second)
	if alive, _ := sessionAlive(t, e, s); alive {
		t.Fatal("the session still runs after its checkpoint")
	}
	if n := pausedSessions(t, e); n != 1 {
		t.Fatalf("health pausedSessions = %d, want 1", n)
	}
	images, _ := filepath.Glob(filepath.Join(e.DataDir, "session-storage", "*", id, "*", "checkpoint", "meta.json"))
	if len(images) != 1 {
		t.Fatalf("checkpoint images under the data dir: %v", images)
	}

	t0 := time.Now()
	third := count()
	took := time.Since(t0)
	if third["count"] != float64(5) || third["instance"] != first["instance"] || third["pid"] != first["pid"] {
		t.Fatalf("after restore: %v, want count 5 in the same process as %v", third, first)
	}
	fams := scrape(t, e.URL)
	if n := metricValue(fams, "agentcore_session_restores_total", map[string]string{"runtime": id, "result": "restored"}); n != 1 {
		t.Fatalf("agentcore_session_restores_total{restored} = %v", n)
	}
	var restoreSecs float64
	for _, m := range fams["agentcore_session_restore_seconds"].GetMetric() {
		restoreSecs += m.GetHistogram().GetSampleSum()
	}
	t.Logf("restore: %.0f ms (restore until /ping answers), first invocation after it %v", restoreSecs*1000, took)
	for path, want := range map[string]string{"/mnt/data/kept": "on disk", "/tmp/kept": "in memory"} {
		if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "readfile", "path": path}); m["data"] != want {
			t.Fatalf("%s after restore: %v", path, m)
		}
	}
	if images, _ := filepath.Glob(filepath.Join(e.DataDir, "session-storage", "*", id, "*", "checkpoint")); len(images) != 0 {
		t.Fatalf("the image outlived its restore: %v", images)
	}

	// Paused again, then stopped: the image goes, the next start is fresh.
	waitMetric(t, e, "agentcore_session_checkpoints_total", map[string]string{"runtime": id, "result": "saved"}, 2, 20*time.Second)
	if _, err := e.Data.StopRuntimeSession(bg, &bedrockagentcore.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s)}); err != nil {
		t.Fatalf("StopRuntimeSession of a paused session: %v", err)
	}
	if n := pausedSessions(t, e); n != 0 {
		t.Fatalf("health pausedSessions = %d after StopRuntimeSession", n)
	}
	fresh := count()
	if fresh["count"] != float64(1) || fresh["instance"] == first["instance"] {
		t.Fatalf("after StopRuntimeSession of the paused session: %v, want a fresh process", fresh)
	}

	// Paused, then the server restarts: the new server restores the image.
	waitMetric(t, e, "agentcore_session_checkpoints_total", map[string]string{"runtime": id, "result": "saved"}, 3, 20*time.Second)
	e.Stop()
	e = testenv.Start(t, cfg)
	if m := count(); m["count"] != float64(2) || m["instance"] != fresh["instance"] {
		t.Fatalf("after a server restart: %v, want count 2 in the paused process %v", m, fresh["instance"])
	}

	// Paused on version 1, invoked on version 2: the image is discarded.
	waitMetric(t, e, "agentcore_session_checkpoints_total", map[string]string{"runtime": id, "result": "saved"}, 1, 20*time.Second)
	cur, err := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Control.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: aws.String(id), AgentRuntimeArtifact: cur.AgentRuntimeArtifact,
		RoleArn: cur.RoleArn, NetworkConfiguration: cur.NetworkConfiguration, FilesystemConfigurations: cur.FilesystemConfigurations,
		EnvironmentVariables: cur.EnvironmentVariables}); err != nil {
		t.Fatal(err)
	}
	e.WaitReady(t, id, time.Minute)
	if m := count(); m["count"] != float64(1) {
		t.Fatalf("version 2 restored version 1's checkpoint: %v", m)
	}
	if n := metricValue(scrape(t, e.URL), "agentcore_session_restores_total", map[string]string{"runtime": id, "result": "discarded"}); n != 1 {
		t.Fatalf("agentcore_session_restores_total{discarded} = %v, want 1", n)
	}
}

type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestCheckpointFallback: under the process driver, which cannot
// checkpoint, a runtime asking for it gets the plain idle timeout: the
// session ends (logged, counted as unsupported) and restarts afresh.
func TestCheckpointFallback(t *testing.T) {
	cfg := testenv.Fast()
	cfg.IdleTimeout = time.Second
	var logs logBuf
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	e := testenv.Start(t, cfg)
	out := e.Deploy(t, "fallback", checkpointOnIdle)
	arn, id := *out.AgentRuntimeArn, *out.AgentRuntimeId
	s := testenv.SessionID("fallback")
	e.InvokeJSON(t, arn, s, map[string]any{"action": "count"})
	if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "count"}); m["count"] != float64(2) {
		t.Fatalf("second call: %v", m)
	}
	if driverCanCheckpoint(t, e) {
		t.Fatal("the process driver says it can checkpoint")
	}
	waitMetric(t, e, "agentcore_session_checkpoints_total", map[string]string{"runtime": id, "result": "unsupported"}, 1, 10*time.Second)
	waitGone(t, e, s, 5*time.Second)
	if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "count"}); m["count"] != float64(1) {
		t.Fatalf("after the idle timeout the process driver restarts the session: %v", m)
	}
	if !strings.Contains(logs.String(), "the sandbox driver cannot checkpoint") {
		t.Fatalf("the fallback is not logged:\n%s", logs.String())
	}
	if n := metricValue(scrape(t, e.URL), "agentcore_session_restores_total", nil); n > 0 {
		t.Fatalf("restores counted under the process driver: %v", n)
	}
	if images, _ := filepath.Glob(filepath.Join(e.DataDir, "session-storage", "*", "*", "*", "checkpoint")); len(images) != 0 {
		t.Fatalf("checkpoint dirs under the process driver: %v", images)
	}
}
