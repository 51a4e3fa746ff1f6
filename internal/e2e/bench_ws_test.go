package e2e

// Benchmark of the WebSocket proxy (issue: runtime protocols): round-trip
// echo latency through GET /runtimes/{arn}/ws versus the same agent's /ws
// dialed directly, warm session, p50/p99, measured in the same run.
//
//	go test -run '^$' -bench 'WebSocketEcho' -benchtime 20000x ./internal/e2e/

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/coder/websocket"
)

var wsDirect struct{ p50, p99 atomic.Int64 }

// BenchmarkWebSocketEcho sends a 64-byte text message and waits for its
// echo, one at a time on one connection: directly on the agent's /ws, then
// through the platform's proxy (session id header, as SigV4 clients send).
func BenchmarkWebSocketEcho(b *testing.B) {
	e := testenv.Start(b, benchServerConfig())
	arn := *e.Deploy(b, "bench_ws", nil).AgentRuntimeArn
	session := testenv.SessionID("bench-ws")
	bin := testenv.BuildGo(b, "internal/testagent")
	direct := startDirect(b, filepath.Dir(bin), []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir()}, bin)
	b.Cleanup(direct.Stop)
	ctx := context.Background()
	msg := bytes.Repeat([]byte("m"), 64)

	run := func(name, u string) {
		b.Run(name, func(b *testing.B) {
			hdr := http.Header{}
			if name == "platform" { // SigV4 headers on the handshake, as the Python SDK sends them
				req, _ := http.NewRequest(http.MethodGet, "http"+strings.TrimPrefix(u, "ws"), nil)
				testenv.Sign(req, nil)
				hdr = req.Header
			}
			hdr.Set(benchSessionHeader, session)
			c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: hdr})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close(websocket.StatusNormalClosure, "")
			if _, _, err := c.Read(ctx); err != nil { // hello
				b.Fatal(err)
			}
			echo := func() {
				if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
					b.Fatal(err)
				}
				if _, got, err := c.Read(ctx); err != nil || len(got) != len(msg) {
					b.Fatalf("echo: %v", err)
				}
			}
			for range 200 {
				echo()
			}
			lat := make(latencies, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				t0 := time.Now()
				echo()
				lat[i] = time.Since(t0)
			}
			b.StopTimer()
			p50, p99 := lat.pct(50), lat.pct(99)
			b.ReportMetric(us(p50), "p50-us")
			b.ReportMetric(us(p99), "p99-us")
			if name == "direct" {
				wsDirect.p50.Store(int64(p50))
				wsDirect.p99.Store(int64(p99))
			} else if d50 := time.Duration(wsDirect.p50.Load()); d50 > 0 {
				b.ReportMetric(us(p50-d50), "added-p50-us")
				b.ReportMetric(us(p99-time.Duration(wsDirect.p99.Load())), "added-p99-us")
			}
		})
	}
	run("direct", "ws"+strings.TrimPrefix(direct.URL, "http")+"/ws")
	run("platform", "ws"+strings.TrimPrefix(e.URL, "http")+"/runtimes/"+url.PathEscape(arn)+"/ws")
}
