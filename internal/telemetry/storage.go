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

// storageMetrics are the session-storage metrics: name, help and the
// figure each reads (gauges hold a current value, the rest count up).
var storageMetrics = []struct {
	gauge      bool
	name, help string
	pick       func(StorageStats) float64
}{
	{true, "agentcore_session_storage_sessions", "Session storage directories held by running sessions.",
		func(s StorageStats) float64 { return float64(s.Held) }},
	{true, "agentcore_session_storage_bytes", "Bytes allocated in the session storage of running sessions, as last measured (at start and every --session-storage-check).",
		func(s StorageStats) float64 { return float64(s.HeldBytes) }},
	{true, "agentcore_session_storage_files", "Files and directories in the session storage of running sessions, as last measured.",
		func(s StorageStats) float64 { return float64(s.HeldFiles) }},
	{false, "agentcore_session_storage_resumes_total", "Session starts that found the session's files from an earlier environment.",
		func(s StorageStats) float64 { return float64(s.Resumes) }},
	{false, "agentcore_session_storage_resets_total", "Session storages emptied because the session started on another runtime version.",
		func(s StorageStats) float64 { return float64(s.Resets) }},
	{false, "agentcore_session_storage_expired_total", "Session storages removed after --session-storage-ttl without use.",
		func(s StorageStats) float64 { return float64(s.Expired) }},
	{false, "agentcore_session_storage_sync_uploads_total", "Session storage snapshots stored in the shared artifact store at a session's end.",
		func(s StorageStats) float64 { return float64(s.Uploads) }},
	{false, "agentcore_session_storage_sync_upload_bytes_total", "Compressed bytes of the session storage snapshots stored.",
		func(s StorageStats) float64 { return float64(s.UploadBytes) }},
	{false, "agentcore_session_storage_sync_upload_seconds_total", "Time spent storing session storage snapshots.",
		func(s StorageStats) float64 { return s.UploadSeconds }},
	{false, "agentcore_session_storage_sync_restores_total", "Session starts that restored the session's storage from the shared artifact store.",
		func(s StorageStats) float64 { return float64(s.Restores) }},
	{false, "agentcore_session_storage_sync_restore_bytes_total", "Compressed bytes of the session storage snapshots restored.",
		func(s StorageStats) float64 { return float64(s.RestoreBytes) }},
	{false, "agentcore_session_storage_sync_restore_seconds_total", "Time spent restoring session storage snapshots.",
		func(s StorageStats) float64 { return s.RestoreSeconds }},
	{false, "agentcore_session_storage_sync_unchanged_total", "Session ends whose storage was unchanged since its snapshot was stored or restored (nothing uploaded).",
		func(s StorageStats) float64 { return float64(s.Unchanged) }},
	{false, "agentcore_session_storage_sync_failures_total", "Session storage snapshots that could not be stored or restored.",
		func(s StorageStats) float64 { return float64(s.SyncFailures) }},
}

func (m *Metrics) registerStorage() {
	for _, sm := range storageMetrics {
		read := func() float64 {
			if f := m.storage.Load(); f != nil {
				return sm.pick((*f)())
			}
			return 0
		}
		if sm.gauge {
			m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: sm.name, Help: sm.help}, read))
		} else {
			m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: sm.name, Help: sm.help}, read))
		}
	}
}
