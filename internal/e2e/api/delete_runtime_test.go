package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// stubbornAgent answers /ping and /invocations and ignores SIGTERM, so each
// of its sessions takes the driver's whole grace period to stop.
const stubbornAgent = `import json, os, signal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
signal.signal(signal.SIGTERM, signal.SIG_IGN)
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self, obj):
        b = json.dumps(obj).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
    def do_GET(self): self.reply({"status": "Healthy"})
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0)); self.reply({"pid": os.getpid()})
ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), H).serve_forever()
`

// TestDeleteRuntimeDoesNotWaitForSessions: DeleteAgentRuntime answers at
// once although the runtime has many sessions whose agents ignore SIGTERM
// (issue 20 point 3: 20 sessions used to take ~2 s each inside the
// request, past an SDK's read timeout); the sessions still end.
func TestDeleteRuntimeDoesNotWaitForSessions(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	key := fmt.Sprintf("stubborn-%d.zip", time.Now().UnixNano())
	e.Upload(t, "agents", key, testenv.Zip(t, map[string][]byte{"agent.py": []byte(stubbornAgent)}))
	out, err := e.Control.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String("stubborn"), RoleArn: aws.String(testenv.RoleArn),
		AgentRuntimeArtifact: testenv.CodeArtifact(&ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}, ctltypes.AgentManagedRuntimeTypePython311, "agent.py"),
		NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitReady(t, *out.AgentRuntimeId, time.Minute)
	const n = 8
	for i := 0; i < n; i++ {
		e.InvokeJSON(t, *out.AgentRuntimeArn, fmt.Sprintf("stubborn-session-%02d-%s", i, "0123456789abcdefghij"), map[string]any{"i": i})
	}
	start := time.Now()
	if _, err := e.Control.DeleteAgentRuntime(bg, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: out.AgentRuntimeId}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("DeleteAgentRuntime with %d stubborn sessions took %v", n, d)
	}
	// The sessions end in the background, side by side: well before n
	// grace periods one after the other.
	deadline := time.Now().Add(6 * time.Second)
	for e.Server.Sessions().Count() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still running %v after the delete", e.Server.Sessions().Count(), time.Since(start))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
