package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func logsClient(url, key, secret string) *cloudwatchlogs.Client {
	return cloudwatchlogs.New(cloudwatchlogs.Options{
		Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
		Retryer: aws.NopRetryer{}, HTTPClient: testenv.NewSDKHTTPClient(), BaseEndpoint: aws.String(url),
	})
}

// sdkSpanQuery is the query CloudWatchAgentSpanCollector sends
// (bedrock_agentcore/evaluation/agent_span_collector).
func sdkSpanQuery(session string) string {
	return "fields @timestamp, @message" +
		"\n| filter attributes.session.id = \"" + session + "\"" +
		"\n| filter ispresent(scope.name)" +
		"\n| filter ispresent(traceId)" +
		"\n| filter ispresent(spanId)" +
		"\n| sort @timestamp asc"
}

func runLogsQuery(ctx context.Context, c *cloudwatchlogs.Client, group, q string, from, to time.Time) (*cloudwatchlogs.GetQueryResultsOutput, error) {
	st, err := c.StartQuery(ctx, &cloudwatchlogs.StartQueryInput{LogGroupName: aws.String(group),
		StartTime: aws.Int64(from.Unix()), EndTime: aws.Int64(to.Unix()), QueryString: aws.String(q)})
	if err != nil {
		return nil, err
	}
	return c.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: st.QueryId})
}

func TestCloudWatchLogsInsightsSpans(t *testing.T) {
	cfg := testenv.Fast()
	cfg.Credentials = []sigv4.Credential{
		{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey, Account: "123456789012"},
		{AccessKeyID: "AKIDLOGSOTHER", SecretAccessKey: "other-secret", Account: "210987654321"},
	}
	e := testenv.Start(t, cfg)
	ctx := context.Background()
	now := time.Now()
	session, other := testenv.SessionID("cwl"), testenv.SessionID("cwl-other")
	trace := postTrace(t, e.URL, session, 0x6b, now)
	postTrace(t, e.URL, other, 0x6c, now)
	c := logsClient(e.URL, testenv.AccessKeyID, testenv.SecretAccessKey)

	res, err := runLogsQuery(ctx, c, "aws/spans", sdkSpanQuery(session), now.Add(-time.Minute), now.Add(time.Minute))
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	if res.Status != types.QueryStatusComplete || len(res.Results) != 2 || res.Statistics == nil || res.Statistics.RecordsMatched != 2 {
		t.Fatalf("status %s, %d rows, stats %+v", res.Status, len(res.Results), res.Statistics)
	}
	for _, row := range res.Results {
		got := map[string]string{}
		for _, f := range row {
			got[aws.ToString(f.Field)] = aws.ToString(f.Value)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(got["@message"]), &doc); err != nil || got["@timestamp"] == "" || got["@ptr"] == "" {
			t.Fatalf("row %v", got)
		}
		attrs, _ := doc["attributes"].(map[string]any)
		if doc["traceId"] != trace || attrs["session.id"] != session || doc["scope"] == nil || doc["spanId"] == nil {
			t.Errorf("document %v", doc)
		}
	}

	// Another account sees nothing.
	oc := logsClient(e.URL, "AKIDLOGSOTHER", "other-secret")
	if res, err := runLogsQuery(ctx, oc, "aws/spans", sdkSpanQuery(session), now.Add(-time.Minute), now.Add(time.Minute)); err != nil || len(res.Results) != 0 {
		t.Fatalf("other account: %v rows, %v", res, err)
	}

	// Bad queries and unknown groups are typed errors.
	for _, q := range []string{"", "stats count(*) by bin(5m)", "filter attributes.session.id ~ \"x\"", "fields @message | limit zero", "filter a = \"x"} {
		_, err := runLogsQuery(ctx, c, "aws/spans", q, now.Add(-time.Minute), now)
		var me *types.MalformedQueryException
		if !errors.As(err, &me) {
			t.Errorf("query %q: %v, want MalformedQueryException", q, err)
		}
	}
	_, err = runLogsQuery(ctx, c, "/aws/nope", "fields @message", now.Add(-time.Minute), now)
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown group: %v", err)
	}
	if _, err := c.GetQueryResults(ctx, &cloudwatchlogs.GetQueryResultsInput{QueryId: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("unknown query: %v", err)
	}
	// A runtime's log group (any of its endpoints) exists, empty until it
	// logs; a group of no runtime is ResourceNotFoundException.
	rt := e.Deploy(t, "cwl_agent", nil)
	rtGroup := "/aws/bedrock-agentcore/runtimes/" + aws.ToString(rt.AgentRuntimeId) + "-DEFAULT"
	if res, err := runLogsQuery(ctx, c, rtGroup, sdkSpanQuery(session), now.Add(-time.Minute), now.Add(time.Minute)); err != nil || len(res.Results) != 0 {
		t.Errorf("runtime group: %v %v", res, err)
	}
	for _, g := range []string{"/aws/bedrock-agentcore/runtimes/e2e-abc-DEFAULT", rtGroup[:len(rtGroup)-len("DEFAULT")] + "prod"} {
		if _, err := runLogsQuery(ctx, c, g, "fields @message", now.Add(-time.Minute), now); !errors.As(err, &nf) {
			t.Errorf("group %s: %v, want ResourceNotFoundException", g, err)
		}
	}
	if _, err := runLogsQuery(ctx, oc, rtGroup, "fields @message", now.Add(-time.Minute), now); !errors.As(err, &nf) {
		t.Errorf("another account's runtime group: %v, want ResourceNotFoundException", err)
	}
	dg, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("aws/")})
	if err != nil || len(dg.LogGroups) != 1 || aws.ToString(dg.LogGroups[0].LogGroupName) != "aws/spans" {
		t.Errorf("DescribeLogGroups: %+v %v", dg, err)
	}
	var all []string
	in := &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(1)}
	for p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, in); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("DescribeLogGroups: %v", err)
		}
		for _, g := range page.LogGroups {
			all = append(all, aws.ToString(g.LogGroupName))
		}
	}
	if len(all) != 2 || all[0] != rtGroup || all[1] != "aws/spans" {
		t.Errorf("DescribeLogGroups pages: %q", all)
	}
	if dg, err := oc.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/bedrock-agentcore/")}); err != nil || len(dg.LogGroups) != 0 {
		t.Errorf("another account's DescribeLogGroups: %+v %v", dg, err)
	}
	if _, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(51)}); err == nil {
		t.Error("DescribeLogGroups limit 51: no error")
	}
}
