package api_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestMemoryTwoReplicas runs two servers on one database: both run
// extraction workers, and each one's index sees the records the other
// writes (record change log), with every event extracted exactly once.
func TestMemoryTwoReplicas(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		twoReplicas(t, "sqlite:"+filepath.Join(t.TempDir(), "shared.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		pg := testenv.Postgres(t, "e2e_memrep")
		twoReplicas(t, pg.DSN)
	})
}

func twoReplicas(t *testing.T, database string) {
	sm := newScriptedModel(t, factsModel)
	a := modelEnvDB(t, sm, t.TempDir(), database)
	b := modelEnvDB(t, sm, t.TempDir(), database)
	m := createMemory(t, a, "replicas", semantic("facts", "/facts/{actorId}/"))
	mem := *m.Id
	// Warm both indexes before the other side writes.
	for _, e := range []*testenv.Env{a, b} {
		if _, err := e.Data.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: aws.String(mem), Namespace: aws.String("/facts/"),
			SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("warm")}}); err != nil {
			t.Fatal(err)
		}
	}
	n := 12
	for i := 0; i < n; i++ {
		e := a
		if i%2 == 1 {
			e = b
		}
		putEvent(t, e, mem, fmt.Sprint("actor", i%3), fmt.Sprint("s", i), time.Now(), turn(dptypes.RoleUser, fmt.Sprintf("FACT: Item %d is stored in bin %d", i, i*7)))
	}
	js := waitJobs(t, a, mem, n)
	for _, j := range js {
		if j.Status != "COMPLETED" {
			t.Fatalf("job %+v", j)
		}
	}
	// A record created through B is found through A at once.
	bc, err := b.Data.BatchCreateMemoryRecords(bg, &dp.BatchCreateMemoryRecordsInput{MemoryId: aws.String(mem), Records: []dptypes.MemoryRecordCreateInput{recordIn("x", "The lighthouse keeper is named Oskar", "/facts/actor0/")}})
	if err != nil || len(bc.SuccessfulRecords) != 1 {
		t.Fatal(err)
	}
	for _, e := range []*testenv.Env{a, b} {
		total := 0
		for k := 0; k < 3; k++ {
			total += len(listRecords(t, e, mem, fmt.Sprintf("/facts/actor%d/", k)))
		}
		if total != n+1 {
			t.Fatalf("replica sees %d records, want %d", total, n+1)
		}
		rr, err := e.Data.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: aws.String(mem), Namespace: aws.String("/facts/actor0/"),
			SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("who keeps the lighthouse?"), TopK: aws.Int32(1)}})
		if err != nil || textOf(rr.MemoryRecordSummaries[0].Content) != "The lighthouse keeper is named Oskar" {
			t.Fatalf("retrieve on a replica: %v %v", rr, err)
		}
	}
	// Deleting through A disappears from B.
	if _, err := a.Data.DeleteMemoryRecord(bg, &dp.DeleteMemoryRecordInput{MemoryId: aws.String(mem), MemoryRecordId: bc.SuccessfulRecords[0].MemoryRecordId}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Data.GetMemoryRecord(bg, &dp.GetMemoryRecordInput{MemoryId: aws.String(mem), MemoryRecordId: bc.SuccessfulRecords[0].MemoryRecordId}); !isNotFound(err) {
		t.Fatalf("deleted record still on the other replica: %v", err)
	}
}
