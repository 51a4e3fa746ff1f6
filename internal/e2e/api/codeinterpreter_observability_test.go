package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestCodeInterpreterObservability: each tool call's span carries the
// session, tool, language, exit code and isError; the calls are counted
// in /metrics; a warm pool serves sessions whose timeout still holds.
func TestCodeInterpreterObservability(t *testing.T) {
	e := ciServer(t, 0)
	d := e.Data
	sid := ciStartSession(t, d, builtinCI, 0)
	ciRun(t, d, builtinCI, sid, types.ProgrammingLanguagePython, "print('traced')", false)
	ciRun(t, d, builtinCI, sid, types.ProgrammingLanguagePython, "1/0", false)
	type span struct {
		Name       string         `json:"name"`
		Attributes map[string]any `json:"attributes"`
	}
	var calls []span
	for deadline := time.Now().Add(15 * time.Second); len(calls) < 2; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("tool call spans: %+v", calls)
		}
		resp, err := http.Get(e.URL + "/_agentcore/observability/spans?limit=1000")
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Spans []span `json:"spans"`
		}
		json.NewDecoder(resp.Body).Decode(&out) //nolint:errcheck
		resp.Body.Close()
		calls = calls[:0]
		for _, s := range out.Spans {
			if s.Name == "InvokeCodeInterpreter" && s.Attributes["session.id"] == sid {
				calls = append(calls, s)
			}
		}
	}
	errs := 0
	for _, s := range calls {
		a := s.Attributes
		if a["gen_ai.tool.name"] != "executeCode" || a["agentcore.code_interpreter.language"] != "python" || a["rpc.service"] != "bedrock-agentcore" {
			t.Fatalf("span attributes: %v", a)
		}
		if a["agentcore.code_interpreter.is_error"] == true {
			errs++
			if a["agentcore.code_interpreter.exit_code"] != float64(1) {
				t.Fatalf("failed call's exit code: %v", a)
			}
		}
	}
	if errs != 1 {
		t.Fatalf("%d failed calls among %v", errs, calls)
	}
	resp, err := http.Get(e.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`agentcore_code_interpreter_calls_total{language="python",outcome="ok",tool="executeCode"} 1`,
		`agentcore_code_interpreter_calls_total{language="python",outcome="error",tool="executeCode"} 1`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestCodeInterpreterWarmPool: with --code-interpreter-warm-pool sessions
// take ready kernels, keep their state, and still end at their
// sessionTimeoutSeconds.
func TestCodeInterpreterWarmPool(t *testing.T) {
	cfg := ciConfig(0)
	cfg.CodeInterpreterWarmPool = 2
	e := startCI(t, cfg)
	d := e.Data
	time.Sleep(time.Second) // let the pool fill (not required: a cold start also works)
	for range 3 {
		sid := ciStartSession(t, d, builtinCI, 0)
		ciRun(t, d, builtinCI, sid, types.ProgrammingLanguagePython, "v = 'pooled'", false)
		if _, out := ciRun(t, d, builtinCI, sid, types.ProgrammingLanguagePython, "v", false); out != "'pooled'\n" {
			t.Fatalf("pooled session state: %q", out)
		}
	}
	short := ciStartSession(t, d, builtinCI, 2)
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if _, err := ciCall(d, builtinCI, short, types.ToolNameExecuteCommand, &types.ToolArguments{Command: aws.String("true")}); isNotFound(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a pooled 2 s session still answers after 15 s")
		}
	}
}
