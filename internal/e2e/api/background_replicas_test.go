package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// countingModel answers like factsModel and counts, per fact, the
// extraction calls whose conversation carries it, and per API key (one per
// replica) the extraction calls each replica made.
type countingModel struct {
	*httptest.Server
	mu       sync.Mutex
	perFact  map[string]int
	perKey   map[string]int
	extracts int
}

func newCountingModel(t *testing.T) *countingModel {
	cm := &countingModel{perFact: map[string]int{}, perKey: map[string]int{}}
	cm.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Content string } `json:"messages"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) < 2 {
			http.Error(w, `{"error":{"message":"bad request"}}`, 400)
			return
		}
		kind, user := "extract", req.Messages[len(req.Messages)-1].Content
		if strings.Contains(req.Messages[0].Content, "TASK: CONSOLIDATE") {
			kind = "consolidate"
		}
		if i := strings.Index(user, "Conversation:\n"); i >= 0 {
			user = user[i:]
		}
		if kind == "extract" {
			cm.mu.Lock()
			cm.extracts++
			cm.perKey[r.Header.Get("Authorization")]++
			for _, m := range factRE.FindAllStringSubmatch(user, -1) {
				cm.perFact[m[1]]++
			}
			cm.mu.Unlock()
		}
		time.Sleep(20 * time.Millisecond) // a model takes a moment: replicas overlap
		_, text := factsModel(kind, user)
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"index": 0,
			"message": map[string]any{"role": "assistant", "content": text}, "finish_reason": "stop"}}})
	}))
	t.Cleanup(cm.Close)
	return cm
}

// TestMemoryExtractionExactlyOnceThreeReplicas (issue 16, must show 2):
// three replicas on one PostgreSQL, each running extraction workers; N
// events written round-robin through them give exactly N extraction jobs,
// each event's fact extracted by exactly one model call, the work spread
// over the replicas.
func TestMemoryExtractionExactlyOnceThreeReplicas(t *testing.T) {
	pg := testenv.Postgres(t, "e2e_bg3")
	cm := newCountingModel(t)
	var reps []*testenv.Env
	for i := 0; i < 3; i++ {
		cfg := testenv.Fast()
		cfg.Database = pg.DSN
		cfg.ModelEndpoint, cfg.Model, cfg.ModelAPIKey = cm.URL+"/v1", "test-model", fmt.Sprintf("sk-replica-%d", i)
		// Long enough that a heartbeat (every lease/3) delayed by a loaded
		// CI machine does not hand a running batch to another replica: a
		// lost lease is fenced (the commit fails) but the model call repeats,
		// and this test counts model calls.
		cfg.MemoryJobLease = 10 * time.Second
		reps = append(reps, testenv.Start(t, cfg))
	}
	mem := *createMemory(t, reps[0], "exactlyonce", semantic("facts", "/facts/{actorId}/")).Id
	const n = 30
	for i := 0; i < n; i++ {
		putEvent(t, reps[i%3], mem, fmt.Sprint("actor", i%5), fmt.Sprint("session", i), time.Now(),
			turn(dptypes.RoleUser, fmt.Sprintf("FACT: Parcel %d weighs %d grams", i, 100+i)))
	}
	js := waitJobs(t, reps[1], mem, n)
	completed := 0
	for _, j := range js {
		if j.Status == "COMPLETED" {
			completed++
		}
	}
	cm.mu.Lock()
	defer cm.mu.Unlock()
	t.Logf("%d events → %d jobs (%d COMPLETED), %d extraction calls; calls per replica: %v", n, len(js), completed, cm.extracts, cm.perKey)
	if len(js) != n || completed != n {
		t.Fatalf("%d jobs, %d completed; want %d of each", len(js), completed, n)
	}
	if cm.extracts != n {
		t.Errorf("%d extraction calls for %d events", cm.extracts, n)
	}
	for i := 0; i < n; i++ {
		if c := cm.perFact[fmt.Sprintf("Parcel %d weighs %d grams", i, 100+i)]; c != 1 {
			t.Errorf("event %d extracted %d times", i, c)
		}
	}
	if len(cm.perKey) < 2 {
		t.Errorf("one replica did all the work (%v): the test does not show replicas competing", cm.perKey)
	}
	total := 0
	for k := 0; k < 5; k++ {
		total += len(listRecords(t, reps[2], mem, fmt.Sprintf("/facts/actor%d/", k)))
	}
	if total != n {
		t.Errorf("%d records for %d facts", total, n)
	}
}

// retentionPasses reads a replica's count of retention passes.
func retentionPasses(t *testing.T, e *testenv.Env) int64 {
	t.Helper()
	resp, err := http.Get(e.URL + "/_agentcore/observability/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		RetentionPasses int64 `json:"retentionPasses"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&st) != nil {
		t.Fatalf("observability stats: %d", resp.StatusCode)
	}
	return st.RetentionPasses
}

