package telemetry

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func TestMetricsExposition(t *testing.T) {
	m := NewMetrics()
	m.SetSessionCounts(func() (int, int) { return 3, 1 })
	m.SetStorageStats(func() StorageStats {
		return StorageStats{Resumes: 4, Resets: 1, Held: 2, HeldBytes: 4096, HeldFiles: 7}
	})
	m.APIRequest("InvokeAgentRuntime", 200)
	m.APIRequest("InvokeAgentRuntime", 424)
	m.Invocation("agent-abcdefghij", "DEFAULT", "", 2*time.Millisecond, time.Millisecond)
	m.Invocation("agent-abcdefghij", "DEFAULT", "RuntimeClientError", 3*time.Millisecond, 0)
	m.SessionStarted("agent-abcdefghij", 20*time.Millisecond)
	m.SessionEnded("agent-abcdefghij", time.Minute, "idle timeout")
	m.Tokens("agent-abcdefghij", "input", 12)

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, rec.Body.String())
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f := fams[name]
		if f == nil {
			t.Fatalf("no %s", name)
		}
	next:
		for _, mt := range f.Metric {
			for _, lp := range mt.Label {
				if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
					continue next
				}
			}
			switch {
			case mt.Counter != nil:
				return mt.Counter.GetValue()
			case mt.Gauge != nil:
				return mt.Gauge.GetValue()
			case mt.Histogram != nil:
				return float64(mt.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("no %s%v", name, labels)
		return 0
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"agentcore_api_requests_total", map[string]string{"operation": "InvokeAgentRuntime", "code": "424"}, 1},
		{"agentcore_invocations_total", map[string]string{"runtime": "agent-abcdefghij", "endpoint": "DEFAULT"}, 2},
		{"agentcore_invocation_errors_total", map[string]string{"type": "RuntimeClientError"}, 1},
		{"agentcore_invocation_duration_seconds", nil, 2},
		{"agentcore_invocation_ttfb_seconds", nil, 1},
		{"agentcore_session_starts_total", nil, 1},
		{"agentcore_session_start_duration_seconds", nil, 1},
		{"agentcore_session_duration_seconds", nil, 1},
		{"agentcore_session_ends_total", map[string]string{"reason": "idle_timeout"}, 1},
		{"agentcore_sessions_active", nil, 3},
		{"agentcore_sessions_idle", nil, 1},
		{"agentcore_gen_ai_token_usage_total", map[string]string{"type": "input"}, 12},
		{"agentcore_session_storage_sessions", nil, 2},
		{"agentcore_session_storage_bytes", nil, 4096},
		{"agentcore_session_storage_files", nil, 7},
		{"agentcore_session_storage_resumes_total", nil, 4},
		{"agentcore_session_storage_resets_total", nil, 1},
		{"agentcore_session_storage_expired_total", nil, 0},
	}
	for _, c := range checks {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if fams[name] == nil {
			t.Errorf("no %s (Go/process collectors)", name)
		}
	}
}

func TestEndReason(t *testing.T) {
	for in, want := range map[string]string{
		"idle timeout": "idle_timeout", "maxLifetime reached": "max_lifetime", "unhealthy: /ping failed": "unhealthy",
		"StopRuntimeSession": "stopped", "agent process exited: exit status 3": "exited", "request failed: EOF": "failed",
		"runtime deleted": "runtime_deleted", "server shutting down": "shutdown", "warm pool dropped": "other",
	} {
		if got := EndReason(in); got != want {
			t.Errorf("EndReason(%q) = %q, want %q", in, got, want)
		}
	}
}
