package api_test

import (
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestMemoryPostgres runs the Memory flow on PostgreSQL: events, extraction
// with consolidation, a restart, then retrieval from the reloaded index.
func TestMemoryPostgres(t *testing.T) {
	pg := testenv.Postgres(t, "e2e_mem")
	database := pg.DSN
	sm := newScriptedModel(t, factsModel)
	dir := t.TempDir()
	e := modelEnvDB(t, sm, dir, database)
	m := createMemory(t, e, "pgmem", semantic("facts", "/facts/{actorId}/"))
	mem := *m.Id
	putEvent(t, e, mem, "dana", "s1", time.Now(), turn(dptypes.RoleUser, "FACT: Dana lives in Madrid"))
	waitJobs(t, e, mem, 1)
	putEvent(t, e, mem, "dana", "s2", time.Now(), turn(dptypes.RoleUser, "FACT: Dana lives in Seville"), turn(dptypes.RoleUser, "FACT: Dana keeps bees"))
	waitJobs(t, e, mem, 2)
	e.Stop()
	e = modelEnvDB(t, sm, dir, database)
	rs := listRecords(t, e, mem, "/facts/dana/")
	if len(rs) != 2 {
		t.Fatalf("records: %+v", rs)
	}
	rr, err := e.Data.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: aws.String(mem), Namespace: aws.String("/facts/dana/"),
		SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("where does Dana live?"), TopK: aws.Int32(1)}})
	if err != nil || textOf(rr.MemoryRecordSummaries[0].Content) != "Dana lives in Seville" {
		t.Fatalf("retrieve: %v %v", rr, err)
	}
	l, err := e.Data.ListEvents(bg, &dp.ListEventsInput{MemoryId: aws.String(mem), ActorId: aws.String("dana"), SessionId: aws.String("s2")})
	if err != nil || len(l.Events) != 1 || len(l.Events[0].Payload) != 2 {
		t.Fatalf("events: %v %v", l, err)
	}
}