// TestRetentionOnceAcrossReplicas: three replicas on one PostgreSQL run the
// telemetry retention pass once per interval between them (a lease), not
// once each; when the replica holding the lease stops, another takes over.
// The memory reaper holds its lease the same way.
func TestRetentionOnceAcrossReplicas(t *testing.T) {
	pg := testenv.Postgres(t, "e2e_ret3")
	var reps []*testenv.Env
	for range 3 {
		cfg := testenv.Fast()
		cfg.Database = pg.DSN
		cfg.Retention = 800 * time.Millisecond // a pass every 200 ms
		reps = append(reps, testenv.Start(t, cfg))
	}
	const interval = 200 * time.Millisecond
	sum := func() (total int64, per []int64) {
		for _, e := range reps {
			if e.Server == nil {
				per = append(per, -1)
				continue
			}
			n := retentionPasses(t, e)
			per = append(per, n)
			total += n
		}
		return total, per
	}
	before, _ := sum()
	start := time.Now()
	time.Sleep(3 * time.Second)
	after, per := sum()
	elapsed := time.Since(start)
	passes := after - before
	oncePer := int64(elapsed / interval)
	t.Logf("%d retention passes in %v across 3 replicas (one replica alone: %d; each replica on its own: %d); per replica %v", passes, elapsed.Round(time.Millisecond), oncePer, 3*oncePer, per)
	if passes > oncePer+oncePer/3+2 {
		t.Fatalf("%d passes in %v: replicas ran retention more than once per interval (%d)", passes, elapsed, oncePer)
	}
	if passes < oncePer/2 {
		t.Fatalf("%d passes in %v: retention barely ran (want about %d)", passes, elapsed, oncePer)
	}
	// Exactly one replica holds each lease.
	var owners []string
	rows, err := pg.DB.Query(`SELECT k, value FROM ` + pg.Schema + `.kv WHERE tbl = 'leases' ORDER BY k`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var v []byte
		rows.Scan(&k, &v)
		owners = append(owners, k+"="+string(v))
	}
	rows.Close()
	jobs, nodes := 0, 0
	for _, o := range owners {
		if strings.HasPrefix(o, "memory-reaper=") || strings.HasPrefix(o, "observability-retention=") {
			jobs++
		}
	}
	// Each replica's liveness: its row in the node registry.
	if err := pg.DB.QueryRow(`SELECT count(*) FROM ` + pg.Schema + `.kv WHERE tbl = 'cluster_node'`).Scan(&nodes); err != nil {
		t.Fatal(err)
	}
	if jobs != 2 || nodes != 3 {
		t.Fatalf("leases %v and %d node rows, want one lease for memory-reaper, one for observability-retention and one node row per replica", owners, nodes)
	}
	// Stop the holder of the retention lease: the others carry on.
	holder := -1
	for i, n := range per {
		if n > per[max(holder, 0)] || holder < 0 {
			holder = i
		}
	}
	reps[holder].Stop()
	reps[holder].Server = nil
	before, _ = sum()
	time.Sleep(2 * time.Second)
	after, per = sum()
	if after-before < 3 {
		t.Fatalf("after the leader stopped, %d retention passes in 2s on the others (%v)", after-before, per)
	}
	t.Logf("after stopping replica %d: %d passes in 2s, per replica %v", holder, after-before, per)
}

// TestToolSessionsSurviveAnotherReplicasStart: a Code Interpreter session
// running on replica A stays READY when another replica on the same
// database starts (its start-up sweep terminates only its own previous
// run's sessions and those of replicas that stopped); A's own restart
// still ends it.
func TestToolSessionsSurviveAnotherReplicasStart(t *testing.T) {
	pg := testenv.Postgres(t, "e2e_tools2")
	cfgA := testenv.Fast()
	cfgA.Database, cfgA.DataDir = pg.DSN, t.TempDir()
	a := testenv.Start(t, cfgA)
	sid := ciStartSession(t, a.Data, builtinCI, 0)
	cfgB := testenv.Fast()
	cfgB.Database = pg.DSN
	b := testenv.Start(t, cfgB)
	for _, e := range []*testenv.Env{a, b} {
		g, err := e.Data.GetCodeInterpreterSession(bg, &bedrockagentcore.GetCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(builtinCI), SessionId: aws.String(sid)})
		if err != nil || g.Status != dptypes.CodeInterpreterSessionStatusReady {
			t.Fatalf("A's session after B started: %+v %v", g, err)
		}
	}
	a.Stop()
	a = testenv.Start(t, cfgA)
	g, err := b.Data.GetCodeInterpreterSession(bg, &bedrockagentcore.GetCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(builtinCI), SessionId: aws.String(sid)})
	if err != nil || g.Status != dptypes.CodeInterpreterSessionStatusTerminated {
		t.Fatalf("A's session after A restarted: %+v %v", g, err)
	}
}
