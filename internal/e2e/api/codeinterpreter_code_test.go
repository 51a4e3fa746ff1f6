package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestCodeInterpreterExecuteCode: executeCode through the AWS SDK for Go
// v2, reading the event stream: Python, JavaScript and TypeScript keep
// their state across calls of a session, clearContext resets it, errors
// are isError results, and bad requests are ValidationExceptions before
// the stream.
func TestCodeInterpreterExecuteCode(t *testing.T) {
	e := ciServer(t, 0)
	d := e.Data
	sid := ciStartSession(t, d, builtinCI, 0)
	py, js, ts := types.ProgrammingLanguagePython, types.ProgrammingLanguageJavascript, types.ProgrammingLanguageTypescript
	run := func(lang types.ProgrammingLanguage, code string) string {
		t.Helper()
		res, out := ciRun(t, d, builtinCI, sid, lang, code, false)
		if res.IsError != nil && *res.IsError {
			t.Fatalf("%s %q: isError: %s", lang, code, ciText(res))
		}
		return out
	}

	// Python: variables, imports and functions stay; the last expression is echoed.
	if out := run(py, "print('hello')"); out != "hello\n" {
		t.Fatalf("print: %q", out)
	}
	run(py, "import math\nx = 41\ndef double(n):\n    return 2 * n")
	if out := run(py, "x + 1"); out != "42\n" {
		t.Fatalf("state: %q", out)
	}
	if out := run(py, "double(math.sqrt(16))"); out != "8.0\n" {
		t.Fatalf("import and function kept: %q", out)
	}
	res, _ := ciRun(t, d, builtinCI, sid, py, "1/0", false)
	sc := res.StructuredContent
	if !aws.ToBool(res.IsError) || aws.ToInt32(sc.ExitCode) != 1 || !strings.Contains(aws.ToString(sc.Stderr), "ZeroDivisionError") || sc.ExecutionTime == nil {
		t.Fatalf("exception: %+v %+v", res, sc)
	}
	if res, _ := ciRun(t, d, builtinCI, sid, py, "x", true); !aws.ToBool(res.IsError) || !strings.Contains(aws.ToString(res.StructuredContent.Stderr), "NameError") {
		t.Fatalf("clearContext kept x: %s", ciText(res))
	}
	run(py, "y = 21")

	// JavaScript: top-level declarations stay; console output; the completion value; promises.
	if out := run(js, "console.log('hi from js')"); out != "hi from js\n" {
		t.Fatalf("console.log: %q", out)
	}
	run(js, "const a = 5; function triple(n) { return 3 * n }")
	if out := run(js, "triple(a)"); out != "15\n" {
		t.Fatalf("js state: %q", out)
	}
	if out := run(js, "Promise.resolve(7)"); out != "7\n" {
		t.Fatalf("awaited promise: %q", out)
	}
	if res, _ := ciRun(t, d, builtinCI, sid, js, "undefinedFunction()", false); !aws.ToBool(res.IsError) {
		t.Fatalf("js error: %s", ciText(res))
	}

	// TypeScript: transpiled by the server, state kept with JavaScript's.
	run(ts, "interface P { n: number }\nconst p: P = { n: 3 };\nlet total: number = p.n * 3;")
	if out := run(ts, "total + a"); out != "14\n" {
		t.Fatalf("ts state: %q", out)
	}
	res, _ = ciRun(t, d, builtinCI, sid, ts, "const broken: number = ;", false)
	if !aws.ToBool(res.IsError) || !strings.Contains(ciText(res), "TypeScript compilation failed") {
		t.Fatalf("ts syntax error: %+v %s", res, ciText(res))
	}
	if out := run(js, "typeof total"); out != "'number'\n" {
		t.Fatalf("a failed transpile must not reach the kernel: %q", out)
	}

	// The languages share the session's working directory.
	run(py, "open('shared.txt', 'w').write('from python')")
	if out := run(js, "require('fs').readFileSync('shared.txt', 'utf8')"); out != "'from python'\n" {
		t.Fatalf("shared directory: %q", out)
	}

	// Bad requests: HTTP errors before the stream.
	for name, args := range map[string]*types.ToolArguments{
		"missing code":         {Language: py},
		"unsupported language": {Code: aws.String("puts 1"), Language: "ruby"},
		"empty code":           {Code: aws.String(""), Language: py},
	} {
		if _, err := ciCall(d, builtinCI, sid, types.ToolNameExecuteCode, args); !isValidation(err) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ciCall(d, builtinCI, sid, "runSomething", &types.ToolArguments{Code: aws.String("1")}); !isValidation(err) {
		t.Errorf("unknown tool: %v", err)
	}

	// The session still works after all of that.
	if out := run(py, "y * 2"); out != "42\n" {
		t.Fatalf("after errors: %q", out)
	}
}

// TestCodeInterpreterCallTimeout: code that never ends is bounded by the
// server's per-call timeout (--code-interpreter-timeout), and the session
// keeps working.
func TestCodeInterpreterCallTimeout(t *testing.T) {
	e := ciServer(t, 2*time.Second)
	d := e.Data
	sid := ciStartSession(t, d, builtinCI, 0)
	py := types.ProgrammingLanguagePython
	ciRun(t, d, builtinCI, sid, py, "kept = 'yes'", false)
	start := time.Now()
	res, err := ciCall(d, builtinCI, sid, types.ToolNameExecuteCode, &types.ToolArguments{Code: aws.String("while True:\n    pass"), Language: py})
	took := time.Since(start)
	if took > 20*time.Second {
		t.Fatalf("an endless loop took %s with a 2 s call timeout", took)
	}
	if err == nil && !aws.ToBool(res.IsError) {
		t.Fatalf("an endless loop ended without an error: %+v", res)
	}
	if _, out := ciRun(t, d, builtinCI, sid, py, "1 + 1", false); out != "2\n" {
		t.Fatalf("after the timeout: %q", out)
	}
	res = ciMust(t, d, builtinCI, sid, types.ToolNameExecuteCommand, &types.ToolArguments{Command: aws.String("sleep 60")})
	if aws.ToInt32(res.StructuredContent.ExitCode) != 124 || !aws.ToBool(res.IsError) {
		t.Fatalf("a command past the timeout: %+v", res.StructuredContent)
	}
	// An isError result or an exception: either way it returns.
	start = time.Now()
	ciCall(d, builtinCI, sid, types.ToolNameExecuteCode, &types.ToolArguments{Code: aws.String("while (true) {}"), //nolint:errcheck
		Language: types.ProgrammingLanguageJavascript})
	if took := time.Since(start); took > 20*time.Second {
		t.Fatalf("an endless JavaScript loop took %s", took)
	}
	if _, out := ciRun(t, d, builtinCI, sid, types.ProgrammingLanguageJavascript, "40 + 2", false); out != "42\n" {
		t.Fatalf("javascript after its timeout: %q", out)
	}
}
