package telemetry

import "github.com/prometheus/client_golang/prometheus"

// StorageStats is what the session-storage metrics read
// (internal/sessionstore.Stats, converted by the server).
type StorageStats struct {
	Resumes, Resets, Expired int64
	Held                     int
	HeldBytes, HeldFiles     int64
}

// SetStorageStats sets where the session-storage metrics read from.
func (m *Metrics) SetStorageStats(f func() StorageStats) { m.storage.Store(&f) }

func (m *Metrics) registerStorage() {
	read := func(pick func(StorageStats) float64) func() float64 {
		return func() float64 {
			if f := m.storage.Load(); f != nil {
				return pick((*f)())
			}
			return 0
		}
	}
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "agentcore_session_storage_sessions",
			Help: "Session storage directories held by running sessions."}, read(func(s StorageStats) float64 { return float64(s.Held) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "agentcore_session_storage_bytes",
			Help: "Bytes allocated in the session storage of running sessions, as last measured (at start and every --session-storage-check)."},
			read(func(s StorageStats) float64 { return float64(s.HeldBytes) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "agentcore_session_storage_files",
			Help: "Files and directories in the session storage of running sessions, as last measured."},
			read(func(s StorageStats) float64 { return float64(s.HeldFiles) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agentcore_session_storage_resumes_total",
			Help: "Session starts that found the session's files from an earlier environment."},
			read(func(s StorageStats) float64 { return float64(s.Resumes) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agentcore_session_storage_resets_total",
			Help: "Session storages emptied because the session started on another runtime version."},
			read(func(s StorageStats) float64 { return float64(s.Resets) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agentcore_session_storage_expired_total",
			Help: "Session storages removed after --session-storage-ttl without use."},
			read(func(s StorageStats) float64 { return float64(s.Expired) })),
	)
}
