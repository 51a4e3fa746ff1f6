package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	agentcore "github.com/agentcore-dev/agentcore/sdk"
)

// agent holds the per-process state the session tests observe.
type agent struct {
	app *agentcore.App
	pid int
	// instance is random per process: tells processes apart where every
	// agent is PID 1 of its own namespace.
	instance string
	count    atomic.Int64
	ws       wsState
}

// request is the union of the fields the actions read.
type request struct {
	Action  string   `json:"action"`
	EnvKeys []string `json:"envKeys"`
	N       *int     `json:"n"`
	DelayMs *int     `json:"delayMs"`
	Ms      int      `json:"ms"`
	Seconds float64  `json:"seconds"`
	Status  int      `json:"status"`
	Bytes   int      `json:"bytes"`
	URL     string   `json:"url"`
	Path    string   `json:"path"`
	Data    string   `json:"data"`
	MB      int      `json:"mb"`
	Op      string   `json:"op"`     // fs: what to do (fsprobe.go)
	Target  string   `json:"target"` // fs: link target
	Count   int      `json:"count"`  // fs: files to write
	Size    int      `json:"size"`   // fs: bytes per file
}

func (a *agent) invoke(ctx context.Context, payload json.RawMessage, rc *agentcore.RequestContext) (any, error) {
	n := a.count.Add(1)
	var req request
	_ = json.Unmarshal(payload, &req) // non-object payloads simply echo
	switch req.Action {
	case "", "echo":
		return a.echo(payload, rc, req, n), nil
	case "fetch", "writefile", "readfile", "listdir", "hog":
		return probe(ctx, req), nil
	case "count":
		return map[string]any{"count": n, "pid": a.pid, "instance": a.instance}, nil
	case "stream":
		return stream(valueOr(req.N, 5), valueOr(req.DelayMs, 100)), nil
	case "sleep":
		select {
		case <-time.After(time.Duration(req.Ms) * time.Millisecond):
			return map[string]any{"slept": req.Ms}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case "busy":
		d := time.Duration(req.Seconds * float64(time.Second))
		id := a.app.GoAsyncTask("busy", func(ctx context.Context) error {
			select {
			case <-time.After(d):
			case <-ctx.Done():
			}
			return nil
		})
		return map[string]any{"taskId": id}, nil
	case "error":
		status := req.Status
		if status == 0 {
			status = 500
		}
		return nil, agentcore.HTTPError{Status: status, Detail: "requested error"}
	case "fs":
		return fsProbe(req), nil
	case "crash":
		os.Exit(3)
		return nil, nil
	case "big":
		return bigBody(req.Bytes), nil
	case "trace":
		return traceAction(ctx, rc)
	default:
		return nil, agentcore.HTTPError{Status: 400, Detail: fmt.Sprintf("unknown action %q", req.Action)}
	}
}

func (a *agent) echo(payload json.RawMessage, rc *agentcore.RequestContext, req request, n int64) map[string]any {
	env := map[string]any{}
	for _, k := range append([]string{"DOCKER_CONTAINER", "AWS_REGION"}, req.EnvKeys...) {
		if v, ok := os.LookupEnv(k); ok {
			env[k] = v
		} else {
			env[k] = nil
		}
	}
	return map[string]any{
		"echo":      payload,
		"sessionId": rc.SessionID,
		"requestId": rc.RequestID,
		"pid":       a.pid,
		"count":     n,
		"headers":   rc.RequestHeaders,
		"env":       env,
	}
}

// stream produces n events {"i": k, "t": <unix nanos>} with delayMs between them.
func stream(n, delayMs int) agentcore.StreamFunc {
	return func(ctx context.Context, emit func(any) error) error {
		for k := range n {
			if k > 0 {
				select {
				case <-time.After(time.Duration(delayMs) * time.Millisecond):
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			if err := emit(map[string]any{"i": k, "t": time.Now().UnixNano()}); err != nil {
				return err
			}
		}
		return nil
	}
}

// bigBody is a JSON value of exactly size bytes: a string of "x"s (size >= 2), "0" for 1,
// and an empty body for 0.
func bigBody(size int) *agentcore.Response {
	var body []byte
	switch {
	case size >= 2:
		body = []byte(`"` + strings.Repeat("x", size-2) + `"`)
	case size == 1:
		body = []byte("0")
	}
	return &agentcore.Response{Body: body}
}

func valueOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}
