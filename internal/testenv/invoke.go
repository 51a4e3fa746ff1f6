package testenv

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
)

// SessionID makes a valid runtimeSessionId (33+ chars) from a short tag.
func SessionID(tag string) string {
	s := "session-" + tag + "-00000000000000000000000000000000"
	return s[:40]
}

// Invoke calls InvokeAgentRuntime with a JSON payload and reads the whole
// answer.
func (e *Env) Invoke(ctx context.Context, arn, session string, payload any, qualifier string) (*bedrockagentcore.InvokeAgentRuntimeOutput, []byte, error) {
	b, _ := json.Marshal(payload)
	in := &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(arn), Payload: b, ContentType: aws.String("application/json")}
	if session != "" {
		in.RuntimeSessionId = aws.String(session)
	}
	if qualifier != "" {
		in.Qualifier = aws.String(qualifier)
	}
	out, err := e.Data.InvokeAgentRuntime(ctx, in)
	if err != nil {
		return nil, nil, err
	}
	defer out.Response.Close()
	body, err := io.ReadAll(out.Response)
	return out, body, err
}

// InvokeJSON invokes and decodes a JSON answer, failing the test on error.
func (e *Env) InvokeJSON(t testing.TB, arn, session string, payload any) map[string]any {
	t.Helper()
	_, body, err := e.Invoke(context.Background(), arn, session, payload, "")
	if err != nil {
		t.Fatalf("InvokeAgentRuntime: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("answer is not JSON: %q", body)
	}
	return m
}
