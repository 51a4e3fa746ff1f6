package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/postgres"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// msgCounter is a slog handler counting records with one message.
type msgCounter struct {
	msg string
	n   *atomic.Int64
}

func (h msgCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h msgCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.n.Add(1)
	}
	return nil
}
func (h msgCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h msgCounter) WithGroup(string) slog.Handler      { return h }

// TestPrepareResumedOnceAcrossReplicas: a deployment left CREATING by a
// replica that stopped mid-way is resumed by exactly one of the other
// replicas (a lease per version; the sweep runs on one replica), which
// prepares the bundle from the shared artifact store; the runtime then
// serves through a replica that never unpacked it.
func TestPrepareResumedOnceAcrossReplicas(t *testing.T) {
	pg := testenv.Postgres(t, "e2e_prep3")
	var prepared atomic.Int64
	var reps []*testenv.Env
	for range 3 {
		cfg := testenv.Fast()
		cfg.Database, cfg.PrepareSweep = pg.DSN, 150*time.Millisecond
		cfg.Logger = slog.New(msgCounter{msg: "dependencies installed", n: &prepared})
		reps = append(reps, testenv.Start(t, cfg))
	}
	a := reps[0]
	rt := a.Deploy(t, "resumed", nil)
	time.Sleep(500 * time.Millisecond) // sweeps on every replica: nothing to resume
	if n := prepared.Load(); n != 1 {
		t.Fatalf("version prepared %d times after one deployment", n)
	}
	// A stops with the version (as if) still CREATING.
	a.Stop()
	kv, err := postgres.Open(bg, pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	for tbl, key := range map[string]string{"runtime_version": fmt.Sprintf("123456789012/%s/%010d", *rt.AgentRuntimeId, 1),
		"runtime": "123456789012/" + *rt.AgentRuntimeId} {
		it, err := kv.Get(bg, tbl, key)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		json.Unmarshal(it.Value, &doc)
		doc["status"] = "CREATING"
		if err := kv.Txn(bg, store.UpdateJSON(tbl, key, it.Revision, doc)); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	reps[1].WaitReady(t, *rt.AgentRuntimeId, 30*time.Second)
	took := time.Since(start)
	time.Sleep(time.Second) // more sweeps: nobody prepares it again
	if n := prepared.Load(); n != 2 {
		t.Fatalf("the interrupted deployment was prepared %d times by the other replicas, want once", n-1)
	}
	t.Logf("resumed by another replica in %v", took.Round(time.Millisecond))
	for _, e := range reps[1:] {
		out, err := e.Data.InvokeAgentRuntime(bg, &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: rt.AgentRuntimeArn,
			RuntimeSessionId: aws.String(strings.Repeat("r", 40) + e.URL[len(e.URL)-4:]), Payload: []byte(`{}`)})
		if err != nil {
			t.Fatalf("invoke after the resumed deployment: %v", err)
		}
		out.Response.Close()
	}
	got, err := reps[2].Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: rt.AgentRuntimeId})
	if err != nil || got.Status != ctltypes.AgentRuntimeStatusReady {
		t.Fatalf("runtime %v %v", got, err)
	}
}
