package telemetry

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// UsageSample is the resource use of one runtime's sessions.
type UsageSample struct {
	Runtime     string
	MemoryBytes float64 // running sessions' memory now
	CPUSeconds  float64 // CPU time of running and ended sessions (monotonic)
}

// usageCollector reads session resource use at scrape time.
type usageCollector struct {
	f   atomic.Pointer[func() []UsageSample]
	mem *prometheus.Desc
	cpu *prometheus.Desc
}

func newUsageCollector() *usageCollector {
	return &usageCollector{
		mem: prometheus.NewDesc("agentcore_session_memory_bytes",
			"Memory of a runtime's running sessions (cgroup charge under linuxns and gvisor, RSS under the process driver).", []string{"runtime"}, nil),
		cpu: prometheus.NewDesc("agentcore_session_cpu_seconds_total",
			"CPU time used by a runtime's sessions (running and ended).", []string{"runtime"}, nil),
	}
}

func (c *usageCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.mem; ch <- c.cpu }

func (c *usageCollector) Collect(ch chan<- prometheus.Metric) {
	f := c.f.Load()
	if f == nil {
		return
	}
	for _, u := range (*f)() {
		ch <- prometheus.MustNewConstMetric(c.mem, prometheus.GaugeValue, u.MemoryBytes, u.Runtime)
		ch <- prometheus.MustNewConstMetric(c.cpu, prometheus.CounterValue, u.CPUSeconds, u.Runtime)
	}
}

// SetUsage sets where the session resource metrics read from (called at
// each scrape and OTLP metrics export).
func (m *Metrics) SetUsage(f func() []UsageSample) { m.usage.f.Store(&f) }
