package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// Replicas of `agentcore server` as their own processes on one database
// (issue 16): what the scale-out test and benchmark start.

// replicaSecret is the cluster secret of the test's replicas.
const replicaSecret = "e2e-replica-cluster-secret"

// replica is one server process.
type replica struct {
	name string
	url  string
	cmd  *exec.Cmd
	env  *testenv.Env // SDK clients (SigV4, the suite's key)
	mu   sync.Mutex
	logs bytes.Buffer
	done chan struct{}
}

func (r *replica) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.logs.Write(p)
}

func (r *replica) log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.logs.String()
}

// startReplica runs `agentcore server` on dsn with the suite's credentials,
// the process driver and the cluster secret, and waits until it is healthy.
func startReplica(t testing.TB, bin, name, dsn, dataDir string, flags ...string) *replica {
	t.Helper()
	return startServer(t, bin, name, dsn, dataDir, replicaSecret, flags...)
}

// startServer is startReplica with another cluster secret ("": not a replica).
func startServer(t testing.TB, bin, name, dsn, dataDir, secret string, flags ...string) *replica {
	t.Helper()
	r := &replica{name: name, url: fmt.Sprintf("http://127.0.0.1:%d", freePort(t)), done: make(chan struct{})}
	args := append([]string{"server", "--listen", strings.TrimPrefix(r.url, "http://"), "--data-dir", dataDir,
		"--database", dsn, "--sandbox", "process", "--allow-unisolated", "--log-level", "info",
		"--ping-interval", "500ms", "--browser=false", "--code-interpreter=false"}, flags...)
	r.cmd = exec.Command(bin, args...)
	r.cmd.Env = append(os.Environ(), "AGENTCORE_CLUSTER_SECRET="+secret,
		"AGENTCORE_ACCESS_KEY_ID="+testenv.AccessKeyID, "AGENTCORE_SECRET_ACCESS_KEY="+testenv.SecretAccessKey,
		"AGENTCORE_MEMORY_MASTER_KEY="+testenv.MemoryMasterKey, "AGENTCORE_VAULT_KEY="+testenv.VaultKey)
	r.cmd.Stdout, r.cmd.Stderr = r, r
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { r.cmd.Wait(); close(r.done) }() //nolint:errcheck // the exit status is read by waitExit
	t.Cleanup(func() {
		syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck // may be gone
		<-r.done
		if t.Failed() || os.Getenv("AGENTCORE_TEST_LOG") != "" {
			t.Logf("--- %s log (tail) ---\n%s", name, tail(r.log(), 4000))
		}
	})
	deadline := time.Now().Add(time.Minute)
	for {
		if resp, err := http.Get(r.url + "/_agentcore/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not healthy after a minute:\n%s", name, r.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.env = &testenv.Env{T: t, URL: r.url, DataDir: dataDir}
	r.env.Control, r.env.Data = testenv.Clients(r.url)
	return r
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// kill sends sig to the replica's process group (SIGKILL) or process (SIGTERM).
func (r *replica) signal(sig syscall.Signal) {
	if sig == syscall.SIGKILL {
		syscall.Kill(-r.cmd.Process.Pid, sig) //nolint:errcheck
		return
	}
	r.cmd.Process.Signal(sig) //nolint:errcheck
}

// waitExit waits for the process to end.
func (r *replica) waitExit(t testing.TB, limit time.Duration) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(limit):
		t.Fatalf("%s did not exit within %s", r.name, limit)
	}
}

// countAnswer is the test agent's "count" answer.
type countAnswer struct {
	Count    int    `json:"count"`
	Instance string `json:"instance"`
}

// invokeCount invokes {"action":"count"} on session through r.
func (r *replica) invokeCount(ctx context.Context, arn, session string) (countAnswer, error) {
	out, err := r.env.Data.InvokeAgentRuntime(ctx, &dp.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(arn),
		RuntimeSessionId: aws.String(session), Payload: []byte(`{"action":"count"}`), ContentType: aws.String("application/json")})
	if err != nil {
		return countAnswer{}, err
	}
	defer out.Response.Close()
	var a countAnswer
	err = json.NewDecoder(out.Response).Decode(&a)
	return a, err
}

// deployVia uploads the test agent and creates a runtime through r.
func deployVia(t testing.TB, r *replica, name string) string {
	t.Helper()
	out := r.env.Deploy(t, name, nil)
	return *out.AgentRuntimeArn
}
