package telemetry

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	evalOnce    sync.Mutex
	evalResults = map[*Metrics]*prometheus.CounterVec{}
)

// OnlineEvaluation counts one online evaluation result (it implements
// evaluation.OnlineObserver); outcome is "ok" or "error".
func (m *Metrics) OnlineEvaluation(evaluatorID, outcome string) {
	evalOnce.Lock()
	c := evalResults[m]
	if c == nil {
		c = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "agentcore_online_evaluation_results_total",
			Help: "Online evaluation results written back into sessions, by evaluator id and outcome (ok, error: the judge failed for the target or the evaluator call failed)."},
			[]string{"evaluator", "outcome"})
		m.reg.MustRegister(c)
		evalResults[m] = c
	}
	evalOnce.Unlock()
	c.WithLabelValues(evaluatorID, outcome).Inc()
}
