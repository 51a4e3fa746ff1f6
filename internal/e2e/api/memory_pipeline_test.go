package api_test

import (
	"encoding/json"
	"errors"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/document"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

func modelEnv(t *testing.T, sm *scriptedModel, dataDir string) *testenv.Env {
	return modelEnvDB(t, sm, dataDir, "")
}

func modelEnvDB(t *testing.T, sm *scriptedModel, dataDir, database string) *testenv.Env {
	cfg := testenv.Fast()
	cfg.Database = database
	cfg.ModelEndpoint, cfg.Model, cfg.ModelAPIKey = sm.URL+"/v1", "test-model", "sk-test"
	cfg.MemoryJobLease = time.Second
	cfg.DataDir = dataDir
	return testenv.Start(t, cfg)
}

func listRecords(t *testing.T, e *testenv.Env, mem, ns string) []dptypes.MemoryRecordSummary {
	t.Helper()
	out, err := e.Data.ListMemoryRecords(bg, &dp.ListMemoryRecordsInput{MemoryId: aws.String(mem), Namespace: aws.String(ns), MaxResults: aws.Int32(100)})
	if err != nil {
		t.Fatal(err)
	}
	return out.MemoryRecordSummaries
}

// jobs lists a memory's extraction jobs: with status FAILED through
// ListMemoryExtractionJobs (the AWS operation lists only those), else
// through agentcore's extension that lists every status.
func jobs(t *testing.T, e *testenv.Env, mem string, status string) []dptypes.ExtractionJobMetadata {
	t.Helper()
	in := &dp.ListMemoryExtractionJobsInput{MemoryId: aws.String(mem), MaxResults: aws.Int32(100)}
	if status == "FAILED" {
		in.Filter = &dptypes.ExtractionJobFilterInput{Status: dptypes.ExtractionJobStatus(status)}
		out, err := e.Data.ListMemoryExtractionJobs(bg, in)
		if err != nil {
			t.Fatal(err)
		}
		return out.Jobs
	}
	code, typ, body := rawCall(t, e, "POST", "/_agentcore/memories/"+mem+"/extractionJobs", `{"maxResults": 100}`)
	if code != 200 {
		t.Fatalf("list all extraction jobs: %d %s %v", code, typ, body)
	}
	var out struct {
		Jobs []dptypes.ExtractionJobMetadata
	}
	b, _ := json.Marshal(body)
	var raw struct {
		Jobs []struct {
			JobID, Status, StrategyID, ActorID, SessionID, FailureReason string
		}
	}
	json.Unmarshal(b, &raw)
	for _, j := range raw.Jobs {
		m := dptypes.ExtractionJobMetadata{JobID: aws.String(j.JobID), Status: dptypes.ExtractionJobStatus(j.Status), ActorId: aws.String(j.ActorID),
			SessionId: aws.String(j.SessionID), StrategyId: aws.String(j.StrategyID)}
		if j.FailureReason != "" {
			m.FailureReason = aws.String(j.FailureReason)
		}
		if status == "" || j.Status == status {
			out.Jobs = append(out.Jobs, m)
		}
	}
	return out.Jobs
}

// waitJobs waits until no job is PENDING or RUNNING.
func waitJobs(t *testing.T, e *testenv.Env, mem string, want int) []dptypes.ExtractionJobMetadata {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		js := jobs(t, e, mem, "")
		done := 0
		for _, j := range js {
			if j.Status == "COMPLETED" || j.Status == "FAILED" {
				done++
			}
		}
		if len(js) >= want && done == len(js) {
			return js
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs not done: %+v", js)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestMemoryExtractionConsolidation(t *testing.T) {
	sm := newScriptedModel(t, factsModel)
	e := modelEnv(t, sm, t.TempDir())
	m := createMemory(t, e, "pipe", semantic("facts", "/facts/{actorId}/"))
	mem := *m.Id
	ns := "/facts/alice/"
	putEvent(t, e, mem, "alice", "s1", time.Now(), turn(dptypes.RoleUser, "FACT: The user lives in Lisbon"), turn(dptypes.RoleAssistant, "Noted."))
	waitJobs(t, e, mem, 1)
	rs := listRecords(t, e, mem, ns)
	if len(rs) != 1 || textOf(rs[0].Content) != "The user lives in Lisbon" || *rs[0].MemoryStrategyId != *m.Strategies[0].StrategyId || rs[0].Namespaces[0] != ns {
		t.Fatalf("after first fact: %+v", rs)
	}
	first := *rs[0].MemoryRecordId

	// A contradiction UPDATEs the record instead of adding a second one.
	putEvent(t, e, mem, "alice", "s2", time.Now(), turn(dptypes.RoleUser, "FACT: The user lives in Porto"))
	waitJobs(t, e, mem, 2)
	rs = listRecords(t, e, mem, ns)
	if len(rs) != 1 || textOf(rs[0].Content) != "The user lives in Porto" || *rs[0].MemoryRecordId != first {
		t.Fatalf("contradiction must update: %+v", rs)
	}
	if sm.count("consolidate") != 1 {
		t.Fatalf("consolidation calls: %d", sm.count("consolidate"))
	}
	// The same fact again is a NO-OP; a new one is ADDed.
	putEvent(t, e, mem, "alice", "s3", time.Now(), turn(dptypes.RoleUser, "FACT: The user lives in Porto"), turn(dptypes.RoleUser, "FACT: The user owns a cat named Tom"))
	waitJobs(t, e, mem, 3)
	rs = listRecords(t, e, mem, ns)
	if len(rs) != 2 {
		t.Fatalf("after duplicate + new: %+v", rs)
	}
	rr, err := e.Data.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: aws.String(mem), Namespace: aws.String(ns),
		SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("which city does the user live in?"), TopK: aws.Int32(1)}})
	if err != nil || textOf(rr.MemoryRecordSummaries[0].Content) != "The user lives in Porto" {
		t.Fatalf("retrieve: %v %v", rr, err)
	}

	// Model output that is not the expected JSON: the job FAILS with a reason, no record is written.
	sm.set(func(kind, user string) (int, string) { return 200, "Sure! Here are the memories: the user likes tea" })
	putEvent(t, e, mem, "alice", "s4", time.Now(), turn(dptypes.RoleUser, "FACT: The user likes tea"))
	js := waitJobs(t, e, mem, 4)
	failed := jobs(t, e, mem, "FAILED")
	if len(failed) != 1 || !strings.Contains(*failed[0].FailureReason, "not the expected JSON") || len(js) != 4 {
		t.Fatalf("bad JSON job: %+v", failed)
	}
	if msgs := failed[0].Messages.(*dptypes.ExtractionJobMessagesMemberMessagesList).Value; len(msgs) != 1 || *msgs[0].EventId == "" {
		t.Fatalf("job messages %+v", msgs)
	}
	if rs := listRecords(t, e, mem, ns); len(rs) != 2 {
		t.Fatalf("garbage written: %+v", rs)
	}
	// Garbage inside valid JSON (wrong member types) also fails cleanly.
	sm.set(func(kind, user string) (int, string) { return 200, `{"memories": [42, {"content": 7}]}` })
	putEvent(t, e, mem, "alice", "s5", time.Now(), turn(dptypes.RoleUser, "FACT: x"))
	waitJobs(t, e, mem, 5)
	if rs := listRecords(t, e, mem, ns); len(rs) != 2 {
		t.Fatalf("garbage written: %+v", rs)
	}
}

