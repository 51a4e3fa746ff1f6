package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestCommandStreamDecodesInSDK: what eventWriter and deltaWriter write is
// read by the AWS SDK for Go v2 as InvokeAgentRuntimeCommand events, and an
// exception event as the typed error; UTF-8 split across writes survives.
func TestCommandStreamDecodesInSDK(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
		w.WriteHeader(http.StatusOK)
		es := newEventWriter(w, commandExceptions)
		defer es.close()
		es.begin("chunk", commandChunk{ContentStart: &struct{}{}})
		out := &deltaWriter{es: es, field: "stdout"}
		b := []byte("héllo wörld €")
		for i := range b { // one byte per write: every multi-byte rune is split
			out.Write(b[i : i+1])
		}
		out.flush()
		(&deltaWriter{es: es, field: "stderr"}).Write([]byte("oops\n"))
		es.exception(errs.E(errs.RuntimeClient, "the sandbox went away"))
		es.event("chunk", map[string]any{"contentStop": map[string]any{"exitCode": 0, "status": "COMPLETED"}}) // after the exception: not read
	}))
	defer srv.Close()
	c := bedrockagentcore.New(bedrockagentcore.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""), Retryer: aws.NopRetryer{}})
	o, err := c.InvokeAgentRuntimeCommand(context.Background(), &bedrockagentcore.InvokeAgentRuntimeCommandInput{
		AgentRuntimeArn: aws.String("arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/a-0123456789"),
		Body:            &types.InvokeAgentRuntimeCommandRequestBody{Command: aws.String("true")},
	})
	if err != nil {
		t.Fatal(err)
	}
	es := o.GetStream()
	defer es.Close()
	var stdout, stderr strings.Builder
	started := false
	for ev := range es.Events() {
		ch := ev.(*types.InvokeAgentRuntimeCommandStreamOutputMemberChunk).Value
		switch {
		case ch.ContentStart != nil:
			started = true
		case ch.ContentDelta != nil:
			stdout.WriteString(aws.ToString(ch.ContentDelta.Stdout))
			stderr.WriteString(aws.ToString(ch.ContentDelta.Stderr))
		case ch.ContentStop != nil:
			t.Fatal("contentStop read after the exception")
		}
	}
	if !started || stdout.String() != "héllo wörld €" || stderr.String() != "oops\n" {
		t.Fatalf("started %v stdout %q stderr %q", started, stdout.String(), stderr.String())
	}
	var rce *types.RuntimeClientError
	if !errors.As(es.Err(), &rce) || !strings.Contains(aws.ToString(rce.Message), "sandbox went away") {
		t.Fatalf("stream error %T %v", es.Err(), es.Err())
	}
}
