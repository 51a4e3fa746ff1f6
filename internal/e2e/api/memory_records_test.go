package api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

func recordIn(req, text string, ns ...string) dptypes.MemoryRecordCreateInput {
	return dptypes.MemoryRecordCreateInput{RequestIdentifier: aws.String(req), Content: &dptypes.MemoryContentMemberText{Value: text},
		Namespaces: ns, Timestamp: aws.Time(time.Now())}
}

func TestMemoryRecords(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	m := createMemory(t, e, "ltm", semantic("facts"))
	d := e.Data
	facts := []string{
		"Alice is allergic to peanuts", "Alice lives in Lisbon", "Alice prefers window seats on flights",
		"Bob drives a red Toyota", "Bob's favourite food is sushi",
	}
	var ins []dptypes.MemoryRecordCreateInput
	for i, f := range facts {
		ns := "/facts/alice/"
		if strings.HasPrefix(f, "Bob") {
			ns = "/facts/bob/"
		}
		in := recordIn(fmt.Sprint("r", i), f, ns)
		in.Metadata = map[string]dptypes.MemoryRecordMetadataValue{"idx": &dptypes.MemoryRecordMetadataValueMemberNumberValue{Value: float64(i)}}
		ins = append(ins, in)
	}
	ins = append(ins, recordIn("bad", "", "/facts/alice/"), recordIn("badns", "x", "no spaces allowed"))
	bc, err := d.BatchCreateMemoryRecords(bg, &dp.BatchCreateMemoryRecordsInput{MemoryId: m.Id, Records: ins})
	if err != nil {
		t.Fatal(err)
	}
	if len(bc.SuccessfulRecords) != 5 || len(bc.FailedRecords) != 2 || *bc.FailedRecords[0].ErrorCode != 400 {
		t.Fatalf("batch create: %+v", bc)
	}
	ids := map[string]string{}
	for _, r := range bc.SuccessfulRecords {
		ids[*r.RequestIdentifier] = *r.MemoryRecordId
	}

	// Semantic retrieval with namespace prefix, scores, topK.
	rr, err := d.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: m.Id, Namespace: aws.String("/facts/alice"),
		SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("what is Alice allergic to?"), TopK: aws.Int32(2)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rr.MemoryRecordSummaries) != 2 || textOf(rr.MemoryRecordSummaries[0].Content) != facts[0] || *rr.MemoryRecordSummaries[0].Score <= *rr.MemoryRecordSummaries[1].Score {
		t.Fatalf("retrieve: %+v", rr.MemoryRecordSummaries)
	}
	rb, err := d.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: m.Id, Namespace: aws.String("/facts/bob/"),
		SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("Alice allergic"), TopK: aws.Int32(10)}})
	if err != nil || len(rb.MemoryRecordSummaries) != 2 {
		t.Fatalf("namespace filter: %v %v", rb, err)
	}
	// Metadata filter.
	rm, err := d.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: m.Id, Namespace: aws.String("/facts"),
		SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("food"), MetadataFilters: []dptypes.MemoryMetadataFilterExpression{{
			Left: &dptypes.MemoryRecordLeftExpressionMemberMetadataKey{Value: "idx"}, Operator: dptypes.MemoryRecordOperatorTypeGreaterThanOrEquals,
			Right: &dptypes.MemoryRecordRightExpressionMemberMetadataValue{Value: &dptypes.MemoryRecordMetadataValueMemberNumberValue{Value: 3}}}}}})
	if err != nil || len(rm.MemoryRecordSummaries) != 2 {
		t.Fatalf("metadata filter: %v %v", rm, err)
	}

	// List with pagination.
	var n int
	p := dp.NewListMemoryRecordsPaginator(d, &dp.ListMemoryRecordsInput{MemoryId: m.Id, Namespace: aws.String("/facts/"), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		pg, err := p.NextPage(bg)
		if err != nil {
			t.Fatal(err)
		}
		n += len(pg.MemoryRecordSummaries)
	}
	if n != 5 {
		t.Fatalf("listed %d", n)
	}

	// Get / update / delete.
	g, err := d.GetMemoryRecord(bg, &dp.GetMemoryRecordInput{MemoryId: m.Id, MemoryRecordId: aws.String(ids["r1"])})
	if err != nil || textOf(g.MemoryRecord.Content) != facts[1] {
		t.Fatalf("get: %v %v", g, err)
	}
	bu, err := d.BatchUpdateMemoryRecords(bg, &dp.BatchUpdateMemoryRecordsInput{MemoryId: m.Id, Records: []dptypes.MemoryRecordUpdateInput{
		{MemoryRecordId: aws.String(ids["r1"]), Content: &dptypes.MemoryContentMemberText{Value: "Alice moved to Porto"}, Timestamp: aws.Time(time.Now())},
		{MemoryRecordId: aws.String("mem-00000000-0000-0000-0000-000000000000"), Content: &dptypes.MemoryContentMemberText{Value: "x"}, Timestamp: aws.Time(time.Now())},
	}})
	if err != nil || len(bu.SuccessfulRecords) != 1 || len(bu.FailedRecords) != 1 || *bu.FailedRecords[0].ErrorCode != 404 {
		t.Fatalf("batch update: %+v %v", bu, err)
	}
	rp, err := d.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: m.Id, Namespace: aws.String("/facts/alice/"),
		SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("Porto"), TopK: aws.Int32(1)}})
	if err != nil || *rp.MemoryRecordSummaries[0].MemoryRecordId != ids["r1"] {
		t.Fatalf("updated record not found by its new text: %v", err)
	}
	if _, err := d.DeleteMemoryRecord(bg, &dp.DeleteMemoryRecordInput{MemoryId: m.Id, MemoryRecordId: aws.String(ids["r0"])}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.GetMemoryRecord(bg, &dp.GetMemoryRecordInput{MemoryId: m.Id, MemoryRecordId: aws.String(ids["r0"])}); !isNotFound(err) {
		t.Fatalf("deleted: %v", err)
	}
	bd, err := d.BatchDeleteMemoryRecords(bg, &dp.BatchDeleteMemoryRecordsInput{MemoryId: m.Id, Records: []dptypes.MemoryRecordDeleteInput{
		{MemoryRecordId: aws.String(ids["r3"])}, {MemoryRecordId: aws.String(ids["r0"])}}})
	if err != nil || len(bd.SuccessfulRecords) != 1 || len(bd.FailedRecords) != 1 {
		t.Fatalf("batch delete: %+v %v", bd, err)
	}

	// Bad input.
	if _, err := d.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: m.Id, Namespace: aws.String("bad namespace"),
		SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("x")}}); !isValidation(err) {
		t.Fatalf("malformed namespace: %v", err)
	}
	if _, err := d.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: m.Id,
		SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("x"), TopK: aws.Int32(1000)}}); !isValidation(err) {
		t.Fatalf("topK: %v", err)
	}
	if _, err := d.GetMemoryRecord(bg, &dp.GetMemoryRecordInput{MemoryId: m.Id, MemoryRecordId: aws.String("nope")}); !isValidation(err) {
		t.Fatalf("malformed record id: %v", err)
	}
	if _, err := d.ListMemoryRecords(bg, &dp.ListMemoryRecordsInput{MemoryId: m.Id, MemoryStrategyId: aws.String("unknown-strategy")}); err != nil {
		t.Fatalf("unknown strategy filter lists nothing: %v", err)
	}
	big := recordIn("big", strings.Repeat("x", 32_001), "/facts/alice/")
	if bc, err := d.BatchCreateMemoryRecords(bg, &dp.BatchCreateMemoryRecordsInput{MemoryId: m.Id, Records: []dptypes.MemoryRecordCreateInput{big}}); err != nil || len(bc.FailedRecords) != 1 {
		t.Fatalf("oversized record: %v", err)
	}
	unk := recordIn("unk", "x", "/facts/alice/")
	unk.MemoryStrategyId = aws.String("nope-0123456789")
	if bc, err := d.BatchCreateMemoryRecords(bg, &dp.BatchCreateMemoryRecordsInput{MemoryId: m.Id, Records: []dptypes.MemoryRecordCreateInput{unk}}); err != nil || len(bc.FailedRecords) != 1 || *bc.FailedRecords[0].ErrorCode != 404 {
		t.Fatalf("unknown strategy: %+v %v", bc, err)
	}
}

