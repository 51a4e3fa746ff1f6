package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/coder/websocket"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestReplicas: three `agentcore server` processes on one PostgreSQL
// (issue 16, must show 1), driven through the AWS SDK round-robin. A runtime
// created through A serves sessions invoked through A, B and C in turn, each
// keeping its in-memory state (one environment per session, on its owner);
// SSE and WebSocket streams through a replica that does not host the session
// arrive incrementally; C killed with SIGKILL under load loses no
// acknowledged control-plane write and its sessions start again on A or B at
// their next request (the error window is logged); B drained with SIGTERM
// finishes every in-flight invocation.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the three-replica test")
	}
	pg := testenv.Postgres(t, "e2e_replicas")
	bin := testenv.BuildGo(t, "cmd/agentcore")
	var rs []*replica
	for _, n := range []string{"A", "B", "C"} {
		rs = append(rs, startReplica(t, bin, n, pg.DSN, t.TempDir(), "--node-lease", "3s", "--drain-timeout", "20s"))
	}
	a, b, c := rs[0], rs[1], rs[2]
	ctx := context.Background()
	arn := deployVia(t, a, fmt.Sprintf("replicas_%d", time.Now().UnixNano()%1e6))

	// Sessions created through one replica, invoked through the others.
	sessions := make([]string, 6)
	first := map[string]countAnswer{}
	for round := 0; round < 4; round++ {
		for i := range sessions {
			if round == 0 {
				sessions[i] = testenv.SessionID(fmt.Sprintf("rr-%d", i))
			}
			via := rs[(round+i)%3]
			got, err := via.invokeCount(ctx, arn, sessions[i])
			if err != nil {
				t.Fatalf("round %d session %d via %s: %v", round, i, via.name, err)
			}
			if round == 0 {
				first[sessions[i]] = got
			}
			if got.Count != round+1 || got.Instance != first[sessions[i]].Instance {
				t.Fatalf("round %d session %d via %s: count %d instance %s, want %d on %s (state lost: not routed to its owner)",
					round, i, via.name, got.Count, got.Instance, round+1, first[sessions[i]].Instance)
			}
		}
	}
	// Session i was created through replica i%3: A, B and C each own two.
	owned := func(r *replica) []string {
		var out []string
		for i, s := range sessions {
			if rs[i%3] == r {
				out = append(out, s)
			}
		}
		return out
	}

	t.Run("SSEThroughNonOwner", func(t *testing.T) {
		s := owned(a)[0]
		out, err := b.env.Data.InvokeAgentRuntime(ctx, &dp.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(arn),
			RuntimeSessionId: aws.String(s), Payload: []byte(`{"action":"stream","n":5,"delayMs":150}`), ContentType: aws.String("application/json")})
		if err != nil {
			t.Fatal(err)
		}
		defer out.Response.Close()
		var at []time.Time
		sc := bufio.NewScanner(out.Response)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data:") {
				at = append(at, time.Now())
			}
		}
		if len(at) != 5 {
			t.Fatalf("got %d SSE events through B, want 5", len(at))
		}
		if spread := at[4].Sub(at[0]); spread < 450*time.Millisecond {
			t.Fatalf("SSE events through B arrived within %s: buffered, not streamed (want ≥ 450ms for 4×150ms)", spread)
		}
	})

	t.Run("WebSocketThroughNonOwner", func(t *testing.T) {
		s := owned(a)[1]
		u := "ws" + strings.TrimPrefix(c.url, "http") + "/runtimes/" + url.PathEscape(arn) + "/ws"
		req, _ := http.NewRequest(http.MethodGet, strings.Replace(u, "ws", "http", 1), nil)
		testenv.Sign(req, nil)
		hdr := req.Header
		hdr.Set("X-Amzn-Bedrock-Agentcore-Runtime-Session-Id", s)
		conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: hdr})
		if err != nil {
			t.Fatalf("dial through C: %v", err)
		}
		defer conn.Close(websocket.StatusNormalClosure, "")
		if err := conn.Write(ctx, websocket.MessageText, []byte("stream 10")); err != nil {
			t.Fatal(err)
		}
		var at []time.Time
		for {
			_, msg, err := conn.Read(ctx)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if string(msg) == "stream done" {
				break
			}
			if strings.HasPrefix(string(msg), "tick ") {
				at = append(at, time.Now())
			}
		}
		if len(at) != 10 || at[9].Sub(at[0]) < 120*time.Millisecond {
			t.Fatalf("WebSocket through C: %d ticks over %s, want 10 over ≥ 120ms (20ms apart)", len(at), at[len(at)-1].Sub(at[0]))
		}
		if got, _ := a.invokeCount(ctx, arn, s); got.Instance != first[s].Instance {
			t.Fatalf("the WebSocket session ran elsewhere than its owner A")
		}
	})

	t.Run("CommandAndStopThroughNonOwners", func(t *testing.T) { replicasCommandStop(t, arn, a, b, c, owned(a)[0], first) })
	t.Run("Kill9UnderLoad", func(t *testing.T) { replicasKill9(t, arn, a, b, c, owned(c), first) })
	t.Run("DrainLosesNothing", func(t *testing.T) { replicasDrain(t, arn, a, b, owned(b)) })
}

