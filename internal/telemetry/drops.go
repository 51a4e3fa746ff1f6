package telemetry

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// DropSource reports a count of telemetry that was dropped rather than
// slowing the platform down (full queues, an export endpoint that is down).
type DropSource struct {
	Signal string // spans, logs, batches
	Reason string
	Count  func() int64
}

// dropsCollector exposes every DropSource as agentcore_telemetry_dropped_total.
type dropsCollector struct {
	desc *prometheus.Desc
	mu   sync.Mutex
	srcs []DropSource
}

func newDropsCollector() *dropsCollector {
	return &dropsCollector{desc: prometheus.NewDesc("agentcore_telemetry_dropped_total",
		"Telemetry dropped instead of blocking invocations or growing memory: by signal and reason (queue_full, export_failed, forward_failed).",
		[]string{"signal", "reason"}, nil)}
}

func (c *dropsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *dropsCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	srcs := append([]DropSource(nil), c.srcs...)
	c.mu.Unlock()
	sum := map[[2]string]float64{}
	for _, s := range srcs {
		sum[[2]string{s.Signal, s.Reason}] += float64(s.Count())
	}
	for k, v := range sum {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, v, k[0], k[1])
	}
}

// AddDropSource registers a counter of dropped telemetry.
func (m *Metrics) AddDropSource(s DropSource) {
	m.drops.mu.Lock()
	m.drops.srcs = append(m.drops.srcs, s)
	m.drops.mu.Unlock()
}
