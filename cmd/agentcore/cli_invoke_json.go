package main

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
)

// printInvokeJSON is invoke's --output json: the InvokeAgentRuntime output's
// members (API names) with the whole answer as "response": the JSON value
// of a JSON answer, the data payloads of an event stream as a list (each
// decoded when it is JSON), else the text.
func printInvokeJSON(w io.Writer, out *bedrockagentcore.InvokeAgentRuntimeOutput) error {
	v := map[string]any{"runtimeSessionId": aws.ToString(out.RuntimeSessionId), "contentType": aws.ToString(out.ContentType)}
	if out.StatusCode != nil {
		v["statusCode"] = *out.StatusCode
	}
	if out.TraceId != nil {
		v["traceId"] = *out.TraceId
	}
	resp, err := answerValue(out.Response, aws.ToString(out.ContentType))
	if err != nil {
		return err
	}
	v["response"] = resp
	return printJSON(w, v)
}

// answerValue reads a whole answer as a JSON value (see printInvokeJSON).
func answerValue(r io.Reader, contentType string) (any, error) {
	if strings.HasPrefix(strings.ToLower(contentType), "text/event-stream") {
		events := []any{}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data:"); ok {
				events = append(events, jsonOrText(strings.TrimPrefix(data, " ")))
			}
		}
		return events, sc.Err()
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return jsonOrText(string(b)), nil
}

func jsonOrText(s string) any {
	var v any
	if json.Unmarshal([]byte(s), &v) == nil {
		return v
	}
	return s
}
