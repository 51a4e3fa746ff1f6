package agentcore

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// PingStatus is the status reported by GET /ping.
type PingStatus string

const (
	// PingHealthy: idle and ready; the platform may reap the session once idle long enough.
	PingHealthy PingStatus = "Healthy"
	// PingHealthyBusy: background work is running; the session is kept alive.
	PingHealthyBusy PingStatus = "HealthyBusy"
)

func (s PingStatus) valid() bool { return s == PingHealthy || s == PingHealthyBusy }

// health tracks async tasks, the forced status and when the status last changed.
type health struct {
	mu         sync.Mutex
	tasks      map[int]taskInfo
	nextID     int
	forced     PingStatus // "" when not forced
	last       PingStatus
	lastChange time.Time
}

type taskInfo struct {
	name  string
	start time.Time
}

func (h *health) init(now time.Time) {
	h.tasks = map[int]taskInfo{}
	h.last = PingHealthy
	h.lastChange = now
}

// CurrentPingStatus resolves the status (forced > custom ping handler > automatic) and
// returns it with the time it last changed. The automatic status is HealthyBusy while any
// async task is registered, else Healthy.
func (a *App) CurrentPingStatus(ctx context.Context) (PingStatus, time.Time) {
	custom := a.customPingStatus(ctx)
	now := a.now()
	h := &a.health
	h.mu.Lock()
	defer h.mu.Unlock()
	status := PingHealthy
	switch {
	case h.forced != "":
		status = h.forced
	case custom != "":
		status = custom
	case len(h.tasks) > 0:
		status = PingHealthyBusy
	}
	if status != h.last {
		h.last = status
		h.lastChange = now
	}
	return status, h.lastChange
}

func (a *App) customPingStatus(ctx context.Context) (status PingStatus) {
	if a.ping == nil {
		return ""
	}
	defer func() {
		if v := recover(); v != nil {
			a.log.Warn("Custom ping handler panicked, falling back to automatic", "panic", v)
			status = ""
		}
	}()
	s, err := a.ping(ctx)
	if err != nil || !s.valid() {
		a.log.Warn("Custom ping handler failed, falling back to automatic", "error", err, "status", string(s))
		return ""
	}
	return s
}

func (a *App) handlePing(w http.ResponseWriter, r *http.Request) {
	status, since := a.CurrentPingStatus(r.Context())
	writeJSON(w, http.StatusOK, pingBody{Status: status, TimeOfLastUpdate: since.Unix()})
}

type pingBody struct {
	Status           PingStatus `json:"status"`
	TimeOfLastUpdate int64      `json:"time_of_last_update"`
}

// ForcePingStatus makes /ping report s until ClearForcedPingStatus is called.
func (a *App) ForcePingStatus(s PingStatus) {
	a.health.mu.Lock()
	a.health.forced = s
	a.health.mu.Unlock()
	a.CurrentPingStatus(context.Background())
}

// ClearForcedPingStatus returns /ping to the custom or automatic status.
func (a *App) ClearForcedPingStatus() {
	a.health.mu.Lock()
	a.health.forced = ""
	a.health.mu.Unlock()
	a.CurrentPingStatus(context.Background())
}