func TestMemoryExtractionRedrive(t *testing.T) {
	sm := newScriptedModel(t, func(kind, user string) (int, string) { return 500, "model overloaded" })
	e := modelEnv(t, sm, t.TempDir())
	m := createMemory(t, e, "redrive", semantic("facts", "/facts/{actorId}/"))
	mem := *m.Id
	putEvent(t, e, mem, "bob", "s1", time.Now(), turn(dptypes.RoleUser, "FACT: Bob plays the cello"))
	waitJobs(t, e, mem, 1)
	failed := jobs(t, e, mem, "FAILED")
	if len(failed) != 1 || !strings.Contains(*failed[0].FailureReason, "HTTP 500") || *failed[0].ActorId != "bob" {
		t.Fatalf("failed jobs: %+v", failed)
	}
	sm.set(factsModel)
	out, err := e.Data.StartMemoryExtractionJob(bg, &dp.StartMemoryExtractionJobInput{MemoryId: aws.String(mem), ExtractionJob: &dptypes.ExtractionJob{JobId: failed[0].JobID}})
	if err != nil || *out.JobId != *failed[0].JobID {
		t.Fatalf("redrive: %v", err)
	}
	js := waitJobs(t, e, mem, 1)
	if len(js) != 1 || js[0].Status != "COMPLETED" {
		t.Fatalf("after redrive: %+v", js)
	}
	if rs := listRecords(t, e, mem, "/facts/bob/"); len(rs) != 1 || textOf(rs[0].Content) != "Bob plays the cello" {
		t.Fatalf("records: %+v", rs)
	}
	// Only FAILED jobs can be started again; unknown jobs are not found.
	if _, err := e.Data.StartMemoryExtractionJob(bg, &dp.StartMemoryExtractionJobInput{MemoryId: aws.String(mem), ExtractionJob: &dptypes.ExtractionJob{JobId: failed[0].JobID}}); !isValidation(err) {
		t.Fatalf("restart completed job: %v", err)
	}
	if _, err := e.Data.StartMemoryExtractionJob(bg, &dp.StartMemoryExtractionJobInput{MemoryId: aws.String(mem), ExtractionJob: &dptypes.ExtractionJob{JobId: aws.String("job-nope")}}); !isNotFound(err) {
		t.Fatalf("unknown job: %v", err)
	}
}

