package httpapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// goldenCodeInterpreter pins the Code Interpreter operations: the control
// plane (custom and built-in interpreters), sessions, and
// InvokeCodeInterpreter's event stream and its errors before the stream.
func goldenCodeInterpreter(t *testing.T, g *golden) {
	g.t = t
	c, d := g.Control, g.Data
	var id string
	g.check("CodeInterpreter", "CreateCodeInterpreter", "ok", func() error {
		out, err := c.CreateCodeInterpreter(bg, &ctl.CreateCodeInterpreterInput{Name: aws.String("golden_ci"), Description: aws.String("d"),
			ExecutionRoleArn:     aws.String("arn:aws:iam::123456789012:role/ci"),
			NetworkConfiguration: &ctltypes.CodeInterpreterNetworkConfiguration{NetworkMode: ctltypes.CodeInterpreterNetworkModeSandbox},
			Tags:                 map[string]string{"team": "ci"}})
		must(t, "CreateCodeInterpreter", err)
		id = *out.CodeInterpreterId
		g.name(*out.CodeInterpreterArn, "<codeInterpreterArn>")
		g.name(id, "<codeInterpreterId>")
		return nil
	})
	g.check("CodeInterpreter", "CreateCodeInterpreter", "vpc_not_supported", func() error {
		_, err := c.CreateCodeInterpreter(bg, &ctl.CreateCodeInterpreterInput{Name: aws.String("golden_vpc"),
			NetworkConfiguration: &ctltypes.CodeInterpreterNetworkConfiguration{NetworkMode: ctltypes.CodeInterpreterNetworkModeVpc}})
		wantCode(t, err, "ValidationException")
		return nil
	})
	g.check("CodeInterpreter", "GetCodeInterpreter", "ok", func() error {
		_, err := c.GetCodeInterpreter(bg, &ctl.GetCodeInterpreterInput{CodeInterpreterId: &id})
		must(t, "GetCodeInterpreter", err)
		return nil
	})
	g.check("CodeInterpreter", "GetCodeInterpreter", "builtin", func() error {
		_, err := c.GetCodeInterpreter(bg, &ctl.GetCodeInterpreterInput{CodeInterpreterId: aws.String("aws.codeinterpreter.v1")})
		must(t, "GetCodeInterpreter", err)
		return nil
	})
	g.check("CodeInterpreter", "GetCodeInterpreter", "not_found", func() error {
		_, err := c.GetCodeInterpreter(bg, &ctl.GetCodeInterpreterInput{CodeInterpreterId: aws.String("nope-0123456789")})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("CodeInterpreter", "ListCodeInterpreters", "page", func() error {
		out, err := c.ListCodeInterpreters(bg, &ctl.ListCodeInterpretersInput{MaxResults: aws.Int32(1)})
		must(t, "ListCodeInterpreters", err)
		g.name(*out.NextToken, "<nextToken>")
		return nil
	})
	g.check("CodeInterpreter", "ListCodeInterpreters", "custom", func() error {
		_, err := c.ListCodeInterpreters(bg, &ctl.ListCodeInterpretersInput{Type: ctltypes.ResourceTypeCustom})
		must(t, "ListCodeInterpreters", err)
		return nil
	})
	var sid string
	g.check("CodeInterpreter", "StartCodeInterpreterSession", "ok", func() error {
		out, err := d.StartCodeInterpreterSession(bg, &dp.StartCodeInterpreterSessionInput{CodeInterpreterIdentifier: &id,
			Name: aws.String("golden"), SessionTimeoutSeconds: aws.Int32(600)})
		must(t, "StartCodeInterpreterSession", err)
		sid = *out.SessionId
		g.name(sid, "<sessionId>")
		return nil
	})
	g.check("CodeInterpreter", "StartCodeInterpreterSession", "bad_timeout", func() error {
		_, err := d.StartCodeInterpreterSession(bg, &dp.StartCodeInterpreterSessionInput{CodeInterpreterIdentifier: &id,
			SessionTimeoutSeconds: aws.Int32(28801)})
		wantCode(t, err, "ValidationException")
		return nil
	})
	g.check("CodeInterpreter", "GetCodeInterpreterSession", "ok", func() error {
		_, err := d.GetCodeInterpreterSession(bg, &dp.GetCodeInterpreterSessionInput{CodeInterpreterIdentifier: &id, SessionId: &sid})
		must(t, "GetCodeInterpreterSession", err)
		return nil
	})
	g.check("CodeInterpreter", "ListCodeInterpreterSessions", "ok", func() error {
		_, err := d.ListCodeInterpreterSessions(bg, &dp.ListCodeInterpreterSessionsInput{CodeInterpreterIdentifier: &id,
			Status: dptypes.CodeInterpreterSessionStatusReady})
		must(t, "ListCodeInterpreterSessions", err)
		return nil
	})
	invoke := func(sessionID string, name dptypes.ToolName, args *dptypes.ToolArguments) error {
		out, err := d.InvokeCodeInterpreter(bg, &dp.InvokeCodeInterpreterInput{CodeInterpreterIdentifier: &id, SessionId: &sessionID,
			Name: name, Arguments: args})
		if err != nil {
			return err
		}
		defer out.GetStream().Close()
		for range out.GetStream().Events() {
		}
		return out.GetStream().Err()
	}
	g.check("CodeInterpreter", "InvokeCodeInterpreter", "execute_code", func() error {
		must(t, "InvokeCodeInterpreter", invoke(sid, dptypes.ToolNameExecuteCode,
			&dptypes.ToolArguments{Code: aws.String("print('hello')"), Language: dptypes.ProgrammingLanguagePython}))
		return nil
	})
	g.check("CodeInterpreter", "InvokeCodeInterpreter", "missing_code", func() error {
		wantCode(t, invoke(sid, dptypes.ToolNameExecuteCode, &dptypes.ToolArguments{Language: dptypes.ProgrammingLanguagePython}), "ValidationException")
		return nil
	})
	g.check("CodeInterpreter", "InvokeCodeInterpreter", "unknown_session", func() error {
		wantCode(t, invoke("NOSUCHSESSION", dptypes.ToolNameExecuteCommand, &dptypes.ToolArguments{Command: aws.String("true")}), "ResourceNotFoundException")
		return nil
	})
	g.check("CodeInterpreter", "StopCodeInterpreterSession", "ok", func() error {
		_, err := d.StopCodeInterpreterSession(bg, &dp.StopCodeInterpreterSessionInput{CodeInterpreterIdentifier: &id, SessionId: &sid})
		must(t, "StopCodeInterpreterSession", err)
		return nil
	})
	g.check("CodeInterpreter", "DeleteCodeInterpreter", "ok", func() error {
		_, err := c.DeleteCodeInterpreter(bg, &ctl.DeleteCodeInterpreterInput{CodeInterpreterId: &id})
		must(t, "DeleteCodeInterpreter", err)
		return nil
	})
	g.check("CodeInterpreter", "DeleteCodeInterpreter", "builtin", func() error {
		_, err := c.DeleteCodeInterpreter(bg, &ctl.DeleteCodeInterpreterInput{CodeInterpreterId: aws.String("aws.codeinterpreter.v1")})
		wantCode(t, err, "ValidationException")
		return nil
	})
}
