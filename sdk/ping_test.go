package agentcore

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

func getPing(t *testing.T, url string) pingBody {
	t.Helper()
	resp, err := http.Get(url + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("ping: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	var tolu int64 // must be an integer, not a float
	if err := json.Unmarshal(raw["time_of_last_update"], &tolu); err != nil || len(raw) != 2 {
		t.Fatalf("ping body %v: %v", raw, err)
	}
	var status PingStatus
	_ = json.Unmarshal(raw["status"], &status)
	return pingBody{Status: status, TimeOfLastUpdate: tolu}
}

func newClockApp(t *testing.T, opts ...Option) (*App, *fakeClock) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	a := newTestApp(t, append(opts, func(a *App) { a.now = clock.Now })...)
	return a, clock
}

func TestPingBusyTransitions(t *testing.T) {
	a, clock := newClockApp(t)
	srv := serve(t, a)
	t0 := clock.Now().Unix()

	if p := getPing(t, srv.URL); p.Status != PingHealthy || p.TimeOfLastUpdate != t0 {
		t.Fatalf("initial %+v, want Healthy@%d", p, t0)
	}
	clock.Advance(10 * time.Second)
	if p := getPing(t, srv.URL); p.TimeOfLastUpdate != t0 {
		t.Fatalf("time moved without a status change: %+v", p)
	}

	id := a.AddAsyncTask("job")
	t1 := clock.Now().Unix()
	clock.Advance(5 * time.Second)
	if p := getPing(t, srv.URL); p.Status != PingHealthyBusy || p.TimeOfLastUpdate != t1 {
		t.Fatalf("busy %+v, want HealthyBusy@%d", p, t1)
	}
	id2 := a.AddAsyncTask("job2")
	if !a.CompleteAsyncTask(id) {
		t.Fatal("complete failed")
	}
	if p := getPing(t, srv.URL); p.Status != PingHealthyBusy || p.TimeOfLastUpdate != t1 {
		t.Fatalf("still busy %+v", p)
	}
	clock.Advance(7 * time.Second)
	a.CompleteAsyncTask(id2)
	t2 := clock.Now().Unix()
	clock.Advance(3 * time.Second)
	if p := getPing(t, srv.URL); p.Status != PingHealthy || p.TimeOfLastUpdate != t2 {
		t.Fatalf("healthy again %+v, want Healthy@%d (when the last task ended)", p, t2)
	}
	if a.CompleteAsyncTask(id) {
		t.Fatal("completing an unknown task returned true")
	}
}

func TestGoAsyncTaskAndAsyncTask(t *testing.T) {
	a := newTestApp(t)
	srv := serve(t, a)
	release := make(chan struct{})
	id := a.GoAsyncTask("bg", func(ctx context.Context) error { <-release; return nil })
	if id == 0 || getPing(t, srv.URL).Status != PingHealthyBusy {
		t.Fatal("GoAsyncTask did not make ping busy")
	}
	if info := a.AsyncTaskInfo(); info.ActiveCount != 1 || info.RunningJobs[0].Name != "bg" {
		t.Fatalf("info %+v", info)
	}
	close(release)
	waitFor(t, func() bool { return getPing(t, srv.URL).Status == PingHealthy })

	err := a.AsyncTask(context.Background(), "sync", func(ctx context.Context) error {
		if getPing(t, srv.URL).Status != PingHealthyBusy {
			t.Error("not busy inside AsyncTask")
		}
		return errors.New("failed")
	})
	if err == nil || getPing(t, srv.URL).Status != PingHealthy {
		t.Fatalf("AsyncTask: err=%v", err)
	}
}

func TestPingForcedAndCustom(t *testing.T) {
	a, clock := newClockApp(t)
	srv := serve(t, a)
	var custom atomic.Value // PingStatus
	custom.Store(PingStatus(""))
	a.Ping(func(context.Context) (PingStatus, error) {
		if s := custom.Load().(PingStatus); s != "" {
			return s, nil
		}
		return "", errors.New("no opinion")
	})
	if getPing(t, srv.URL).Status != PingHealthy {
		t.Fatal("failing custom handler should fall back to automatic")
	}
	custom.Store(PingHealthyBusy)
	clock.Advance(time.Second)
	if p := getPing(t, srv.URL); p.Status != PingHealthyBusy || p.TimeOfLastUpdate != clock.Now().Unix() {
		t.Fatalf("custom: %+v", p)
	}
	a.ForcePingStatus(PingHealthy)
	if getPing(t, srv.URL).Status != PingHealthy {
		t.Fatal("forced status must win over the custom handler")
	}
	a.ClearForcedPingStatus()
	if getPing(t, srv.URL).Status != PingHealthyBusy {
		t.Fatal("clearing the forced status should restore the custom handler")
	}
}

func TestDebugActions(t *testing.T) {
	a := newTestApp(t, WithDebug(true))
	a.Entrypoint(func(context.Context, json.RawMessage, *RequestContext) (any, error) { return "handler", nil })
	srv := serve(t, a)
	cases := []struct{ action, status, body string }{
		{"force_busy", "", `{"forced_status":"HealthyBusy"}`},
		{"ping_status", "HealthyBusy", ""},
		{"clear_forced_status", "Healthy", `{"forced_status":"Cleared"}`},
		{"job_status", "", `{"active_count":0,"running_jobs":[]}`},
		{"nope", "", `{"error":"Unknown action: nope"}`},
	}
	for _, c := range cases {
		_, _, body := post(t, srv, `{"_agent_core_app_action":"`+c.action+`"}`, nil)
		if c.body != "" && body != c.body {
			t.Fatalf("%s: %s", c.action, body)
		}
		if c.status != "" && getPing(t, srv.URL).Status != PingStatus(c.status) {
			t.Fatalf("%s: ping not %s", c.action, c.status)
		}
	}
	if _, _, body := post(t, srv, `{"x":1}`, nil); body != `"handler"` {
		t.Fatalf("normal payload: %s", body)
	}
	plain := newTestApp(t)
	plain.Entrypoint(func(_ context.Context, p json.RawMessage, _ *RequestContext) (any, error) { return p, nil })
	if _, _, body := post(t, serve(t, plain), `{"_agent_core_app_action":"force_busy"}`, nil); body != `{"_agent_core_app_action":"force_busy"}` {
		t.Fatalf("without debug the key must reach the handler: %s", body)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
