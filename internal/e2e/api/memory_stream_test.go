package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/memory/webhook"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

const streamARN = "arn:aws:kinesis:us-east-1:123456789012:stream/memory-records"

func kinesis(arn string, level ctltypes.ContentLevel) *ctltypes.StreamDeliveryResources {
	return &ctltypes.StreamDeliveryResources{Resources: []ctltypes.StreamDeliveryResource{&ctltypes.StreamDeliveryResourceMemberKinesis{Value: ctltypes.KinesisResource{
		DataStreamArn: aws.String(arn), ContentConfigurations: []ctltypes.ContentConfiguration{{Type: ctltypes.ContentTypeMemoryRecords, Level: level}}}}}}
}

// TestMemoryRecordStream: with streamDeliveryResources, every record
// created, updated or deleted is announced to the endpoint subscribed to
// the data stream's ARN, with the record text at FULL_CONTENT.
func TestMemoryRecordStream(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	var mu sync.Mutex
	var events []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.Verify(smSecret, r.Header.Get(webhook.HeaderSignature), r.Header.Get(webhook.HeaderTimestamp), body) {
			http.Error(w, "bad signature", 401)
			return
		}
		var b struct {
			DataStreamArn string
			Records       []struct {
				MemoryStreamEvent struct{ EventType, MemoryId, MemoryRecordId, MemoryRecordText string }
			}
		}
		json.Unmarshal(body, &b)
		mu.Lock()
		for _, rec := range b.Records {
			ev := rec.MemoryStreamEvent
			events = append(events, ev.EventType+" "+ev.MemoryRecordText)
		}
		mu.Unlock()
	}))
	defer hook.Close()
	if code, typ, body := rawCall(t, e, "POST", "/_agentcore/memoryTopics/subscribe",
		`{"topicArn": "`+streamARN+`", "endpoint": "`+hook.URL+`", "secret": "`+smSecret+`"}`); code != 200 {
		t.Fatalf("subscribe: %d %s %v", code, typ, body)
	}
	out, err := e.Control.CreateMemory(bg, &ctl.CreateMemoryInput{Name: aws.String("streamed"), EventExpiryDuration: aws.Int32(30),
		StreamDeliveryResources: kinesis(streamARN, ctltypes.ContentLevelFullContent)})
	if err != nil {
		t.Fatal(err)
	}
	m := waitMemoryActive(t, e, *out.Memory.Id)
	if k, ok := m.StreamDeliveryResources.Resources[0].(*ctltypes.StreamDeliveryResourceMemberKinesis); !ok || *k.Value.DataStreamArn != streamARN {
		t.Fatalf("GetMemory streamDeliveryResources: %#v", m.StreamDeliveryResources)
	}
	mem := *m.Id
	rec := func(id, text string) dptypes.MemoryRecordCreateInput {
		return dptypes.MemoryRecordCreateInput{RequestIdentifier: aws.String(id), Content: &dptypes.MemoryContentMemberText{Value: text},
			MemoryStrategyId: aws.String("manual"), Namespaces: []string{"/facts/"}, Timestamp: aws.Time(time.Now())}
	}
	c, err := e.Data.BatchCreateMemoryRecords(bg, &dp.BatchCreateMemoryRecordsInput{MemoryId: aws.String(mem), Records: []dptypes.MemoryRecordCreateInput{rec("r1", "likes tea"), rec("r2", "lives in Rome")}})
	if err != nil || len(c.SuccessfulRecords) != 2 {
		t.Fatalf("create: %v %+v", err, c)
	}
	id1, id2 := *c.SuccessfulRecords[0].MemoryRecordId, *c.SuccessfulRecords[1].MemoryRecordId
	if _, err := e.Data.BatchUpdateMemoryRecords(bg, &dp.BatchUpdateMemoryRecordsInput{MemoryId: aws.String(mem), Records: []dptypes.MemoryRecordUpdateInput{{
		MemoryRecordId: aws.String(id1), Content: &dptypes.MemoryContentMemberText{Value: "likes green tea"}, Timestamp: aws.Time(time.Now())}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Data.DeleteMemoryRecord(bg, &dp.DeleteMemoryRecordInput{MemoryId: aws.String(mem), MemoryRecordId: aws.String(id2)}); err != nil {
		t.Fatal(err)
	}
	want := []string{"MemoryRecordCreated likes tea", "MemoryRecordCreated lives in Rome", "MemoryRecordDeleted ", "MemoryRecordUpdated likes green tea"}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		got := append([]string(nil), events...)
		mu.Unlock()
		sort.Strings(got)
		if strings.Join(got, "|") == strings.Join(want, "|") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream events: %q, want %q", got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Bad stream settings are a ValidationException.
	for name, sr := range map[string]*ctltypes.StreamDeliveryResources{
		"bad level":   kinesis(streamARN, "EVERYTHING"),
		"not an ARN":  kinesis("stream", ctltypes.ContentLevelFullContent),
		"no resource": {Resources: []ctltypes.StreamDeliveryResource{}},
	} {
		_, err := e.Control.UpdateMemory(bg, &ctl.UpdateMemoryInput{MemoryId: aws.String(mem), StreamDeliveryResources: sr})
		if !isCtlValidation(err) {
			t.Errorf("%s: want ValidationException, got %v", name, err)
		}
	}
}

// TestMemoryDeliveryQueue: with no webhook subscribed to the topicArn, a
// self-managed strategy's deliveries queue up for the pipeline to poll;
// a received delivery is hidden for the visibility timeout and comes back
// unless deleted.
func TestMemoryDeliveryQueue(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	m := createMemory(t, e, "polled", selfManaged("pipeline", 0, messageTrigger(1)))
	mem := *m.Id
	putEvent(t, e, mem, "carol", "s9", time.Now(), turn(dptypes.RoleUser, "I am allergic to peanuts"))
	receive := func(vis int) []map[string]any {
		code, typ, body := rawCall(t, e, "POST", "/_agentcore/memoryTopics/receive", fmt.Sprintf(`{"topicArn": %q, "maxMessages": 10, "visibilityTimeout": %d}`, smTopic, vis))
		if code != 200 {
			t.Fatalf("receive: %d %s %v", code, typ, body)
		}
		var out []map[string]any
		for _, m := range body["messages"].([]any) {
			out = append(out, m.(map[string]any))
		}
		return out
	}
	var got []map[string]any
	deadline := time.Now().Add(20 * time.Second)
	for len(got) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("nothing queued; jobs %+v", jobs(t, e, mem, ""))
		}
		time.Sleep(50 * time.Millisecond)
		got = receive(1)
	}
	b, _ := json.Marshal(got[0]["body"])
	var d smDelivery
	json.Unmarshal(b, &d)
	if len(got) != 1 || d.MemoryID != mem || d.Payload.ActorID != "carol" || len(d.Payload.CurrentContext) != 1 ||
		d.Payload.CurrentContext[0].Content.Text != "I am allergic to peanuts" {
		t.Fatalf("queued delivery: %s", b)
	}
	if again := receive(1); len(again) != 0 {
		t.Fatalf("a received delivery is hidden: %+v", again)
	}
	time.Sleep(1100 * time.Millisecond)
	back := receive(30)
	if len(back) != 1 || back[0]["receiptHandle"] != got[0]["receiptHandle"] {
		t.Fatalf("after the visibility timeout: %+v", back)
	}
	if code, typ, body := rawCall(t, e, "POST", "/_agentcore/memoryTopics/delete", fmt.Sprintf(`{"topicArn": %q, "receiptHandle": %q}`, smTopic, back[0]["receiptHandle"])); code != 200 {
		t.Fatalf("delete: %d %s %v", code, typ, body)
	}
	time.Sleep(1100 * time.Millisecond)
	if left := receive(1); len(left) != 0 {
		t.Fatalf("deleted delivery came back: %+v", left)
	}
	if code, typ, _ := rawCall(t, e, "POST", "/_agentcore/memoryTopics/receive", `{"topicArn": "`+smTopic+`", "maxMessages": 11}`); code != 400 || typ != "ValidationException" {
		t.Fatalf("maxMessages 11: %d %s", code, typ)
	}
	if code, typ, _ := rawCall(t, e, "POST", "/_agentcore/memoryTopics/delete", `{"topicArn": "`+smTopic+`", "receiptHandle": "nope"}`); code != 404 || typ != "ResourceNotFoundException" {
		t.Fatalf("delete unknown: %d %s", code, typ)
	}
}
