package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script/*.txtar")

// TestMain lets the test binary double as the agentcore command in scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"agentcore": main})
}

// TestScripts runs testdata/script/*.txtar. Custom commands:
//
//	start-server           start an in-process server; sets AGENTCORE_ENDPOINT
//	start-judge            start a scripted judge model (before start-server); sets JUDGE_URL
//	start-openai           start a scripted OpenAI-compatible model; sets OPENAI_URL (…/v1)
//	wheelhouse DIR         make project DIR install its Python packages from a local
//	                       wheelhouse (downloaded once per machine); sets WHEELS
//	online-eval NAME RUNTIME_ID EVALUATOR...
//	                       create an ENABLED online evaluation config (100 %)
//	free-port VAR          set VAR to a free loopback TCP port
//	waitfor URL [REGEXP]   poll GET URL until it answers 200 (with a body matching REGEXP)
//	setvar VAR stdout|stderr REGEXP
//	                       set VAR to REGEXP's first group in the last command's output
//	json stdout|stderr PATH REGEXP, json -set VAR stdout|stderr PATH
//	                       check or read a value of the last command's JSON output
//	expand FILE            replace $VARs in FILE with the script's variables
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Setup: func(e *testscript.Env) error {
			// No real AWS credentials or profiles, and no IMDS probing.
			e.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			e.Setenv("AWS_CONFIG_FILE", e.WorkDir+"/.aws/config")
			e.Setenv("AWS_SHARED_CREDENTIALS_FILE", e.WorkDir+"/.aws/credentials")
			for _, k := range []string{"AWS_PROFILE", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
				"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL", "AGENTCORE_ENDPOINT"} {
				e.Setenv(k, "")
			}
			// The managed runtime whose interpreter is the python3 on PATH:
			// the server runs python3.X for PYTHON_3_X when that name is on
			// PATH, and a pyenv shim can be on PATH without working.
			e.Setenv("PYRUNTIME", pythonRuntime())
			for k, v := range goEnv() { // for scripts that build Go code
				e.Setenv(k, v)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"start-server": cmdStartServer,
			"free-port":    cmdFreePort,
			"waitfor":      cmdWaitFor,
			"setvar":       cmdSetVar,
			"start-judge":  cmdStartJudge,
			"online-eval":  cmdOnlineEval,
			"start-openai": cmdStartOpenAI,
			"wheelhouse":   cmdWheelhouse,
			"json":         cmdJSON,   // script_json_test.go
			"expand":       cmdExpand, // script_json_test.go
		},
	})
}

// pythonRuntime is PYTHON_3_X for the local python3 (PYTHON_3_12 when
// there is none, or it is older than the managed runtimes).
var pythonRuntime = sync.OnceValue(func() string {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.version_info[1])").Output()
	if err != nil {
		return "PYTHON_3_12"
	}
	minor, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || minor < 10 || minor > 14 {
		return "PYTHON_3_12"
	}
	return "PYTHON_3_" + strconv.Itoa(minor)
})

func cmdStartServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || (len(args) != 0 && len(args) != 2) {
		ts.Fatalf("usage: start-server [ACCESS_KEY_ID SECRET_ACCESS_KEY]")
	}
	var creds []sigv4.Credential // none: local mode
	if len(args) == 2 {
		creds = []sigv4.Credential{{AccessKeyID: args[0], SecretAccessKey: args[1], Account: "123456789012"}}
	}
	logger := slog.New(slog.DiscardHandler)
	if os.Getenv("AGENTCORE_TEST_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	cfg := config.Config{Listen: "127.0.0.1:0", DataDir: ts.MkAbs(".agentcore-data"), Sandbox: "process", AllowUnisolated: true,
		PingInterval: 200 * time.Millisecond, InitTimeout: 30 * time.Second}
	if judge := ts.Getenv("JUDGE_URL"); judge != "" { // start-judge
		cfg.ModelEndpoint, cfg.Model = judge, "judge-model"
		cfg.EvalOnlinePoll, cfg.EvalOnlineIdle = 200*time.Millisecond, time.Second
	}
	srv, err := server.Start(context.Background(), server.Config{Config: cfg, Logger: logger, Credentials: creds})
	ts.Check(err)
	ts.Setenv("AGENTCORE_ENDPOINT", srv.URL())
	ts.Defer(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			ts.Logf("closing server: %v", err)
		}
	})
}

func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: free-port VAR")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := ln.Addr().(*net.TCPAddr).Port
	ts.Check(ln.Close())
	ts.Setenv(args[0], strconv.Itoa(port))
}

func cmdSetVar(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 || (args[1] != "stdout" && args[1] != "stderr") {
		ts.Fatalf("usage: setvar VAR stdout|stderr REGEXP")
	}
	m := regexp.MustCompile("(?m)" + args[2]).FindStringSubmatch(ts.ReadFile(args[1]))
	if len(m) < 2 {
		ts.Fatalf("setvar: no match for %q in %s", args[2], args[1])
	}
	ts.Setenv(args[0], m[1])
}

func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitfor URL [REGEXP]")
	}
	var re *regexp.Regexp
	if len(args) == 2 {
		re = regexp.MustCompile(args[1])
	}
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	last := "no answer"
	for time.Now().Before(deadline) {
		resp, err := client.Get(args[0])
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && (re == nil || re.Match(b)) {
				return
			}
			last = resp.Status + " " + string(b)
		} else {
			last = err.Error()
		}
		time.Sleep(100 * time.Millisecond)
	}
	ts.Fatalf("waitfor %s: gave up after 30s; last: %s", args[0], last)
}

// TestPrintAnswerStreams checks that each event is written out before the
// next one has been produced (invoke prints answers as they arrive).
func TestPrintAnswerStreams(t *testing.T) {
	for _, tc := range []struct {
		name, contentType string
		chunks            []string
		want              []string // output expected after each chunk
	}{
		{"sse", "text/event-stream; charset=utf-8",
			[]string{"data: {\"i\": 0}\n\n", "event: x\ndata:{\"i\": 1}\r\n\r\n"},
			[]string{"{\"i\": 0}\n", "{\"i\": 0}\n{\"i\": 1}\n"}},
		{"bytes", "application/json", []string{"{\"a\":", " 1}"}, []string{"{\"a\":", "{\"a\": 1}"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			out := &notifyBuffer{changed: make(chan struct{}, 16)}
			done := make(chan error, 1)
			go func() { done <- printAnswer(out, pr, tc.contentType, false) }()
			for i, c := range tc.chunks {
				if _, err := pw.Write([]byte(c)); err != nil {
					t.Fatal(err)
				}
				deadline := time.After(5 * time.Second)
				for out.String() != tc.want[i] {
					select {
					case <-out.changed:
					case <-deadline:
						t.Fatalf("after chunk %d: output %q, want %q", i, out.String(), tc.want[i])
					}
				}
			}
			pw.Close()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}

type notifyBuffer struct {
	mu      sync.Mutex
	b       strings.Builder
	changed chan struct{}
}

func (n *notifyBuffer) Write(p []byte) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.b.Write(p)
	select {
	case n.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (n *notifyBuffer) String() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.b.String()
}

func TestPayload(t *testing.T) {
	for in, want := range map[string]string{
		`{"prompt": "hi"}`: `{"prompt": "hi"}`,
		`[1, 2]`:           `[1, 2]`,
		`hello "you"`:      `{"prompt":"hello \"you\""}`,
		`{"broken":`:       `{"prompt":"{\"broken\":"}`,
	} {
		got, err := payload(in, nil)
		if err != nil || string(got) != want {
			t.Errorf("payload(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	got, _ := payload("-", strings.NewReader("from stdin\n"))
	if string(got) != `{"prompt":"from stdin"}` {
		t.Errorf("payload(-) = %s", got)
	}
}

func TestResolveEndpoint(t *testing.T) {
	for _, k := range []string{"AGENTCORE_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL"} {
		t.Setenv(k, "")
	}
	const data, control = "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL"
	o := &clientOpts{}
	pc := &projectConfig{Endpoint: "http://project/"}
	check := func(step, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s: got %s, want %s", step, got, want)
		}
	}
	check("default", o.resolveEndpoint(data, nil), defaultEndpoint)
	check("project", o.resolveEndpoint(data, pc), "http://project")
	t.Setenv("AWS_ENDPOINT_URL", "http://generic")
	check("AWS_ENDPOINT_URL", o.resolveEndpoint(data, pc), "http://generic")
	t.Setenv(control, "http://control")
	check("control var", o.resolveEndpoint(control, pc), "http://control")
	check("control var is not the data plane's", o.resolveEndpoint(data, pc), "http://generic")
	t.Setenv("AGENTCORE_ENDPOINT", "http://agentcore")
	check("AGENTCORE_ENDPOINT", o.resolveEndpoint(control, pc), "http://agentcore")
	o.endpoint = "http://flag"
	check("flag", o.resolveEndpoint(control, pc), "http://flag")
}

func TestSanitizeName(t *testing.T) {
	for in, want := range map[string]string{
		"my-agent.v2":           "my_agent_v2",
		"9lives":                "agent_9lives",
		"ok_Name1":              "ok_Name1",
		strings.Repeat("a", 60): strings.Repeat("a", 48),
	} {
		if got := sanitizeName(in); got != want || !validName.MatchString(got) {
			t.Errorf("sanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
}
