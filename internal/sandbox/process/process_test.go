package process_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/process"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
)

func TestConformance(t *testing.T) {
	sandboxtest.Run(t, process.New())
}

// TestAgentIgnoringPORT: an agent that binds the contract port itself (as
// BedrockAgentCoreApp.run() binds 8080) is still reached.
func TestAgentIgnoringPORT(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	in, err := process.New().Start(context.Background(), sandbox.Spec{
		ID: "fixed", Command: []string{"agent"}, Dir: sandboxtest.AgentDir(t),
		Env: []string{"FIXED_PORT=" + strconv.Itoa(port), "GREETING=fixed"}, Ports: []int{port},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Stop(context.Background())
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return in.Dial(ctx, port) },
	}}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := c.Get("http://agent/env?k=GREETING")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != "fixed" {
				t.Fatalf("got %q", b)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("agent on its own port never reached: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
