package agentcore

import (
	"context"
	"fmt"
)

// AddAsyncTask registers a background task; /ping reports HealthyBusy while any is
// registered. It returns the id to pass to CompleteAsyncTask.
func (a *App) AddAsyncTask(name string) int {
	h := &a.health
	h.mu.Lock()
	h.nextID++
	id := h.nextID
	h.tasks[id] = taskInfo{name: name, start: a.now()}
	h.mu.Unlock()
	a.CurrentPingStatus(context.Background())
	a.log.Info("Async task started", "task", name, "taskId", id)
	return id
}

// CompleteAsyncTask unregisters a task. It returns false if id is unknown.
func (a *App) CompleteAsyncTask(id int) bool {
	h := &a.health
	h.mu.Lock()
	info, ok := h.tasks[id]
	delete(h.tasks, id)
	h.mu.Unlock()
	if !ok {
		a.log.Warn("Attempted to complete unknown task ID", "taskId", id)
		return false
	}
	a.CurrentPingStatus(context.Background())
	a.log.Info("Async task completed", "task", info.name, "taskId", id, "duration", seconds(a.now().Sub(info.start)))
	return true
}

// AsyncTask runs fn synchronously while it is registered as an async task (the Python
// @app.async_task decorator): /ping reports HealthyBusy until fn returns.
func (a *App) AsyncTask(ctx context.Context, name string, fn func(ctx context.Context) error) (err error) {
	id := a.AddAsyncTask(name)
	defer a.CompleteAsyncTask(id)
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("async task %q: %w", name, panicError{v})
		}
		if err != nil {
			a.log.Error("Async task failed", "task", name, "taskId", id, "error", err)
		}
	}()
	return fn(ctx)
}

// GoAsyncTask runs fn in a goroutine owned by the App as a registered async task and returns
// its id at once. fn's ctx is not tied to any request; it is cancelled when Serve shuts down,
// and shutdown waits (up to the shutdown timeout) for running tasks.
func (a *App) GoAsyncTask(name string, fn func(ctx context.Context) error) int {
	id := a.AddAsyncTask(name)
	a.tasks.wg.Add(1)
	go func() {
		defer a.tasks.wg.Done()
		defer a.CompleteAsyncTask(id)
		defer func() {
			if v := recover(); v != nil {
				a.log.Error("Async task panicked", "task", name, "taskId", id, "panic", v)
			}
		}()
		if err := fn(a.tasks.ctx); err != nil {
			a.log.Error("Async task failed", "task", name, "taskId", id, "error", err)
		}
	}()
	return id
}

// AsyncTaskInfo describes the registered async tasks (Python's get_async_task_info).
type AsyncTaskInfo struct {
	ActiveCount int          `json:"active_count"`
	RunningJobs []RunningJob `json:"running_jobs"`
}

// RunningJob is one registered async task; Duration is in seconds.
type RunningJob struct {
	Name     string  `json:"name"`
	Duration float64 `json:"duration"`
}

// AsyncTaskInfo reports the registered async tasks.
func (a *App) AsyncTaskInfo() AsyncTaskInfo {
	h := &a.health
	h.mu.Lock()
	defer h.mu.Unlock()
	now := a.now()
	info := AsyncTaskInfo{ActiveCount: len(h.tasks), RunningJobs: []RunningJob{}}
	for _, t := range h.tasks {
		info.RunningJobs = append(info.RunningJobs, RunningJob{Name: t.name, Duration: now.Sub(t.start).Seconds()})
	}
	return info
}

// waitTasks waits for GoAsyncTask goroutines until ctx ends.
func (g *taskGroup) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { g.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
