package telemetry

import "github.com/prometheus/client_golang/prometheus"

// StorageStats is what the session-storage metrics read
// (internal/sessionstore.Stats, converted by the server).
type StorageStats struct {
	Resumes, Resets, Expired int64
	Held                     int
	HeldBytes, HeldFiles     int64
	// Synchronisation with a shared store (scale-out).
	Uploads, UploadBytes, Restores, RestoreBytes, SyncFailures, Unchanged int64
	UploadSeconds, RestoreSeconds                                         float64
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
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agentcore_session_storage_sync_uploads_total",
			Help: "Session storage snapshots stored in the shared artifact store at a session's end."},
			read(func(s StorageStats) float64 { return float64(s.Uploads) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agentcore_session_storage_sync_upload_bytes_total",
			Help: "Compressed bytes of the session storage snapshots stored."},
			read(func(s StorageStats) float64 { return float64(s.UploadBytes) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agentcore_session_storage_sync_upload_seconds_total",
			Help: "Time spent storing session storage snapshots."},
			read(func(s StorageStats) float64 { return s.UploadSeconds })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agentcore_session_storage_sync_restores_total",
			Help: "Session starts that restored the session's storage from the shared artifact store."},
			read(func(s StorageStats) float64 { return float64(s.Restores) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agentcore_session_storage_sync_restore_bytes_total",
			Help: "Compressed bytes of the session storage snapshots restored."},
			read(func(s StorageStats) float64 { return float64(s.RestoreBytes) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agentcore_session_storage_sync_restore_seconds_total",
			Help: "Time spent restoring session storage snapshots."},
			read(func(s StorageStats) float64 { return s.RestoreSeconds })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agentcore_session_storage_sync_unchanged_total",
			Help: "Session ends whose storage was unchanged since its snapshot was stored or restored (nothing uploaded)."},
			read(func(s StorageStats) float64 { return float64(s.Unchanged) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agentcore_session_storage_sync_failures_total",
			Help: "Session storage snapshots that could not be stored or restored."},
			read(func(s StorageStats) float64 { return float64(s.SyncFailures) })),
	)
}