func TestMemoryNoModelConfigured(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	m := createMemory(t, e, "nomodel", semantic("facts"))
	putEvent(t, e, *m.Id, "a", "s", time.Now(), turn(dptypes.RoleUser, "hello"))
	waitJobs(t, e, *m.Id, 1)
	f := jobs(t, e, *m.Id, "FAILED")
	if len(f) != 1 || !strings.Contains(*f[0].FailureReason, "--model-endpoint") {
		t.Fatalf("jobs: %+v", f)
	}
	out, err := e.Data.ListMemoryExtractionJobs(bg, &dp.ListMemoryExtractionJobsInput{MemoryId: m.Id}) // unfiltered: the FAILED one
	if err != nil || len(out.Jobs) != 1 || out.Jobs[0].Status != "FAILED" {
		t.Fatalf("unfiltered: %+v %v", out, err)
	}
}

// TestListMemoryExtractionJobsListsFailedOnly: ListMemoryExtractionJobs
// lists the jobs that can be started again (FAILED, the API's only
// ExtractionJobStatus), unfiltered too; another status is a
// ValidationException; the extension lists every status (issue 19).
func TestListMemoryExtractionJobsListsFailedOnly(t *testing.T) {
	sm := newScriptedModel(t, factsModel)
	e := modelEnv(t, sm, t.TempDir())
	m := createMemory(t, e, "failedonly", semantic("facts", "/facts/{actorId}/"))
	putEvent(t, e, *m.Id, "a", "s", time.Now(), turn(dptypes.RoleUser, "FACT: The boat is blue"))
	all := waitJobs(t, e, *m.Id, 1)
	if len(all) != 1 || all[0].Status != "COMPLETED" {
		t.Fatalf("all jobs: %+v", all)
	}
	out, err := e.Data.ListMemoryExtractionJobs(bg, &dp.ListMemoryExtractionJobsInput{MemoryId: m.Id})
	if err != nil || len(out.Jobs) != 0 {
		t.Fatalf("ListMemoryExtractionJobs with only a COMPLETED job: %+v %v", out, err)
	}
	_, err = e.Data.ListMemoryExtractionJobs(bg, &dp.ListMemoryExtractionJobsInput{MemoryId: m.Id,
		Filter: &dptypes.ExtractionJobFilterInput{Status: "COMPLETED"}})
	var v *dptypes.ValidationException
	if !errors.As(err, &v) || !strings.Contains(v.ErrorMessage(), "FAILED") {
		t.Fatalf("status COMPLETED: %v, want ValidationException", err)
	}
}

