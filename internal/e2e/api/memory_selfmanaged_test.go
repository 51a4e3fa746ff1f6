package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
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

const (
	smTopic  = "arn:aws:sns:us-east-1:123456789012:memory-pipeline"
	smSecret = "a-webhook-secret-of-the-user"
)

type smDelivery struct {
	JobID, MemoryID, StrategyID, S3PayloadLocation string
	Payload                                        struct {
		ActorID, SessionID                string
		CurrentContext, HistoricalContext []struct {
			Role    string
			Content struct{ Text string }
		}
	}
}

func selfManaged(name string, window int32, triggers ...ctltypes.TriggerConditionInput) ctltypes.MemoryStrategyInput {
	return &ctltypes.MemoryStrategyInputMemberCustomMemoryStrategy{Value: ctltypes.CustomMemoryStrategyInput{Name: aws.String(name),
		Configuration: &ctltypes.CustomConfigurationInputMemberSelfManagedConfiguration{Value: ctltypes.SelfManagedConfigurationInput{
			InvocationConfiguration:     &ctltypes.InvocationConfigurationInput{TopicArn: aws.String(smTopic), PayloadDeliveryBucketName: aws.String("my-payloads")},
			HistoricalContextWindowSize: aws.Int32(window), TriggerConditions: triggers}}}}
}

func messageTrigger(n int32) ctltypes.TriggerConditionInput {
	return &ctltypes.TriggerConditionInputMemberMessageBasedTrigger{Value: ctltypes.MessageBasedTriggerInput{MessageCount: aws.Int32(n)}}
}

