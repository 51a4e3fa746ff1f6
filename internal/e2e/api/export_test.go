package api_test

import (
	"fmt"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// otelcolBinary finds the OpenTelemetry Collector .ci/collector.sh builds:
// $AGENTCORE_TEST_OTELCOL, else the script's cache dir.
func otelcolBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("AGENTCORE_TEST_OTELCOL"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("AGENTCORE_TEST_OTELCOL=%s: %v", p, err)
		}
		return p
	}
	cache := os.Getenv("AGENTCORE_CI_CACHE")
	if cache == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home, _ := os.UserHomeDir()
			base = filepath.Join(home, ".cache")
		}
		cache = filepath.Join(base, "agentcore-ci")
	}
	found, _ := filepath.Glob(filepath.Join(cache, "otelcol-*", "otelcol-agentcore"))
	if len(found) == 0 {
		t.Skipf("no OpenTelemetry Collector binary (looked for AGENTCORE_TEST_OTELCOL and %s/otelcol-*/otelcol-agentcore): build it with .ci/collector.sh", cache)
	}
	return found[len(found)-1]
}

// startCollector runs the collector with an OTLP/HTTP receiver on a free
// loopback port and the debug exporter (detailed) writing to its output; it
// returns the receiver's base URL and the output.
func startCollector(t *testing.T, bin string) (string, *sandboxtest.SyncBuffer) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http:
        endpoint: %s
exporters:
  debug:
    verbosity: detailed
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [debug]
    logs:
      receivers: [otlp]
      exporters: [debug]
    metrics:
      receivers: [otlp]
      exporters: [debug]
`, addr)
	path := filepath.Join(t.TempDir(), "otelcol.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	out := &sandboxtest.SyncBuffer{}
	cmd := exec.Command(bin, "--config", path)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start collector: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("collector output:\n%s", out.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return "http://" + addr, out
		}
		if time.Now().After(deadline) {
			t.Fatalf("collector did not listen on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestExportToOpenTelemetryCollector: with OTLPExport set, the spans an agent
// exports to its session's receiver reach a real OpenTelemetry Collector
// (upstream otlpreceiver, built by .ci/collector.sh), with the caller's
// trace id, the agent's span names, the session id and the platform's own
// InvokeAgentRuntime span; and the server's metrics, pushed over OTLP.
func TestExportToOpenTelemetryCollector(t *testing.T) {
	bin := otelcolBinary(t)
	url, out := startCollector(t, bin)
	cfg := testenv.Fast()
	cfg.OTLPExport = url
	cfg.MetricsInterval = 300 * time.Millisecond
	e := testenv.Start(t, cfg)
	dep := e.Deploy(t, "export_go", nil)
	arn, session := *dep.AgentRuntimeArn, testenv.SessionID("export")
	tp, traceID, _ := traceParent("export")
	m := invokeTraced(t, e, arn, session, tp, map[string]any{"action": "trace"})
	if m["traceId"] != traceID {
		t.Fatalf("agent span in trace %v, want %s", m["traceId"], traceID)
	}
	want := []*regexp.Regexp{
		regexp.MustCompile(`Trace ID\s*: ` + traceID),
		regexp.MustCompile(`Name\s*: agent\.handle`),
		regexp.MustCompile(`Name\s*: llm\.call`),
		regexp.MustCompile(`gen_ai\.request\.model: Str\(test-model\)`),
		regexp.MustCompile(regexp.QuoteMeta(session)),
		regexp.MustCompile(`Name\s*: InvokeAgentRuntime`), // the platform's own invocation span
		// the /metrics series, pushed over OTLP
		regexp.MustCompile(`Name: agentcore_invocations_total`),
		regexp.MustCompile(`Name: agentcore_invocation_duration_seconds`),
		regexp.MustCompile(`Name: agentcore_session_memory_bytes`),
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := out.String()
		var missing []string
		for _, re := range want {
			if !re.MatchString(got) {
				missing = append(missing, re.String())
			}
		}
		if len(missing) == 0 {
			t.Logf("collector received trace %s: InvokeAgentRuntime, agent.handle, llm.call, session %s (%d bytes of debug output)", traceID, session, len(got))
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("collector output lacks %v", missing)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestExportEndpointDown: with --otlp-export pointing at a port nobody
// listens on, invocations go on unaffected and what could not be delivered
// is counted in agentcore_telemetry_dropped_total (agents' batches that the
// forwarder dropped, platform spans whose export failed).
func TestExportEndpointDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	cfg := testenv.Fast()
	cfg.OTLPExport = dead
	e := testenv.Start(t, cfg)
	arn := *e.Deploy(t, "export_down", nil).AgentRuntimeArn
	session := testenv.SessionID("export-down")
	for range 5 {
		start := time.Now()
		e.InvokeJSON(t, arn, session, map[string]any{"action": "count"})
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("an invocation took %v with the export endpoint down", d)
		}
	}
	postTrace(t, e.URL, session, 0x7c, time.Now())
	if err := e.Server.Telemetry().ForceFlush(bg); err != nil {
		t.Logf("flush: %v", err)
	}
	want := map[string]map[string]string{
		"forwarded batches": {"signal": "batches", "reason": "forward_failed"},
		"platform spans":    {"signal": "spans", "reason": "export_failed"},
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(want) > 0 {
		fams := scrape(t, e.URL)
		for what, labels := range want {
			if metricValue(fams, "agentcore_telemetry_dropped_total", labels) > 0 {
				delete(want, what)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("drops not counted for %v", want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
