package e2e

// Benchmarks of the invocation path (issue: "invocation overhead of the
// platform vs calling the same agent directly on its port, warm session,
// p50/p99, measured in the same run; and cold start for the Go and Python
// example agents"). They only run with -bench; see bench/README.md and
// docs/benchmarks.md for the command and the numbers.
//
//	go test -run '^$' -bench 'InvokeWarm' -benchtime 20000x ./internal/e2e/
//	go test -run '^$' -bench 'ColdStart' -benchtime 30x -timeout 30m ./internal/e2e/

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

const (
	benchSessionHeader = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
	benchAccount       = "123456789012" // the server's default account
)

// warmPayload is the small JSON body every warm request sends. "count" makes
// the test agent answer {"count":N,"pid":P}: the same tiny answer whichever
// path the request took.
var warmPayload = []byte(`{"action":"count","prompt":"hello benchmark"}`)

// benchServerConfig is the default production configuration (2 s pings),
// so background health checks are as rare as in a real deployment.
func benchServerConfig() server.Config { return server.Config{} }

// latencies collects one sample per request.
type latencies []time.Duration

// pct is the nearest-rank percentile p (0..100).
func (l latencies) pct(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// keepAliveClient is a plain net/http client that reuses one connection.
func keepAliveClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns: 16, MaxIdleConnsPerHost: 16, IdleConnTimeout: 5 * time.Minute,
		DisableCompression: true, ForceAttemptHTTP2: false,
	}}
}

// post sends body to u and reads the whole answer; it fails b on a non-200.
func post(b testing.TB, c *http.Client, u, session string, body []byte) {
	resp, err := benchDo(c, u, session, body)
	if err != nil {
		b.Fatal(err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("POST %s: %d %v", u, resp.StatusCode, err)
	}
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// directAgent is an agent process the benchmark starts itself, outside the
// platform, listening on PORT.
type directAgent struct {
	URL    string
	cmd    *exec.Cmd
	exited chan struct{}
	Ready  time.Duration // spawn → first successful GET /ping (1 ms polling)
}

// startDirect spawns argv in dir with env + PORT and waits for /ping.
func startDirect(t testing.TB, dir string, env []string, argv ...string) *directAgent {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(env, "PORT="+strconv.Itoa(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", argv, err)
	}
	exited := make(chan struct{})
	a := &directAgent{URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, exited: exited}
	go func() { cmd.Wait(); close(exited) }() //nolint:errcheck // exit is observed via exited
	pc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	for {
		resp, err := pc.Get(a.URL + "/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case <-exited:
			t.Fatalf("%v exited before /ping answered:\n%s", argv, logs.String())
		case <-time.After(time.Millisecond):
		}
		if time.Since(t0) > time.Minute {
			a.Stop()
			t.Fatalf("%v: /ping not answering after a minute:\n%s", argv, logs.String())
		}
	}
	a.Ready = time.Since(t0)
	return a
}

// Stop sends SIGTERM to the process group (SIGKILL after 5 s) and waits.
func (a *directAgent) Stop() {
	pg := a.cmd.Process.Pid
	syscall.Kill(-pg, syscall.SIGTERM) //nolint:errcheck
	select {
	case <-a.exited:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pg, syscall.SIGKILL) //nolint:errcheck
		<-a.exited
	}
}

// invokeURL is the InvokeAgentRuntime URL of arn on the server.
func invokeURL(e *testenv.Env, arn string) string {
	return e.URL + "/runtimes/" + url.PathEscape(arn) + "/invocations"
}

// warmStats keeps the direct numbers of the current run so the platform
// sub-benchmarks can report what they add.
var warmDirect struct{ p50, p99 atomic.Int64 }

// BenchmarkInvokeWarm measures one small JSON request/response on a warm
// session: directly against the agent's port, through the platform with a
// plain HTTP client, and through the platform with the AWS SDK for Go v2.
func BenchmarkInvokeWarm(b *testing.B) {
	e := testenv.Start(b, benchServerConfig())
	rt := e.Deploy(b, "bench_warm", nil)
	arn := *rt.AgentRuntimeArn
	session := testenv.SessionID("bench-warm")

	// Direct: the very binary the platform runs, started by us.
	bin := testenv.BuildGo(b, "internal/testagent")
	direct := startDirect(b, filepath.Dir(bin), []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir()}, bin)
	b.Cleanup(direct.Stop)

	const warmup = 200
	run := func(name string, do func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			for range warmup {
				do(b)
			}
			lat := make(latencies, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				t0 := time.Now()
				do(b)
				lat[i] = time.Since(t0)
			}
			b.StopTimer()
			p50, p99 := lat.pct(50), lat.pct(99)
			b.ReportMetric(us(p50), "p50-us")
			b.ReportMetric(us(p99), "p99-us")
			if name == "direct" {
				warmDirect.p50.Store(int64(p50))
				warmDirect.p99.Store(int64(p99))
			} else if d50 := time.Duration(warmDirect.p50.Load()); d50 > 0 {
				d99 := time.Duration(warmDirect.p99.Load())
				b.ReportMetric(us(p50-d50), "added-p50-us")
				b.ReportMetric(us(p99-d99), "added-p99-us")
			}
		})
	}

	dc := keepAliveClient()
	run("direct", func(b *testing.B) { post(b, dc, direct.URL+"/invocations", session, warmPayload) })

	pc := keepAliveClient()
	pu := invokeURL(e, arn)
	run("platform/raw-http", func(b *testing.B) { post(b, pc, pu, session, warmPayload) })

	ctx := context.Background()
	in := &bedrockagentcore.InvokeAgentRuntimeInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(session),
		ContentType: aws.String("application/json"), Payload: warmPayload}
	run("platform/aws-sdk", func(b *testing.B) {
		out, err := e.Data.InvokeAgentRuntime(ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, out.Response) //nolint:errcheck
		out.Response.Close()
	})
}