// TestMemorySelfManagedWebhook: a self-managed strategy delivers the
// conversation to the user's webhook once its trigger holds (signed,
// retried after a failure); the webhook's pipeline writes records back
// with BatchCreateMemoryRecords, and they are retrievable.
func TestMemorySelfManagedWebhook(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	var mu sync.Mutex
	var got []smDelivery
	attempts := 0
	var mem string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.Verify(smSecret, r.Header.Get(webhook.HeaderSignature), r.Header.Get(webhook.HeaderTimestamp), body) {
			t.Errorf("bad signature on %s", body)
			http.Error(w, "bad signature", 401)
			return
		}
		mu.Lock()
		attempts++
		first := attempts == 1
		mu.Unlock()
		if first { // the first attempt fails: the delivery is retried with backoff
			http.Error(w, "pipeline warming up", 503)
			return
		}
		var d smDelivery
		if err := json.Unmarshal(body, &d); err != nil {
			t.Errorf("delivery body: %v", err)
		}
		// The user's pipeline: one record per user message, written back.
		var recs []dptypes.MemoryRecordCreateInput
		for i, c := range d.Payload.CurrentContext {
			if c.Role == "USER" {
				recs = append(recs, dptypes.MemoryRecordCreateInput{RequestIdentifier: aws.String(d.JobID[len(d.JobID)-6:] + string(rune('a'+i))),
					Content: &dptypes.MemoryContentMemberText{Value: "Pipeline fact: " + c.Content.Text}, MemoryStrategyId: aws.String(d.StrategyID),
					Namespaces: []string{"/pipeline/" + d.Payload.ActorID + "/"}, Timestamp: aws.Time(time.Now())})
			}
		}
		out, err := e.Data.BatchCreateMemoryRecords(bg, &dp.BatchCreateMemoryRecordsInput{MemoryId: aws.String(d.MemoryID), Records: recs})
		if err != nil || len(out.FailedRecords) > 0 {
			t.Errorf("BatchCreateMemoryRecords: %v %+v", err, out)
		}
		mu.Lock()
		got = append(got, d)
		mu.Unlock()
	}))
	defer hook.Close()
	if code, typ, body := rawCall(t, e, "POST", "/_agentcore/memoryTopics/subscribe",
		`{"topicArn": "`+smTopic+`", "endpoint": "`+hook.URL+`/hook", "secret": "`+smSecret+`"}`); code != 200 {
		t.Fatalf("subscribe: %d %s %v", code, typ, body)
	}
	m := createMemory(t, e, "selfmanaged", selfManaged("pipeline", 2, messageTrigger(3)))
	mem = *m.Id
	cfg := m.Strategies[0].Configuration
	if m.Strategies[0].Type != ctltypes.MemoryStrategyTypeCustom || cfg.Type != ctltypes.OverrideTypeSelfManaged ||
		*cfg.SelfManagedConfiguration.InvocationConfiguration.TopicArn != smTopic || *cfg.SelfManagedConfiguration.HistoricalContextWindowSize != 2 {
		t.Fatalf("GetMemory configuration: %#v", cfg)
	}
	tries := func() int {
		mu.Lock()
		defer mu.Unlock()
		return attempts
	}
	deliveries := func() []smDelivery {
		mu.Lock()
		defer mu.Unlock()
		return append([]smDelivery(nil), got...)
	}
	putEvent(t, e, mem, "bob", "s1", time.Now(), turn(dptypes.RoleUser, "I live in Oslo"), turn(dptypes.RoleAssistant, "Nice."))
	time.Sleep(800 * time.Millisecond) // more than the trigger sweep's poll
	if n := tries(); n != 0 {
		t.Fatalf("delivered before the trigger (2 of 3 messages): %d attempts", n)
	}
	putEvent(t, e, mem, "bob", "s1", time.Now(), turn(dptypes.RoleUser, "I work as a nurse"))
	deadline := time.Now().Add(20 * time.Second)
	for len(deliveries()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no delivery; jobs %+v", jobs(t, e, mem, ""))
		}
		time.Sleep(50 * time.Millisecond)
	}
	d := deliveries()[0]
	if n := tries(); n != 2 || d.MemoryID != mem || d.StrategyID != *m.Strategies[0].StrategyId || d.Payload.ActorID != "bob" || d.Payload.SessionID != "s1" ||
		len(d.Payload.CurrentContext) != 3 || d.Payload.CurrentContext[2].Content.Text != "I work as a nurse" || len(d.Payload.HistoricalContext) != 0 ||
		!strings.HasPrefix(d.S3PayloadLocation, "s3://my-payloads/") {
		t.Fatalf("delivery after %d attempts: %+v", tries(), d)
	}
	rs := listRecords(t, e, mem, "/pipeline/bob/")
	if len(rs) != 2 {
		t.Fatalf("records written back: %+v", rs)
	}
	out, err := e.Data.RetrieveMemoryRecords(bg, &dp.RetrieveMemoryRecordsInput{MemoryId: aws.String(mem), Namespace: aws.String("/pipeline/bob/"),
		SearchCriteria: &dptypes.SearchCriteria{SearchQuery: aws.String("Oslo"), TopK: aws.Int32(1)}})
	if err != nil || len(out.MemoryRecordSummaries) != 1 || textOf(out.MemoryRecordSummaries[0].Content) != "Pipeline fact: I live in Oslo" {
		t.Fatalf("retrieve: %v %+v", err, out)
	}
	// The next batch carries the two messages before it as history.
	putEvent(t, e, mem, "bob", "s1", time.Now(), turn(dptypes.RoleUser, "FACT: one"), turn(dptypes.RoleUser, "FACT: two"), turn(dptypes.RoleUser, "FACT: three"))
	for len(deliveries()) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no second delivery")
		}
		time.Sleep(50 * time.Millisecond)
	}
	h := deliveries()[1].Payload.HistoricalContext
	if len(h) != 2 || h[1].Content.Text != "I work as a nurse" || h[0].Content.Text != "Nice." {
		t.Fatalf("historical context: %+v", h)
	}
	// Only FAILED jobs are listed by ListMemoryExtractionJobs.
	if js := jobs(t, e, mem, "FAILED"); len(js) != 0 {
		t.Fatalf("failed jobs: %+v", js)
	}
}

