package e2e

// The gateway and cold-start parts of BenchmarkHotpath
// (bench_hotpath_test.go); its idle-memory part is in bench_hotpath_idle_test.go.

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// hpGateway is a gateway with one OpenAPI target on a server process; the
// backend runs in this (client) process.
type hpGateway struct{ direct, url string }

func hpGatewaySetup(b *testing.B, p *serverProc) hpGateway {
	backend := gatewayBackend()
	b.Cleanup(backend.Close)
	gw, err := p.env.Control.CreateGateway(bg(), &ctl.CreateGatewayInput{Name: aws.String("hp"),
		RoleArn: aws.String(testenv.RoleArn), AuthorizerType: ctltypes.AuthorizerTypeNone})
	if err != nil {
		b.Fatal(err)
	}
	mkTarget(b, p.env, *gw.GatewayId, backend.URL)
	g := hpGateway{direct: backend.URL + "/pets/1", url: *gw.GatewayUrl}
	c := keepAliveClient()
	for range 200 {
		getOK(b, c, g.direct)
		mcpCall(b, c, g.url)
	}
	return g
}

// hpGatewayRun measures one tools/call's added latency (1000 interleaved
// calls) and calls/s at concurrency 16: backend direct, gateway on the
// tracing server, gateway on the server without tracing.
func hpGatewayRun(b *testing.B, run int, secs time.Duration, on, off hpGateway) string {
	c := keepAliveClient()
	var d, g latencies
	la := loadAvg()
	for range 1000 {
		t0 := time.Now()
		getOK(b, c, on.direct)
		t1 := time.Now()
		mcpCall(b, c, on.url)
		d, g = append(d, t1.Sub(t0)), append(g, time.Since(t1))
	}
	line := fmt.Sprintf("run %d gateway (load %s): direct p50 %.0f µs, gateway added p50 %.0f p99 %.0f µs; calls/s c=16:",
		run, la, us(d.pct(50)), us(g.pct(50)-d.pct(50)), us(g.pct(99)-d.pct(99)))
	for _, x := range []struct {
		name string
		call func(*http.Client)
	}{
		{"direct", func(c *http.Client) { getOK(b, c, on.direct) }},
		{"gateway", func(c *http.Client) { mcpCall(b, c, on.url) }},
		{"gateway-notrace", func(c *http.Client) { mcpCall(b, c, off.url) }},
	} {
		la := loadAvg()
		rate, _ := throughput(b, 16, secs, x.call)
		line += fmt.Sprintf(" %s %.0f (load %s);", x.name, rate, la)
	}
	return line
}

// hpCold compares, per driver, a new session's first byte through the
// platform with a direct spawn of the same agent binary (spawn → /ping →
// first answer), alternating; under linuxns also 20 new sessions at once.
func hpCold(b *testing.B, runs int, bin, agentBin string, agentEnv []string) {
	n := hpInt("AGENTCORE_BENCH_COLD", 20)
	for _, driver := range hpDrivers() {
		b.Run("cold-"+driver, func(b *testing.B) {
			if driver != "process" {
				testenv.RequireImageDriver(b, driver)
			}
			flags := []string{"--sandbox", driver}
			if v := os.Getenv("AGENTCORE_BENCH_PREPARED"); v != "" && driver == "linuxns" {
				flags = append(flags, "--linuxns-prepared", v) // 0: no prepared sandboxes
			}
			p := startServerProc(b, driver, bin, flags...)
			rt := p.env.Deploy(b, "hp_cold_"+driver, nil)
			u := invokeURL(p.env, *rt.AgentRuntimeArn)
			c := keepAliveClient()
			firstByte(b, c, u, isoSession("hp-first", 0), warmPayload) // first session of the version
			for run := 1; run <= runs; run++ {
				var plat, spawn latencies
				la := loadAvg()
				for i := range n {
					s := isoSession("hp-cold", i)
					// The direct spawn first, then the platform, then a
					// pause: linuxns refills its prepared sandboxes after a
					// start, which must not run during either measurement.
					t0 := time.Now()
					a := startDirect(b, filepath.Dir(agentBin), agentEnv, agentBin)
					firstByte(b, c, a.URL+"/invocations", s, warmPayload)
					spawn = append(spawn, time.Since(t0))
					a.Stop()
					t0 = time.Now()
					firstByte(b, c, u, s, warmPayload)
					plat = append(plat, time.Since(t0))
					isoStop(b, p.env, *rt.AgentRuntimeArn, s)
					time.Sleep(time.Second)
				}
				b.Logf("run %d cold %s%s (load %s, n=%d): platform p50 %.1f p99 %.1f ms, direct spawn p50 %.1f ms, added p50 %.1f ms",
					run, driver, prepared(driver), la, n, ms(plat.pct(50)), ms(plat.pct(99)), ms(spawn.pct(50)), ms(plat.pct(50)-spawn.pct(50)))
				if driver == "process" {
					continue
				}
				pc := &http.Client{Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, DisableCompression: true}}
				base := isoHealth(b, p.env).Sessions
				la = loadAvg()
				total, slow := isoParallelRound(b, p.env, pc, isoRuntime{arn: *rt.AgentRuntimeArn}, isoAgent{name: "hp", payload: warmPayload}, run)
				isoWait(b, p.env, "sessions stopped", func(h isoHealthz) bool { return h.Sessions <= base })
				b.Logf("run %d parallel20 %s%s (load %s): all first bytes %.0f ms, slowest %.0f ms", run, driver, prepared(driver), la, ms(total), ms(slow))
			}
		})
	}
}

// prepared names the linuxns prepared-sandbox setting in the log lines.
func prepared(driver string) string {
	if v := os.Getenv("AGENTCORE_BENCH_PREPARED"); v != "" && driver == "linuxns" {
		return " prepared=" + v
	}
	return ""
}