// coldAgent is one agent BenchmarkColdStart deploys.
type coldAgent struct {
	name    string
	dir     string // examples/<dir>; "" for a Go package
	goPkg   string // Go main package to build
	entry   string // entry point inside the zip
	payload []byte
}

// realPython finds the interpreter behind python3 (not a pyenv shim, whose
// own start-up would be counted as the platform's) and its minor version.
func realPython(t testing.TB) (binDir string, minor string) {
	out, err := exec.Command("python3", "-c", "import os,sys;print(os.path.dirname(sys.executable));print(sys.version_info[1])").Output()
	if err != nil {
		t.Skipf("python3 not available: %v", err)
	}
	lines := strings.Fields(string(out))
	return lines[0], lines[1]
}

// BenchmarkColdStart measures a new runtimeSessionId → first byte of the
// answer through the platform (process sandbox: spawn, /ping readiness,
// relay), for the Go example agent, the Python example agent on the official
// bedrock-agentcore SDK, and the stdlib-only Python agent. Each iteration uses
// a fresh session and stops it afterwards (outside the timer). Each
// iteration also spawns the same program by hand (untimed for ns/op) and
// polls /ping every 1 ms before the same first request: the direct-* metrics,
// the floor a process-per-session platform can reach.
func BenchmarkColdStart(b *testing.B) {
	pyBin, minor := realPython(b)
	// Put the real interpreter first on PATH: the server resolves python3.N
	// and gives agents PATH from its own environment.
	b.Setenv("PATH", pyBin+":"+os.Getenv("PATH"))
	pyRuntime := ctltypes.AgentManagedRuntimeType("PYTHON_3_" + minor)

	e := testenv.Start(b, benchServerConfig())
	agents := []coldAgent{
		{name: "go-agent", goPkg: "examples/go-agent", entry: "bootstrap", payload: []byte(`{"prompt":"hi"}`)},
		{name: "python-agent", dir: "examples/python-agent", entry: "agent.py", payload: []byte(`{"prompt":"hi"}`)},
		{name: "python-stdlib-agent", dir: "examples/python-stdlib-agent", entry: "agent.py", payload: []byte(`{"prompt":"hi"}`)},
	}
	only := os.Getenv("AGENTCORE_BENCH_COLD_AGENTS") // e.g. "go-agent": skip the others' deploys
	for _, ag := range agents {
		if only != "" && !slices.Contains(strings.Split(only, ","), ag.name) {
			continue
		}
		// Deploy (and for Python, pip install) outside any timer.
		var zip []byte
		rtType := pyRuntime
		if ag.goPkg != "" {
			bin, err := os.ReadFile(testenv.BuildGo(b, ag.goPkg))
			if err != nil {
				b.Fatal(err)
			}
			zip = testenv.Zip(b, map[string][]byte{"bootstrap": bin}, "bootstrap")
		} else {
			zip = testenv.ZipDir(b, filepath.Join(testenv.RepoRoot(), ag.dir))
		}
		key := fmt.Sprintf("bench-%s-%d.zip", ag.name, time.Now().UnixNano())
		e.Upload(b, "agents", key, zip)
		loc := &ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}
		out, err := e.Control.CreateAgentRuntime(context.Background(), &ctl.CreateAgentRuntimeInput{
			AgentRuntimeName:     aws.String("bench_" + strings.ReplaceAll(ag.name, "-", "_")),
			AgentRuntimeArtifact: testenv.CodeArtifact(loc, rtType, ag.entry),
			RoleArn:              aws.String(testenv.RoleArn),
			NetworkConfiguration: &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
		})
		if err != nil {
			b.Fatalf("CreateAgentRuntime %s: %v", ag.name, err)
		}
		t0 := time.Now()
		e.WaitReady(b, *out.AgentRuntimeId, 15*time.Minute)
		b.Logf("%s: deployed (READY) in %s", ag.name, time.Since(t0).Round(time.Millisecond))
		arn := *out.AgentRuntimeArn
		bundle := filepath.Join(e.DataDir, "bundles", benchAccount, *out.AgentRuntimeId, "1")

		// Platform and direct alternate within one loop so both see the
		// same machine load (the direct start is the floor a
		// process-per-session platform can reach).
		b.Run(ag.name, func(b *testing.B) {
			c := keepAliveClient()
			dc := keepAliveClient()
			u := invokeURL(e, arn)
			argv := []string{filepath.Join(bundle, ag.entry)}
			if strings.HasSuffix(ag.entry, ".py") {
				argv = []string{"python3." + minor, ag.entry}
			}
			env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir(), "PYTHONUNBUFFERED=1",
				"PYTHONPATH=" + filepath.Join(bundle, ".deps"), "LANG=C.UTF-8"}
			lat := make(latencies, b.N)
			dlat := make(latencies, b.N)
			b.ResetTimer()
			for i := range b.N {
				session := fmt.Sprintf("bench-cold-%s-%d-%d-0000000000000000000000000000", ag.name, time.Now().UnixNano(), i)
				t0 := time.Now()
				firstByte(b, c, u, session, ag.payload)
				lat[i] = time.Since(t0)
				b.StopTimer()
				_, err := e.Data.StopRuntimeSession(context.Background(), &bedrockagentcore.StopRuntimeSessionInput{
					AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(session)})
				if err != nil {
					b.Fatalf("StopRuntimeSession: %v", err)
				}
				c.CloseIdleConnections()

				t0 = time.Now()
				a := startDirect(b, bundle, env, argv...)
				firstByte(b, dc, a.URL+"/invocations", session, ag.payload)
				dlat[i] = time.Since(t0)
				dc.CloseIdleConnections()
				a.Stop()
				b.StartTimer()
			}
			b.StopTimer()
			p50, p99, d50, d99 := lat.pct(50), lat.pct(99), dlat.pct(50), dlat.pct(99)
			b.ReportMetric(ms(p50), "p50-ms")
			b.ReportMetric(ms(p99), "p99-ms")
			b.ReportMetric(ms(d50), "direct-p50-ms")
			b.ReportMetric(ms(d99), "direct-p99-ms")
			b.ReportMetric(ms(p50-d50), "added-p50-ms")
			b.ReportMetric(ms(p99-d99), "added-p99-ms")
		})
	}
}

// benchDo posts body to u as the benchmarks' invocations: JSON, the session
// header, SigV4-signed.
func benchDo(c *http.Client, u, session string, body []byte) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(benchSessionHeader, session)
	testenv.Sign(req, body)
	return c.Do(req)
}

// firstByte posts body and returns once the first byte of the answer has
// arrived; the rest is drained afterwards (it is already there).
func firstByte(b testing.TB, c *http.Client, u, session string, body []byte) {
	resp, err := benchDo(c, u, session, body)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReaderSize(resp.Body, 1)
	if _, err := br.ReadByte(); err != nil || resp.StatusCode != http.StatusOK {
		rest, _ := io.ReadAll(br)
		b.Fatalf("POST %s: %d %v %s", u, resp.StatusCode, err, rest)
	}
	io.Copy(io.Discard, br) //nolint:errcheck
}
