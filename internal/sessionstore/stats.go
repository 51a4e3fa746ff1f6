package sessionstore

import "sync/atomic"

// Stats are the store's counters and the latest measure of the directories
// held by running sessions (taken at start and at every quota check).
type Stats struct {
	Resumes, Resets, Expired int64 // sessions that found their files, storages emptied for a new version, removed after the TTL
	Held                     int   // session directories held by running environments
	HeldBytes, HeldFiles     int64 // their allocated bytes and entries, as last measured
	// With a shared store: snapshots uploaded and restored (compressed
	// bytes, time spent) and failed synchronisations.
	Uploads, UploadBytes, Restores, RestoreBytes, SyncFailures int64
	Unchanged                                                  int64 // session ends whose storage matched its snapshot (nothing uploaded)
	UploadSeconds, RestoreSeconds                              float64
}

type counters struct {
	resumes, resets, expired                        atomic.Int64
	uploads, uploadBytes, uploadNanos, syncFailures atomic.Int64
	restores, restoreBytes, restoreNanos, unchanged atomic.Int64
}

// Stats returns the counters and the held directories' last measures.
func (s *Store) Stats() Stats {
	st := Stats{Resumes: s.n.resumes.Load(), Resets: s.n.resets.Load(), Expired: s.n.expired.Load(),
		Uploads: s.n.uploads.Load(), UploadBytes: s.n.uploadBytes.Load(), UploadSeconds: float64(s.n.uploadNanos.Load()) / 1e9,
		Restores: s.n.restores.Load(), RestoreBytes: s.n.restoreBytes.Load(), RestoreSeconds: float64(s.n.restoreNanos.Load()) / 1e9,
		SyncFailures: s.n.syncFailures.Load(), Unchanged: s.n.unchanged.Load()}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.held {
		st.Held++
		st.HeldBytes += h.bytes
		st.HeldFiles += h.files
	}
	return st
}
