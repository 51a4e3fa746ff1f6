package telemetry

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Buckets (seconds). Invocations span sub-millisecond warm calls to the
// 15-minute invoke limit; sessions live up to 8 hours.
var (
	latencyBuckets  = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900}
	startBuckets    = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}
	lifetimeBuckets = []float64{1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400, 28800}
)

// Metrics is the Prometheus registry of the server (GET /metrics). It also
// implements runtime.Observer (SessionStarted, SessionEnded).
type Metrics struct {
	reg          *prometheus.Registry
	apiRequests  *prometheus.CounterVec
	invocations  *prometheus.CounterVec
	invErrors    *prometheus.CounterVec
	invDuration  *prometheus.HistogramVec
	invTTFB      *prometheus.HistogramVec
	sessStarts   *prometheus.CounterVec
	sessEnds     *prometheus.CounterVec
	sessDuration *prometheus.HistogramVec
	sessStartDur *prometheus.HistogramVec
	tokens       *prometheus.CounterVec
	ciCalls      *prometheus.CounterVec
	ciDuration   *prometheus.HistogramVec
	brActions    *prometheus.CounterVec
	brDuration   *prometheus.HistogramVec
	sessions     atomic.Pointer[func() (active, idle int)]
	storage      atomic.Pointer[func() StorageStats]
	cp           checkpointMetrics
	usage        *usageCollector
	drops        *dropsCollector
	handler      http.Handler
}

// NewMetrics builds the registry with the agentcore metrics and the Go and
// process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
		m.reg.MustRegister(c)
		return c
	}
	histogram := func(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
		h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
		m.reg.MustRegister(h)
		return h
	}
	m.apiRequests = counter("agentcore_api_requests_total", "API requests by AWS operation and HTTP status code.", "operation", "code")
	m.invocations = counter("agentcore_invocations_total", "InvokeAgentRuntime calls (successful and failed) by runtime id and endpoint (qualifier).", "runtime", "endpoint")
	m.invErrors = counter("agentcore_invocation_errors_total", "Failed InvokeAgentRuntime calls by runtime id and AWS error type (StreamAborted: the agent's stream broke after the status was sent).", "runtime", "type")
	m.invDuration = histogram("agentcore_invocation_duration_seconds", "InvokeAgentRuntime latency, request received to last byte relayed.", latencyBuckets, "runtime", "endpoint")
	m.invTTFB = histogram("agentcore_invocation_ttfb_seconds", "InvokeAgentRuntime time to first byte of the agent's answer (includes a cold start).", latencyBuckets, "runtime", "endpoint")
	m.sessStarts = counter("agentcore_session_starts_total", "Sessions started (a warm-pool environment counts when a session takes it).", "runtime")
	m.sessEnds = counter("agentcore_session_ends_total", "Sessions ended, by reason.", "runtime", "reason")
	m.sessDuration = histogram("agentcore_session_duration_seconds", "How long sessions ran, start to teardown.", lifetimeBuckets, "runtime")
	m.sessStartDur = histogram("agentcore_session_start_duration_seconds", "Session start-up: sandbox start until the agent answers /ping (0 for warm-pool environments).", startBuckets, "runtime")
	m.tokens = counter("agentcore_gen_ai_token_usage_total", "GenAI tokens reported by agents' spans (gen_ai.usage.*), by runtime and token type (input, output).", "runtime", "type")
	m.ciCalls = counter("agentcore_code_interpreter_calls_total", "Code Interpreter tool calls by tool, language (executeCode) and outcome (ok, error: an isError result or an exception).", "tool", "language", "outcome")
	m.ciDuration = histogram("agentcore_code_interpreter_call_duration_seconds", "Code Interpreter tool call latency, session found to result.", latencyBuckets, "tool", "language")
	m.brActions = counter("agentcore_browser_actions_total", "Browser InvokeBrowser actions by action (mouseClick, keyType, screenshot, ...) and status (SUCCESS, FAILED, error: no result).", "action", "status")
	m.brDuration = histogram("agentcore_browser_action_duration_seconds", "Browser InvokeBrowser action latency in the browser.", latencyBuckets, "action")
	gauge := func(name, help string, pick func(active, idle int) int) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			if f := m.sessions.Load(); f != nil {
				return float64(pick((*f)()))
			}
			return 0
		}))
	}
	gauge("agentcore_sessions_active", "Running sessions (agent environments bound to a runtimeSessionId).", func(a, _ int) int { return a })
	gauge("agentcore_sessions_idle", "Running sessions with no request in flight and not HealthyBusy.", func(_, i int) int { return i })
	m.registerStorage()
	m.registerCheckpoints()
	m.usage = newUsageCollector()
	m.reg.MustRegister(m.usage)
	m.drops = newDropsCollector()
	m.reg.MustRegister(m.drops)
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
	return m
}