// TestMemoryRecordConcurrentUpdates runs many updates of one record at
// once: every one succeeds or fails typed, and the record ends whole (one
// of the written texts, findable by it).
func TestMemoryRecordConcurrentUpdates(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	m := createMemory(t, e, "conc")
	d := e.Data
	bc, err := d.BatchCreateMemoryRecords(bg, &dp.BatchCreateMemoryRecordsInput{MemoryId: m.Id, Records: []dptypes.MemoryRecordCreateInput{recordIn("a", "version zero", "/c/")}})
	if err != nil {
		t.Fatal(err)
	}
	id := bc.SuccessfulRecords[0].MemoryRecordId
	var wg sync.WaitGroup
	written := map[string]bool{"version zero": true}
	var mu sync.Mutex
	for i := 0; i < 20; i++ {
		text := fmt.Sprintf("version %d of the record", i+1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := d.BatchUpdateMemoryRecords(bg, &dp.BatchUpdateMemoryRecordsInput{MemoryId: m.Id, Records: []dptypes.MemoryRecordUpdateInput{
				{MemoryRecordId: id, Content: &dptypes.MemoryContentMemberText{Value: text}, Timestamp: aws.Time(time.Now())}}})
			if err != nil {
				t.Error(err)
				return
			}
			if len(out.SuccessfulRecords) == 1 {
				mu.Lock()
				written[text] = true
				mu.Unlock()
			} else if *out.FailedRecords[0].ErrorCode != 409 {
				t.Errorf("unexpected failure %+v", out.FailedRecords[0])
			}
		}()
	}
	wg.Wait()
	g, err := d.GetMemoryRecord(bg, &dp.GetMemoryRecordInput{MemoryId: m.Id, MemoryRecordId: id})
	if err != nil || !written[textOf(g.MemoryRecord.Content)] {
		t.Fatalf("record after concurrent updates: %v %v", g, err)
	}
	l, _ := d.ListMemoryRecords(bg, &dp.ListMemoryRecordsInput{MemoryId: m.Id, Namespace: aws.String("/c/")})
	if len(l.MemoryRecordSummaries) != 1 {
		t.Fatalf("%d records", len(l.MemoryRecordSummaries))
	}
}
