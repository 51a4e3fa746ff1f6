package api_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// builtinCI is the AWS-managed code interpreter every account has.
const builtinCI = "aws.codeinterpreter.v1"

// The second account Code Interpreter test servers accept.
const (
	otherKeyID  = "AKIDCIOTHERACCOUNT"
	otherSecret = "ci-other-secret"
)

// ciServer starts a server for Code Interpreter tests (process sandbox, a
// short per-call timeout when callTimeout is set) that accepts the test
// key (account 123456789012) and otherKeyID (account 210987654321).
func ciServer(t *testing.T, callTimeout time.Duration) *testenv.Env {
	return startCI(t, ciConfig(callTimeout))
}

// ciConfig is ciServer's configuration, to adjust before startCI.
func ciConfig(callTimeout time.Duration) server.Config {
	cfg := testenv.Fast()
	cfg.CodeInterpreterTimeout = callTimeout
	cfg.Credentials = []sigv4.Credential{
		{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey, Account: "123456789012"},
		{AccessKeyID: otherKeyID, SecretAccessKey: otherSecret, Account: "210987654321"},
	}
	return cfg
}

func startCI(t *testing.T, cfg server.Config) *testenv.Env { return testenv.Start(t, cfg) }

// ciStartSession starts a session and stops it when the test ends.
func ciStartSession(t *testing.T, d *bedrockagentcore.Client, interp string, timeout int32) string {
	t.Helper()
	in := &bedrockagentcore.StartCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(interp), Name: aws.String("test")}
	if timeout > 0 {
		in.SessionTimeoutSeconds = aws.Int32(timeout)
	}
	out, err := d.StartCodeInterpreterSession(bg, in)
	if err != nil {
		t.Fatalf("StartCodeInterpreterSession: %v", err)
	}
	sid := aws.ToString(out.SessionId)
	t.Cleanup(func() {
		d.StopCodeInterpreterSession(bg, &bedrockagentcore.StopCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(interp), SessionId: &sid}) //nolint:errcheck
	})
	return sid
}

// ciStop stops a session now.
func ciStop(t *testing.T, d *bedrockagentcore.Client, interp, sid string) {
	t.Helper()
	if _, err := d.StopCodeInterpreterSession(bg, &bedrockagentcore.StopCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(interp), SessionId: &sid}); err != nil {
		t.Fatalf("StopCodeInterpreterSession: %v", err)
	}
}

// ciCreate creates a custom interpreter of a network mode.
func ciCreate(t *testing.T, c *ctl.Client, name string, mode ctltypes.CodeInterpreterNetworkMode) string {
	t.Helper()
	out, err := c.CreateCodeInterpreter(bg, &ctl.CreateCodeInterpreterInput{Name: aws.String(name),
		NetworkConfiguration: &ctltypes.CodeInterpreterNetworkConfiguration{NetworkMode: mode}})
	if err != nil {
		t.Fatalf("CreateCodeInterpreter: %v", err)
	}
	return aws.ToString(out.CodeInterpreterId)
}

// ciCall invokes one tool and reads the event stream with the SDK's
// reader: the results it carried and the stream's error (an exception
// event), or the HTTP error before the stream.
func ciCall(d *bedrockagentcore.Client, interp, sid string, name types.ToolName, args *types.ToolArguments) (*types.CodeInterpreterResult, error) {
	out, err := d.InvokeCodeInterpreter(bg, &bedrockagentcore.InvokeCodeInterpreterInput{CodeInterpreterIdentifier: aws.String(interp),
		SessionId: aws.String(sid), Name: name, Arguments: args})
	if err != nil {
		return nil, err
	}
	if aws.ToString(out.SessionId) != sid {
		return nil, errors.New("response session header is " + aws.ToString(out.SessionId))
	}
	es := out.GetStream()
	defer es.Close()
	var res *types.CodeInterpreterResult
	for ev := range es.Events() {
		if r, ok := ev.(*types.CodeInterpreterStreamOutputMemberResult); ok {
			v := r.Value
			res = &v
		}
	}
	if err := es.Err(); err != nil {
		return res, err
	}
	if res == nil {
		return nil, errors.New("the stream carried no result")
	}
	return res, nil
}

// ciMust is ciCall that fails the test on an error.
func ciMust(t *testing.T, d *bedrockagentcore.Client, interp, sid string, name types.ToolName, args *types.ToolArguments) *types.CodeInterpreterResult {
	t.Helper()
	res, err := ciCall(d, interp, sid, name, args)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

// ciRun runs code and returns the result and its stdout.
func ciRun(t *testing.T, d *bedrockagentcore.Client, interp, sid string, lang types.ProgrammingLanguage, code string, clear bool) (*types.CodeInterpreterResult, string) {
	t.Helper()
	args := &types.ToolArguments{Code: aws.String(code), Language: lang}
	if clear {
		args.ClearContext = aws.Bool(true)
	}
	res := ciMust(t, d, interp, sid, types.ToolNameExecuteCode, args)
	if res.StructuredContent == nil {
		t.Fatalf("executeCode %q: no structuredContent: %+v", code, res)
	}
	return res, aws.ToString(res.StructuredContent.Stdout)
}

// ciText joins a result's text blocks.
func ciText(res *types.CodeInterpreterResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		b.WriteString(aws.ToString(c.Text))
	}
	return b.String()
}