// TestMemoryPipelineRestart stops the server while the model is answering
// the first of several jobs; after a restart on the same data every event
// is extracted exactly once.
func TestMemoryPipelineRestart(t *testing.T) {
	dir := t.TempDir()
	release := make(chan struct{})
	started := make(chan struct{}, 100)
	sm := newScriptedModel(t, func(kind, user string) (int, string) {
		started <- struct{}{}
		<-release // hang until the test lets go
		return 500, "too late"
	})
	e := modelEnv(t, sm, dir)
	m := createMemory(t, e, "restart", semantic("facts", "/facts/{actorId}/"))
	mem := *m.Id
	cities := []string{"Oslo", "Rome", "Kyiv", "Lima", "Pune"}
	for i, c := range cities {
		putEvent(t, e, mem, "carol", "s"+c, time.Now(), turn(dptypes.RoleUser, "FACT: Carol visited "+c+" in "+string(rune('A'+i))))
	}
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("model never called")
	}
	e.Stop() // mid-pipeline: a job is inside the model call
	sm.set(factsModel)
	close(release)
	e2 := modelEnv(t, sm, dir)
	js := waitJobs(t, e2, mem, len(cities))
	for _, j := range js {
		if j.Status != "COMPLETED" {
			t.Fatalf("job %+v", j)
		}
	}
	rs := listRecords(t, e2, mem, "/facts/carol/")
	seen := map[string]int{}
	for _, r := range rs {
		seen[textOf(r.Content)]++
	}
	if len(rs) != len(cities) || len(js) != len(cities) {
		t.Fatalf("records after restart (%d jobs): %v", len(js), seen)
	}
	for _, n := range seen {
		if n != 1 {
			t.Fatalf("doubled: %v", seen)
		}
	}
}

// TestMemoryExtractionSeesHistory: an extraction sees the session's earlier
// messages as context (to resolve "she", "it", ...), but extracts only from
// the new event.
func TestMemoryExtractionSeesHistory(t *testing.T) {
	sm := newScriptedModel(t, factsModel)
	e := modelEnv(t, sm, t.TempDir())
	m := createMemory(t, e, "hist", semantic("facts", "/facts/{actorId}/"))
	putEvent(t, e, *m.Id, "eve", "s1", time.Now().Add(-time.Minute), turn(dptypes.RoleUser, "My sister is called Ana."), turn(dptypes.RoleAssistant, "Nice name!"))
	waitJobs(t, e, *m.Id, 1)
	putEvent(t, e, *m.Id, "eve", "s1", time.Now(), turn(dptypes.RoleUser, "FACT: Ana lives in Faro"))
	waitJobs(t, e, *m.Id, 2)
	sm.mu.Lock()
	last := sm.users[len(sm.users)-1]
	sm.mu.Unlock()
	if !strings.Contains(last, "Earlier in the conversation") || !strings.Contains(last, "USER: My sister is called Ana.") ||
		!strings.Contains(last, "Conversation:\nUSER: FACT: Ana lives in Faro") {
		t.Fatalf("extraction prompt:\n%s", last)
	}
	if rs := listRecords(t, e, *m.Id, "/facts/eve/"); len(rs) != 1 {
		t.Fatalf("records %+v", rs)
	}
}

