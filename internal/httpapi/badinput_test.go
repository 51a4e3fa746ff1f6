package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/httpapi"
	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// protocolOps are served by the runtime, gateway and identity protocol
// code, not by the typed adapter; their bad input is tested with them.
var protocolOps = map[string]bool{
	"InvokeAgentRuntime": true, "InvokeAgentRuntimeCommand": true, "InvokeAgentRuntimeWithWebSocketStream": true,
	"StopRuntimeSession": true, "GatewayMCP": true, "GatewayProtectedResource": true, "GetAgentCard": true,
	"GetRuntimeProtectedResourceMetadata": true, "OAuth2Callback": true,
	"BrowserAutomationStream": true, "BrowserLiveViewStream": true,
}

// awsPath reports the paths of AWS operations (not agentcore's own
// /_agentcore/ extensions, OTLP, /metrics, the OpenAI front door or the
// web console).
func awsPath(p string) bool {
	return !strings.HasPrefix(p, "/_agentcore/") && !strings.HasPrefix(p, "/v1/") && p != "/metrics" &&
		p != "/console" && !strings.HasPrefix(p, "/console/")
}

// TestEveryOperationAnswersBadInputTyped sends empty, null, wrong-shaped and
// malformed bodies to every AWS operation of the route table on a real
// server: each answer is an AWS error or success, never a 5xx (a panic or
// a binding mistake in a wire struct would be one).
func TestEveryOperationAnswersBadInputTyped(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	bodies := []string{``, `{}`, `null`, `[]`, `{"name":5,"maxResults":"x","tags":[1]}`, `{"name":`}
	n := 0
	for _, line := range httpapi.AllOps() {
		f := strings.Fields(line) // METHOD PATH OP
		method, path, op := f[0], f[1], f[2]
		if protocolOps[op] || !awsPath(path) {
			continue
		}
		n++
		for _, label := range []string{"{agentRuntimeId}", "{endpointName}", "{resourceArn}", "{gatewayIdentifier}", "{targetId}",
			"{policyEngineId}", "{policyId}", "{policyGenerationId}", "{memoryId}", "{actorId}", "{sessionId}", "{eventId}",
			"{memoryRecordId}", "{agentRuntimeArn}", "{codeInterpreterId}", "{codeInterpreterIdentifier}",
			"{browserId}", "{browserIdentifier}", "{profileId}", "{profileIdentifier}", "{evaluatorId}", "{onlineEvaluationConfigId}",
			"{datasetId}", "{batchEvaluationId}"} {
			path = strings.ReplaceAll(path, label, "nope-0123456789")
		}
		if strings.Contains(path, "{") {
			t.Fatalf("%s: label left in %s", op, path)
		}
		for _, body := range bodies {
			req, _ := http.NewRequest(method, e.URL+path+"?maxResults=0", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			testenv.Sign(req, []byte(body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var doc map[string]any
			_ = json.Unmarshal(raw, &doc)
			switch {
			case resp.StatusCode >= 500:
				t.Errorf("%s %q: %d %s", op, body, resp.StatusCode, raw)
			case resp.StatusCode >= 400 && (doc["__type"] == nil || resp.Header.Get("X-Amzn-Errortype") == ""):
				t.Errorf("%s %q: %d without an AWS error type: %s", op, body, resp.StatusCode, raw)
			}
		}
	}
	if n < 80 {
		t.Fatalf("only %d typed operations in the route table", n)
	}
}
