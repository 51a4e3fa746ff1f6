package testenv

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestSDKHTTPClientSurvivesInstantAnswers: a server that answers as soon
// as it has read the request, then streams the body, never has the
// response cut with the test client (the SDK's default client loses about
// a third of such event streams on loopback; see NewSDKHTTPClient).
func TestSDKHTTPClientSurvivesInstantAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		time.Sleep(5 * time.Millisecond) // then an empty stream ends
	}))
	defer srv.Close()
	count := func(hc aws.HTTPClient) (fails int) {
		c := bedrockagentcore.New(bedrockagentcore.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: hc,
			Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""), Retryer: aws.NopRetryer{}})
		for range 100 {
			out, err := c.InvokeAgentRuntimeCommand(context.Background(), &bedrockagentcore.InvokeAgentRuntimeCommandInput{
				AgentRuntimeArn: aws.String("arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/a-0123456789"),
				Body:            &types.InvokeAgentRuntimeCommandRequestBody{Command: aws.String("true")},
			})
			if err != nil {
				t.Fatal(err)
			}
			for range out.GetStream().Events() {
			}
			if out.GetStream().Err() != nil {
				fails++
			}
			out.GetStream().Close()
		}
		return fails
	}
	if n := count(NewSDKHTTPClient()); n != 0 {
		t.Fatalf("%d of 100 responses cut with the test client", n)
	}
	t.Logf("the SDK's default client: %d of 100 responses cut", count(nil))
}