// replicasKill9: writers create memories round-robin through the three
// replicas and invokers use C's sessions through A and B while C is killed
// with SIGKILL; every acknowledged write reads back, C's sessions answer
// again from a new environment, and the error window is logged.
func replicasKill9(t *testing.T, arn string, a, b, c *replica, cSessions []string, first map[string]countAnswer) {
	ctx := context.Background()
	var mu sync.Mutex
	var acked []string
	var firstErr, lastErr time.Time
	errCount := 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	all := []*replica{a, b, c}
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				out, err := all[(w+i)%3].env.Control.CreateMemory(ctx, &ctl.CreateMemoryInput{
					Name: aws.String(fmt.Sprintf("kill9_%d_%d_%d", w, i, time.Now().UnixNano()%1e9)), EventExpiryDuration: aws.Int32(30)})
				if err == nil {
					mu.Lock()
					acked = append(acked, *out.Memory.Id)
					mu.Unlock()
				}
			}
		}()
	}
	for i, s := range cSessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			via := []*replica{a, b}[i%2]
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, err := via.invokeCount(ctx, arn, s)
				mu.Lock()
				if err != nil {
					if firstErr.IsZero() {
						firstErr = time.Now()
					}
					lastErr = time.Now()
					errCount++
				}
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	time.Sleep(time.Second)
	killed := time.Now()
	c.signal(syscall.SIGKILL)
	c.waitExit(t, 10*time.Second)
	time.Sleep(8 * time.Second) // past the 3 s lease
	close(stop)
	wg.Wait()
	t.Logf("kill -9 of C: %d invocation errors on its sessions, error window %s (first error %s after the kill); %d memories acknowledged",
		errCount, lastErr.Sub(firstErr).Round(time.Millisecond), firstErr.Sub(killed).Round(time.Millisecond), len(acked))
	if !firstErr.IsZero() && lastErr.Sub(killed) > 7*time.Second {
		t.Fatalf("C's sessions still failed %s after the kill (lease 3 s)", lastErr.Sub(killed))
	}
	for _, id := range acked {
		if _, err := a.env.Control.GetMemory(ctx, &ctl.GetMemoryInput{MemoryId: aws.String(id)}); err != nil {
			t.Fatalf("acknowledged memory %s lost after the kill: %v", id, err)
		}
	}
	for _, s := range cSessions {
		got, err := b.invokeCount(ctx, arn, s)
		if err != nil {
			t.Fatalf("C's session after the kill: %v", err)
		}
		if got.Instance == first[s].Instance {
			t.Fatalf("C's session still answered by C's environment after SIGKILL")
		}
	}
}

// replicasDrain: invocations in flight on B's sessions (through A and B)
// all complete while B drains on SIGTERM; B exits cleanly and its sessions
// start again on A.
func replicasDrain(t *testing.T, arn string, a, b *replica, bSessions []string) {
	ctx := context.Background()
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for i, s := range bSessions {
		for _, via := range []*replica{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := via.env.Data.InvokeAgentRuntime(ctx, &dp.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(arn),
					RuntimeSessionId: aws.String(s), Payload: []byte(`{"action":"sleep","ms":2500}`), ContentType: aws.String("application/json")})
				if err == nil {
					var sb strings.Builder
					_, err = bufio.NewReader(out.Response).WriteTo(&sb)
					out.Response.Close()
					if err == nil && !strings.Contains(sb.String(), "slept") {
						err = fmt.Errorf("answer %q", sb.String())
					}
				}
				if err != nil {
					errs <- fmt.Errorf("in-flight invocation %d via %s: %w", i, via.name, err)
				}
			}()
		}
	}
	time.Sleep(500 * time.Millisecond)
	t0 := time.Now()
	b.signal(syscall.SIGTERM)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	b.waitExit(t, 40*time.Second)
	t.Logf("B drained and exited %s after SIGTERM", time.Since(t0).Round(time.Millisecond))
	if !strings.Contains(b.log(), "drained") {
		t.Errorf("B's log does not record the drain")
	}
	for _, s := range bSessions {
		got, err := a.invokeCount(ctx, arn, s)
		if err != nil || got.Count != 1 {
			t.Fatalf("B's session after the drain: %+v %v (want a new environment, count 1)", got, err)
		}
	}
}
