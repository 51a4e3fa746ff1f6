package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// replicasCommandStop: InvokeAgentRuntimeCommand on A's session through B
// runs in A's environment (B cannot host it: the session is A's) and its
// output events arrive as produced; StopRuntimeSession through C ends it on
// A, so the next invocation starts a new environment.
func replicasCommandStop(t *testing.T, arn string, a, b, c *replica, s string, first map[string]countAnswer) {
	ctx := context.Background()
	out, err := b.env.Data.InvokeAgentRuntimeCommand(ctx, &dp.InvokeAgentRuntimeCommandInput{AgentRuntimeArn: aws.String(arn),
		RuntimeSessionId: aws.String(s),
		Body:             &dptypes.InvokeAgentRuntimeCommandRequestBody{Command: aws.String("echo one; sleep 0.4; echo two")}})
	if err != nil {
		t.Fatal(err)
	}
	es := out.GetStream()
	var stdout string
	var deltas []time.Time
	var stop *dptypes.ContentStopEvent
	for ev := range es.Events() {
		chunk, ok := ev.(*dptypes.InvokeAgentRuntimeCommandStreamOutputMemberChunk)
		if !ok {
			t.Fatalf("unexpected event %T", ev)
		}
		switch v := chunk.Value; {
		case v.ContentDelta != nil:
			stdout += aws.ToString(v.ContentDelta.Stdout)
			deltas = append(deltas, time.Now())
		case v.ContentStop != nil:
			stop = v.ContentStop
		}
	}
	es.Close()
	if err := es.Err(); err != nil || stop == nil || aws.ToInt32(stop.ExitCode) != 0 {
		t.Fatalf("command through B: err %v stop %+v stdout %q", err, stop, stdout)
	}
	if stdout != "one\ntwo\n" || len(deltas) < 2 || deltas[len(deltas)-1].Sub(deltas[0]) < 300*time.Millisecond {
		t.Fatalf("command through B: stdout %q in %d deltas, not streamed as produced", stdout, len(deltas))
	}
	got, err := a.invokeCount(ctx, arn, s)
	if err != nil || got.Instance != first[s].Instance {
		t.Fatalf("after the command through B the session is not A's environment any more: %+v %v", got, err)
	}
	if _, err := c.env.Data.StopRuntimeSession(ctx, &dp.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s)}); err != nil {
		t.Fatalf("StopRuntimeSession through C: %v", err)
	}
	got, err = b.invokeCount(ctx, arn, s)
	if err != nil || got.Count != 1 || got.Instance == first[s].Instance {
		t.Fatalf("after StopRuntimeSession through C: %+v %v (want a new environment)", got, err)
	}
	first[s] = got
}