func TestMemorySelfManagedBadInput(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	for name, st := range map[string]ctltypes.MemoryStrategyInput{
		"messageCount 0":  selfManaged("sm", 2, messageTrigger(0)),
		"messageCount 51": selfManaged("sm", 2, messageTrigger(51)),
		"window 51":       selfManaged("sm", 51),
		"tokenCount 10":   selfManaged("sm", 2, &ctltypes.TriggerConditionInputMemberTokenBasedTrigger{Value: ctltypes.TokenBasedTriggerInput{TokenCount: aws.Int32(10)}}),
		"idle 5 s":        selfManaged("sm", 2, &ctltypes.TriggerConditionInputMemberTimeBasedTrigger{Value: ctltypes.TimeBasedTriggerInput{IdleSessionTimeout: aws.Int32(5)}}),
	} {
		_, err := e.Control.CreateMemory(bg, &ctl.CreateMemoryInput{Name: aws.String("bad"), EventExpiryDuration: aws.Int32(30), MemoryStrategies: []ctltypes.MemoryStrategyInput{st}})
		if !isCtlValidation(err) {
			t.Errorf("%s: want ValidationException, got %v", name, err)
		}
	}
	for name, body := range map[string]string{
		"no invocationConfiguration": `{"selfManagedConfiguration": {"historicalContextWindowSize": 2}}`,
		"no topicArn":                `{"selfManagedConfiguration": {"invocationConfiguration": {"payloadDeliveryBucketName": "b-1"}}}`,
		"topicArn not an ARN":        `{"selfManagedConfiguration": {"invocationConfiguration": {"payloadDeliveryBucketName": "b-1", "topicArn": "my-topic"}}}`,
		"bad bucket":                 `{"selfManagedConfiguration": {"invocationConfiguration": {"payloadDeliveryBucketName": "B_", "topicArn": "` + smTopic + `"}}}`,
		"two triggers in one":        `{"selfManagedConfiguration": {"invocationConfiguration": {"payloadDeliveryBucketName": "b-1", "topicArn": "` + smTopic + `"}, "triggerConditions": [{"messageBasedTrigger": {"messageCount": 2}, "tokenBasedTrigger": {"tokenCount": 200}}]}}`,
	} {
		code, typ, _ := rawCall(t, e, "POST", "/memories/create", `{"name": "bad", "eventExpiryDuration": 30, "memoryStrategies": [{"customMemoryStrategy": {"name": "sm", "configuration": `+body+`}}]}`)
		if code != 400 || typ != "ValidationException" {
			t.Errorf("%s: %d %s", name, code, typ)
		}
	}
	// UpdateMemory modifies the settings member by member, with the same checks.
	m := createMemory(t, e, "smmodify", selfManaged("sm", 2, messageTrigger(3)))
	modify := func(c ctltypes.ModifySelfManagedConfiguration) error {
		_, err := e.Control.UpdateMemory(bg, &ctl.UpdateMemoryInput{MemoryId: m.Id, MemoryStrategies: &ctltypes.ModifyMemoryStrategies{
			ModifyMemoryStrategies: []ctltypes.ModifyMemoryStrategyInput{{MemoryStrategyId: m.Strategies[0].StrategyId,
				Configuration: &ctltypes.ModifyStrategyConfiguration{SelfManagedConfiguration: &c}}}}})
		return err
	}
	if err := modify(ctltypes.ModifySelfManagedConfiguration{TriggerConditions: []ctltypes.TriggerConditionInput{messageTrigger(0)}}); !isCtlValidation(err) {
		t.Errorf("modify messageCount 0: %v", err)
	}
	if err := modify(ctltypes.ModifySelfManagedConfiguration{HistoricalContextWindowSize: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	g := waitMemoryActive(t, e, *m.Id).Strategies[0].Configuration.SelfManagedConfiguration
	if *g.HistoricalContextWindowSize != 7 || *g.InvocationConfiguration.TopicArn != smTopic || len(g.TriggerConditions) != 1 {
		t.Fatalf("after modify: %+v", g)
	}
	for name, body := range map[string]string{
		"endpoint not a URL": `{"topicArn": "` + smTopic + `", "endpoint": "ftp://x", "secret": "` + smSecret + `"}`,
		"short secret":       `{"topicArn": "` + smTopic + `", "endpoint": "http://127.0.0.1:1/h", "secret": "x"}`,
		"topic not an ARN":   `{"topicArn": "t", "endpoint": "http://127.0.0.1:1/h", "secret": "` + smSecret + `"}`,
	} {
		if code, typ, _ := rawCall(t, e, "POST", "/_agentcore/memoryTopics/subscribe", body); code != 400 || typ != "ValidationException" {
			t.Errorf("subscribe %s: %d %s", name, code, typ)
		}
	}
}