// TestMemoryExtractionBatches: while the model is busy, new events of the
// same conversation queue up; the next worker extracts them in one call.
func TestMemoryExtractionBatches(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 100)
	sm := newScriptedModel(t, nil)
	sm.set(func(kind, user string) (int, string) {
		if kind == "extract" {
			started <- struct{}{}
			<-release
		}
		return factsModel(kind, user)
	})
	e := modelEnv(t, sm, t.TempDir())
	m := createMemory(t, e, "batch", semantic("facts", "/facts/{actorId}/"))
	things := []string{"kayak", "telescope", "banjo", "greenhouse", "sailboat", "tandem bicycle"}
	for i, th := range things {
		putEvent(t, e, *m.Id, "frank", "s1", time.Now().Add(time.Duration(i)*time.Millisecond), turn(dptypes.RoleUser, "FACT: Frank owns a "+th))
	}
	<-started
	time.Sleep(300 * time.Millisecond)
	close(release)
	js := waitJobs(t, e, *m.Id, len(things))
	for _, j := range js {
		if j.Status != "COMPLETED" {
			t.Fatalf("job %+v", j)
		}
	}
	if n := sm.count("extract"); n >= len(things) || n > 3 {
		t.Fatalf("%d extraction calls for %d events: not batched", n, len(things))
	}
	rs := listRecords(t, e, *m.Id, "/facts/frank/")
	if len(rs) != len(things) {
		t.Fatalf("records: %d", len(rs))
	}
	t.Logf("%d events extracted in %d model calls", len(things), sm.count("extract"))
}

// TestMemoryIngestData: inline content (conversational and JSON) becomes an
// event of a new session and is extracted like CreateEvent's.
func TestMemoryIngestData(t *testing.T) {
	sm := newScriptedModel(t, factsModel)
	e := modelEnv(t, sm, t.TempDir())
	m := createMemory(t, e, "ingest", semantic("facts", "/facts/{actorId}/"))
	out, err := e.Data.IngestData(bg, &dp.IngestDataInput{MemoryId: m.Id, ActorId: aws.String("gil"), ContentTimestamp: aws.Time(time.Now()),
		Source: &dptypes.ContentSourceMemberInline{Value: dptypes.InlineMemoryContent{Payload: []dptypes.IngestPayloadType{
			&dptypes.IngestPayloadTypeMemberConversational{Value: dptypes.Conversational{Role: dptypes.RoleUser, Content: &dptypes.ContentMemberText{Value: "FACT: Gil collects stamps"}}},
			&dptypes.IngestPayloadTypeMemberJson{Value: dptypes.MemoryJsonData{Content: document.NewLazyDocument(map[string]any{"crm": "gold"})}},
		}}}})
	if err != nil || out.SessionId == nil || *out.SessionId == "" {
		t.Fatalf("ingest: %v %v", out, err)
	}
	waitJobs(t, e, *m.Id, 1)
	if rs := listRecords(t, e, *m.Id, "/facts/gil/"); len(rs) != 1 || textOf(rs[0].Content) != "Gil collects stamps" {
		t.Fatalf("records %+v", rs)
	}
	l, err := e.Data.ListEvents(bg, &dp.ListEventsInput{MemoryId: m.Id, ActorId: aws.String("gil"), SessionId: out.SessionId})
	if err != nil || len(l.Events) != 1 || len(l.Events[0].Payload) != 2 {
		t.Fatalf("events %v %v", l, err)
	}
	if _, ok := l.Events[0].Payload[1].(*dptypes.PayloadTypeMemberJson); !ok {
		t.Fatalf("json payload %T", l.Events[0].Payload[1])
	}
	sm.mu.Lock()
	last := sm.users[0]
	sm.mu.Unlock()
	if !strings.Contains(last, `DATA: {"crm":"gold"}`) {
		t.Fatalf("extraction prompt misses the JSON content: %s", last)
	}
}
