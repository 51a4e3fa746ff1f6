package telemetry

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// checkpointBuckets cover checkpoint and restore times (10 ms to 1 min).
var checkpointBuckets = []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

type checkpointMetrics struct {
	checkpoints *prometheus.CounterVec
	restores    *prometheus.CounterVec
	cpSeconds   *prometheus.HistogramVec
	rsSeconds   *prometheus.HistogramVec
	cpBytes     *prometheus.HistogramVec
}

func (m *Metrics) registerCheckpoints() {
	c := &m.cp
	c.checkpoints = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "agentcore_session_checkpoints_total",
		Help: "Idle sessions of runtimes with AGENTCORE_CHECKPOINT_ON_IDLE, by result: saved (paused), failed or unsupported (the driver cannot checkpoint; the session ended: plain restart)."},
		[]string{"runtime", "result"})
	c.restores = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "agentcore_session_restores_total",
		Help: "Session starts that found a checkpoint, by result: restored, failed (started afresh) or discarded (another runtime version)."},
		[]string{"runtime", "result"})
	c.cpSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "agentcore_session_checkpoint_seconds",
		Help: "Time to checkpoint an idle session (saved ones).", Buckets: checkpointBuckets}, []string{"runtime"})
	c.rsSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "agentcore_session_restore_seconds",
		Help: "Time to restore a paused session, restore started until the agent answers /ping.", Buckets: checkpointBuckets}, []string{"runtime"})
	c.cpBytes = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "agentcore_session_checkpoint_bytes",
		Help: "Size of saved checkpoint images.", Buckets: prometheus.ExponentialBuckets(1<<20, 4, 8)}, []string{"runtime"})
	m.reg.MustRegister(c.checkpoints, c.restores, c.cpSeconds, c.rsSeconds, c.cpBytes)
}

// SessionCheckpointed implements runtime.CheckpointObserver.
func (m *Metrics) SessionCheckpointed(runtimeID, result string, took time.Duration, bytes int64) {
	m.cp.checkpoints.WithLabelValues(runtimeID, result).Inc()
	if result == "saved" {
		m.cp.cpSeconds.WithLabelValues(runtimeID).Observe(took.Seconds())
		m.cp.cpBytes.WithLabelValues(runtimeID).Observe(float64(bytes))
	}
}

// SessionRestored implements runtime.CheckpointObserver.
func (m *Metrics) SessionRestored(runtimeID, result string, took time.Duration) {
	m.cp.restores.WithLabelValues(runtimeID, result).Inc()
	if result == "restored" {
		m.cp.rsSeconds.WithLabelValues(runtimeID).Observe(took.Seconds())
	}
}
