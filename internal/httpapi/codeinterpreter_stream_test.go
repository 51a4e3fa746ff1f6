package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	ci "github.com/agentcore-dev/agentcore/internal/codeinterpreter"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestCodeInterpreterStreamDecodesInSDK: a result event as eventWriter
// writes it is read by the AWS SDK for Go v2 as
// CodeInterpreterStreamOutputMemberResult (content blocks, structured
// content), and the exception events of its union as the typed errors.
func TestCodeInterpreterStreamDecodesInSDK(t *testing.T) {
	text, stdout, code, ms := "hi\n", "hi\n", 0, 1.5
	res := &ci.Result{Content: []ci.ContentBlock{{Type: "text", Text: &text},
		{Type: "resource", Resource: &ci.ResourceContent{Type: "blob", URI: "file://a.bin", Blob: "AAEC"}}},
		StructuredContent: &ci.StructuredContent{Stdout: &stdout, ExitCode: &code, ExecutionTime: &ms}}
	for _, tc := range []struct {
		err   error
		check func(error) bool
	}{
		{errs.Field("path", "path escapes the session directory"), func(err error) bool { var e *types.ValidationException; return errors.As(err, &e) }},
		{errs.E(errs.NotFound, "no task"), func(err error) bool { var e *types.ResourceNotFoundException; return errors.As(err, &e) }},
		{errs.E(errs.QuotaExceeded, "too big"), func(err error) bool { var e *types.ServiceQuotaExceededException; return errors.As(err, &e) }},
		{errs.E(errs.Timeout, "did not answer"), func(err error) bool { var e *types.InternalServerException; return errors.As(err, &e) }},
		{errs.E(errs.RuntimeClient, "boom"), func(err error) bool { var e *types.InternalServerException; return errors.As(err, &e) }},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
			w.Header().Set(hCISession, "S1")
			w.WriteHeader(http.StatusOK)
			es := newEventWriter(w, codeInterpreterExceptions)
			defer es.close()
			es.begin("", nil)
			es.event("result", res)
			es.exception(tc.err)
		}))
		c := bedrockagentcore.New(bedrockagentcore.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
			Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""), Retryer: aws.NopRetryer{}})
		o, err := c.InvokeCodeInterpreter(context.Background(), &bedrockagentcore.InvokeCodeInterpreterInput{
			CodeInterpreterIdentifier: aws.String(ci.BuiltinID), SessionId: aws.String("S1"), Name: types.ToolNameExecuteCode,
			Arguments: &types.ToolArguments{Code: aws.String("print('hi')"), Language: types.ProgrammingLanguagePython}})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(o.SessionId) != "S1" {
			t.Errorf("session header %q", aws.ToString(o.SessionId))
		}
		es := o.GetStream()
		var got []types.CodeInterpreterResult
		for ev := range es.Events() {
			got = append(got, ev.(*types.CodeInterpreterStreamOutputMemberResult).Value)
		}
		es.Close()
		srv.Close()
		if len(got) != 1 || aws.ToString(got[0].Content[0].Text) != "hi\n" || string(got[0].Content[1].Resource.Blob) != "\x00\x01\x02" ||
			aws.ToString(got[0].StructuredContent.Stdout) != "hi\n" || aws.ToInt32(got[0].StructuredContent.ExitCode) != 0 ||
			aws.ToFloat64(got[0].StructuredContent.ExecutionTime) != 1.5 {
			t.Fatalf("results %+v", got)
		}
		if !tc.check(es.Err()) || !strings.Contains(es.Err().Error(), strings.SplitN(tc.err.Error(), " ", 2)[0]) && errs.KindOf(tc.err) != errs.RuntimeClient {
			t.Errorf("%v: stream error %T %v", tc.err, es.Err(), es.Err())
		}
	}
}
