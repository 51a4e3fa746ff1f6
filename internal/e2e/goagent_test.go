package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/aws/smithy-go"
)

// TestGoAgent deploys examples/go-agent (built with our sdk/) as a prebuilt
// `bootstrap` binary in a code zip and invokes it through the Go AWS SDK.
func TestGoAgent(t *testing.T) {
	t.Parallel()
	e := testenv.Start(t, testenv.Fast())
	bin, err := os.ReadFile(testenv.BuildGo(t, "examples/go-agent"))
	if err != nil {
		t.Fatal(err)
	}
	zip := testenv.Zip(t, map[string][]byte{"bootstrap": bin}, "bootstrap")
	rt := deployCode(t, e, "goagent", zip, ctltypes.AgentManagedRuntimeTypePython312, "bootstrap", time.Minute)
	arn := *rt.AgentRuntimeArn

	t.Run("json", func(t *testing.T) {
		a, b := testenv.SessionID("goA"), testenv.SessionID("goB")
		ttfb, got := invokeTTFB(t, e, arn, a, map[string]any{"prompt": "hi"})
		t.Logf("cold start (new session → first byte): %s", ttfb.Round(time.Millisecond))
		if got["result"] != "You said: hi" || got["sessionId"] != a || jsonNum(got["count"]) != 1 {
			t.Fatalf("first answer: %v", got)
		}
		out, body, err := e.Invoke(context.Background(), arn, a, map[string]any{"prompt": "again"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if ct := aws.ToString(out.ContentType); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("content type %q, want application/json", ct)
		}
		if aws.ToString(out.RuntimeSessionId) != a {
			t.Errorf("runtimeSessionId %q, want %q", aws.ToString(out.RuntimeSessionId), a)
		}
		if err := json.Unmarshal(body, &got); err != nil || jsonNum(got["count"]) != 2 {
			t.Fatalf("second answer (same session): %s", body)
		}
		got = e.InvokeJSON(t, arn, b, map[string]any{"prompt": "other"})
		if got["sessionId"] != b || jsonNum(got["count"]) != 1 {
			t.Fatalf("answer for another session: %v", got)
		}
	})

	t.Run("stream", func(t *testing.T) {
		words := []string{"one", "two", "three", "four", "five", "six"}
		session := testenv.SessionID("goStream")
		out, events := invokeSSE(t, e, arn, session, map[string]any{"prompt": strings.Join(words, " "), "stream": true})
		if aws.ToString(out.RuntimeSessionId) != session {
			t.Errorf("runtimeSessionId %q, want %q", aws.ToString(out.RuntimeSessionId), session)
		}
		if len(events) != len(words)+1 {
			t.Fatalf("%d events, want %d: %v", len(events), len(words)+1, events)
		}
		for i, w := range words {
			if ev := events[i].Data; jsonNum(ev["i"]) != float64(i) || ev["word"] != w {
				t.Fatalf("event %d: %v, want word %q", i, ev, w)
			}
		}
		last := events[len(words)].Data
		if last["done"] != true || jsonNum(last["words"]) != float64(len(words)) {
			t.Fatalf("final event: %v", last)
		}
		// The agent sleeps 50ms per word; events must not all arrive at once.
		if spread := events[len(events)-1].Arrived.Sub(events[0].Arrived); spread < 150*time.Millisecond {
			t.Fatalf("events arrived within %s: the stream was buffered", spread)
		}
	})

	t.Run("agentError", func(t *testing.T) {
		// The agent answers 400 to a payload without "prompt": the caller
		// gets RuntimeClientError (424), as on AWS.
		_, _, err := e.Invoke(context.Background(), arn, testenv.SessionID("goErr"), map[string]any{"nothing": true}, "")
		var rce *types.RuntimeClientError
		if !errors.As(err, &rce) {
			t.Fatalf("want RuntimeClientError, got %T %v", err, err)
		}
		var re interface{ HTTPStatusCode() int }
		if errors.As(err, &re) && re.HTTPStatusCode() != 424 {
			t.Errorf("status %d, want 424", re.HTTPStatusCode())
		}
		var ae smithy.APIError
		if errors.As(err, &ae) && !strings.Contains(ae.ErrorMessage(), "400") {
			t.Errorf("message %q does not name the agent's status 400", ae.ErrorMessage())
		}
	})

	t.Run("stopSession", func(t *testing.T) {
		session := testenv.SessionID("goStop")
		if got := e.InvokeJSON(t, arn, session, map[string]any{"prompt": "x"}); jsonNum(got["count"]) != 1 {
			t.Fatalf("answer: %v", got)
		}
		if _, err := e.Data.StopRuntimeSession(context.Background(), &bedrockagentcore.StopRuntimeSessionInput{
			AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(session),
		}); err != nil {
			t.Fatalf("StopRuntimeSession: %v", err)
		}
		if _, ok := findSession(t, e, session); ok {
			t.Fatal("session still listed after StopRuntimeSession")
		}
		// A stopped Go agent restarts from scratch on the next call.
		if got := e.InvokeJSON(t, arn, session, map[string]any{"prompt": "y"}); jsonNum(got["count"]) != 1 {
			t.Fatalf("answer after stop: %v", got)
		}
	})
}
