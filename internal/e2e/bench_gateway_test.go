package e2e

// Gateway benchmarks (issue 8): a tool call through the gateway (MCP
// tools/call → OpenAPI target → HTTP backend) against calling the backend
// directly, in the same run; p50/p99 added and calls/s with concurrent
// clients. See docs/benchmarks.md.
//
//	go test -run '^$' -bench 'GatewayCall' -benchtime 5000x ./internal/e2e/

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

const gatewayBenchSpec = `{"openapi":"3.0.3","info":{"title":"pets","version":"1"},"servers":[{"url":"%s"}],
"paths":{"/pets/{id}":{"get":{"operationId":"getPet","summary":"Get a pet",
"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"ok"}}}}}}`

var gatewayCallBody = []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"pets___getPet","arguments":{"id":"1"}}}`)

func gatewayBackend() *httptest.Server {
	answer := []byte(`{"id":"1","name":"Rex","species":"dog"}`)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	}))
}

func getOK(b testing.TB, c *http.Client, u string) {
	resp, err := c.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
}

func mcpCall(b testing.TB, c *http.Client, u string) {
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(gatewayCallBody))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"Rex`)) || bytes.Contains(body, []byte(`"isError":true`)) {
		b.Fatalf("tools/call: %d %s", resp.StatusCode, body)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru) //nolint:errcheck // always works on Linux
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// throughput runs workers for d and returns completed calls per second of
// wall time and per second of this process's CPU time (client, server and
// backend all run in this process, so the latter is what 1 core does when
// the machine is shared).
func throughput(b testing.TB, workers int, d time.Duration, call func(*http.Client)) (float64, float64) {
	var n atomic.Int64
	cpu0 := cpuTime()
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := keepAliveClient()
			for time.Now().Before(stop) {
				call(c)
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	cpu := cpuTime() - cpu0
	return float64(n.Load()) / d.Seconds(), float64(n.Load()) / cpu.Seconds()
}

func benchGateway(b *testing.B, cfg server.Config, policy bool) {
	backend := gatewayBackend()
	defer backend.Close()
	e := testenv.Start(b, cfg)
	in := &ctl.CreateGatewayInput{Name: aws.String("bench"), RoleArn: aws.String(testenv.RoleArn), AuthorizerType: ctltypes.AuthorizerTypeNone}
	if policy {
		eng, err := e.Control.CreatePolicyEngine(bg(), &ctl.CreatePolicyEngineInput{Name: aws.String("bench")})
		if err != nil {
			b.Fatal(err)
		}
		in.PolicyEngineConfiguration = &ctltypes.GatewayPolicyEngineConfiguration{Arn: eng.PolicyEngineArn, Mode: ctltypes.GatewayPolicyEngineModeEnforce}
		gw, err := e.Control.CreateGateway(bg(), in)
		if err != nil {
			b.Fatal(err)
		}
		mkTarget(b, e, *gw.GatewayId, backend.URL)
		if _, err := e.Control.CreatePolicy(bg(), &ctl.CreatePolicyInput{PolicyEngineId: eng.PolicyEngineId, Name: aws.String("getpet"),
			Definition: &ctltypes.PolicyDefinitionMemberCedar{Value: ctltypes.CedarPolicy{Statement: aws.String(`permit(principal, action == AgentCore::Action::"pets___getPet", resource) when { context.input.id != "0" };`)}}}); err != nil {
			b.Fatal(err)
		}
		for i := range 9 {
			e.Control.CreatePolicy(bg(), &ctl.CreatePolicyInput{PolicyEngineId: eng.PolicyEngineId, Name: aws.String(fmt.Sprintf("other%d", i)),
				ValidationMode: ctltypes.PolicyValidationModeIgnoreAllFindings,
				Definition:     &ctltypes.PolicyDefinitionMemberCedar{Value: ctltypes.CedarPolicy{Statement: aws.String(fmt.Sprintf(`permit(principal, action == AgentCore::Action::"t%d___x", resource);`, i))}}})
		}
		runGatewayBench(b, backend.URL, *gw.GatewayUrl)
		return
	}
	gw, err := e.Control.CreateGateway(bg(), in)
	if err != nil {
		b.Fatal(err)
	}
	mkTarget(b, e, *gw.GatewayId, backend.URL)
	runGatewayBench(b, backend.URL, *gw.GatewayUrl)
}

func mkTarget(b testing.TB, e *testenv.Env, gw, url string) {
	_, err := e.Control.CreateGatewayTarget(bg(), &ctl.CreateGatewayTargetInput{GatewayIdentifier: aws.String(gw), Name: aws.String("pets"),
		TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberOpenApiSchema{
			Value: &ctltypes.ApiSchemaConfigurationMemberInlinePayload{Value: fmt.Sprintf(gatewayBenchSpec, url)}}}})
	if err != nil {
		b.Fatal(err)
	}
}

func runGatewayBench(b *testing.B, backendURL, gatewayURL string) {
	c := keepAliveClient()
	direct := backendURL + "/pets/1"
	for range 200 { // warm up connections, schema compilation, catalogue
		getOK(b, c, direct)
		mcpCall(b, c, gatewayURL)
	}
	var d, g latencies
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		getOK(b, c, direct)
		t1 := time.Now()
		mcpCall(b, c, gatewayURL)
		t2 := time.Now()
		d = append(d, t1.Sub(t0))
		g = append(g, t2.Sub(t1))
	}
	b.StopTimer()
	directRate, directCPU := throughput(b, 16, 3*time.Second, func(c *http.Client) { getOK(b, c, direct) })
	gwRate, gwCPU := throughput(b, 16, 3*time.Second, func(c *http.Client) { mcpCall(b, c, gatewayURL) })
	b.ReportMetric(directCPU, "direct-calls/cpu-s")
	b.ReportMetric(gwCPU, "gateway-calls/cpu-s")
	b.ReportMetric(us(d.pct(50)), "direct-p50-µs")
	b.ReportMetric(us(d.pct(99)), "direct-p99-µs")
	b.ReportMetric(us(g.pct(50)), "gateway-p50-µs")
	b.ReportMetric(us(g.pct(99)), "gateway-p99-µs")
	b.ReportMetric(us(g.pct(50)-d.pct(50)), "added-p50-µs")
	b.ReportMetric(us(g.pct(99)-d.pct(99)), "added-p99-µs")
	b.ReportMetric(directRate, "direct-calls/s")
	b.ReportMetric(gwRate, "gateway-calls/s")
}

// BenchmarkGatewayCall: default server configuration (tracing on, spans
// stored), no policy engine.
func BenchmarkGatewayCall(b *testing.B) { benchGateway(b, benchServerConfig(), false) }

// BenchmarkGatewayCallNoTracing: the same with the platform's spans off.
func BenchmarkGatewayCallNoTracing(b *testing.B) {
	benchGateway(b, server.Config{Config: config.Config{DisableTracing: true}}, false)
}

// BenchmarkGatewayCallPolicy: ENFORCE with ten Cedar policies (one applies).
func BenchmarkGatewayCallPolicy(b *testing.B) { benchGateway(b, benchServerConfig(), true) }

func bg() context.Context { return context.Background() }
