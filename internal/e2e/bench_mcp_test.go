package e2e

// Benchmark of the MCP relay: tools/call latency through InvokeAgentRuntime's
// URL vs straight to the same MCP server (examples/mcp-go-agent, stateless
// streamable HTTP) on its port, same run, requests interleaved. Only runs
// with -bench; see docs/benchmarks.md:
//
//	go test -run '^$' -bench 'MCPRelay' -benchtime 5000x ./internal/e2e/

import (
	"context"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func BenchmarkMCPRelay(b *testing.B) {
	e := testenv.Start(b, benchServerConfig())
	arn := deployProtocol(b, e, "mcpbench", goBinaryZip(b, "examples/mcp-go-agent"), "bootstrap", ctltypes.ServerProtocolMcp, nil)

	// The same binary, started directly on a free port.
	port := freePort(b)
	cmd := exec.Command(testenv.BuildGo(b, "examples/mcp-go-agent"))
	cmd.Env = []string{"PORT=" + strconv.Itoa(port)}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() }) //nolint:errcheck // best effort
	addr := "127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("direct MCP server did not listen")
		}
	}

	for _, version := range []string{"2025-06-18", "2026-07-28"} {
		b.Run(version, func(b *testing.B) {
			ctx := context.Background()
			connect := func(endpoint string, hdr http.Header) *mcp.ClientSession {
				tr := &mcp.StreamableClientTransport{Endpoint: endpoint, MaxRetries: -1, DisableStandaloneSSE: true,
					HTTPClient: &http.Client{Transport: headerTransportOn{keepAliveClient().Transport, hdr}}}
				cs, err := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil).Connect(ctx, tr, &mcp.ClientSessionOptions{ProtocolVersion: version})
				if err != nil {
					b.Fatalf("connect %s: %v", endpoint, err)
				}
				b.Cleanup(func() { cs.Close() })
				return cs
			}
			direct := connect("http://"+addr+"/mcp", nil)
			platform := connect(invocationURL(e.URL, arn), http.Header{benchSessionHeader: {testenv.SessionID("mcpbench")}})
			params := &mcp.CallToolParams{Name: "add", Arguments: map[string]any{"a": 1, "b": 2}}
			call := func(cs *mcp.ClientSession) time.Duration {
				t0 := time.Now()
				res, err := cs.CallTool(ctx, params)
				d := time.Since(t0)
				if err != nil || res.IsError {
					b.Fatalf("tools/call: %v %+v", err, res)
				}
				return d
			}
			for range 200 { // warm-up
				call(direct)
				call(platform)
			}
			var dl, pl latencies
			b.ResetTimer()
			for range b.N {
				dl = append(dl, call(direct))
				pl = append(pl, call(platform))
			}
			b.StopTimer()
			b.ReportMetric(us(dl.pct(50)), "direct-p50-µs")
			b.ReportMetric(us(dl.pct(99)), "direct-p99-µs")
			b.ReportMetric(us(pl.pct(50)), "platform-p50-µs")
			b.ReportMetric(us(pl.pct(99)), "platform-p99-µs")
			b.ReportMetric(us(pl.pct(50)-dl.pct(50)), "added-p50-µs")
			b.ReportMetric(us(pl.pct(99)-dl.pct(99)), "added-p99-µs")
			b.Logf("MCP %s tools/call, %d calls each: direct p50 %.0f µs p99 %.0f µs; platform p50 %.0f µs p99 %.0f µs; added p50 %.0f µs p99 %.0f µs",
				version, len(dl), us(dl.pct(50)), us(dl.pct(99)), us(pl.pct(50)), us(pl.pct(99)), us(pl.pct(50)-dl.pct(50)), us(pl.pct(99)-dl.pct(99)))
		})
	}
}

// headerTransportOn adds fixed headers (and a SigV4 signature) on a given transport.
type headerTransportOn struct {
	rt http.RoundTripper
	h  http.Header
}

func (t headerTransportOn) RoundTrip(r *http.Request) (*http.Response, error) {
	if len(t.h) > 0 { // the platform path: session header, signed
		r = r.Clone(r.Context())
		for k, v := range t.h {
			r.Header[k] = v
		}
		if err := signRequest(r); err != nil {
			return nil, err
		}
	}
	return t.rt.RoundTrip(r)
}