// Registry is the Prometheus registry (for tests and extra collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler { return m.handler }

// SetSessionCounts sets where the session gauges read from.
func (m *Metrics) SetSessionCounts(f func() (active, idle int)) { m.sessions.Store(&f) }

// APIRequest counts one API request.
func (m *Metrics) APIRequest(op string, code int) {
	m.apiRequests.WithLabelValues(op, statusText(code)).Inc()
}

// Invocation records one InvokeAgentRuntime; errType is "" on success and
// ttfb is 0 when no byte was sent.
func (m *Metrics) Invocation(runtimeID, endpoint, errType string, took, ttfb time.Duration) {
	m.invocations.WithLabelValues(runtimeID, endpoint).Inc()
	if errType != "" {
		m.invErrors.WithLabelValues(runtimeID, errType).Inc()
	}
	m.invDuration.WithLabelValues(runtimeID, endpoint).Observe(took.Seconds())
	if ttfb > 0 {
		m.invTTFB.WithLabelValues(runtimeID, endpoint).Observe(ttfb.Seconds())
	}
}

// CodeInterpreterCall records one Code Interpreter tool call (it
// implements codeinterpreter.Observer).
func (m *Metrics) CodeInterpreterCall(tool, language string, isError bool, took time.Duration) {
	outcome := "ok"
	if isError {
		outcome = "error"
	}
	m.ciCalls.WithLabelValues(tool, language, outcome).Inc()
	m.ciDuration.WithLabelValues(tool, language).Observe(took.Seconds())
}

// BrowserAction records one InvokeBrowser action (it implements
// browser.Observer).
func (m *Metrics) BrowserAction(action, status string, took time.Duration) {
	m.brActions.WithLabelValues(action, status).Inc()
	m.brDuration.WithLabelValues(action).Observe(took.Seconds())
}

// SessionStarted implements runtime.Observer.
func (m *Metrics) SessionStarted(runtimeID string, took time.Duration) {
	m.sessStarts.WithLabelValues(runtimeID).Inc()
	m.sessStartDur.WithLabelValues(runtimeID).Observe(took.Seconds())
}

// SessionEnded implements runtime.Observer.
func (m *Metrics) SessionEnded(runtimeID string, lived time.Duration, reason string) {
	m.sessEnds.WithLabelValues(runtimeID, EndReason(reason)).Inc()
	m.sessDuration.WithLabelValues(runtimeID).Observe(lived.Seconds())
}

// Tokens adds GenAI token usage reported by an agent's span (the span store
// calls it for spans carrying gen_ai.usage.input_tokens/output_tokens and
// cloud.resource_id or the runtime id). kind is "input" or "output".
func (m *Metrics) Tokens(runtimeID, kind string, n int64) {
	if n > 0 {
		m.tokens.WithLabelValues(runtimeID, kind).Add(float64(n))
	}
}

// EndReason maps a session manager's free-text teardown reason to a small
// set of label values.
func EndReason(reason string) string {
	switch r := strings.ToLower(reason); {
	case strings.HasPrefix(r, "idle"):
		return "idle_timeout"
	case strings.HasPrefix(r, "maxlifetime"):
		return "max_lifetime"
	case strings.HasPrefix(r, "unhealthy"):
		return "unhealthy"
	case r == "stopruntimesession":
		return "stopped"
	case strings.HasPrefix(r, "agent process exited"):
		return "exited"
	case strings.HasPrefix(r, "request failed"), strings.HasPrefix(r, "response stream broke"):
		return "failed"
	case strings.HasPrefix(r, "runtime deleted"):
		return "runtime_deleted"
	case strings.HasPrefix(r, "server shutting down"):
		return "shutdown"
	}
	return "other"
}

var statusTexts [600]string

func init() {
	for i := range statusTexts {
		statusTexts[i] = strconv.Itoa(i)
	}
}

func statusText(code int) string {
	if code >= 0 && code < len(statusTexts) {
		return statusTexts[code]
	}
	return strconv.Itoa(code)
}
