package codeinterpreter

import (
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

func TestToolRequestValidate(t *testing.T) {
	str := func(s string) *string { return &s }
	cases := []struct {
		req   ToolRequest
		field string // "" = valid
	}{
		{ToolRequest{Name: "executeCode", Arguments: &ToolArguments{Code: str("1")}}, ""},
		{ToolRequest{Name: "executeCode", Arguments: &ToolArguments{Code: str("1"), Language: str("typescript")}}, ""},
		{ToolRequest{Name: "executeCode", Arguments: &ToolArguments{Language: str("python")}}, "arguments.code"},
		{ToolRequest{Name: "executeCode"}, "arguments.code"},
		{ToolRequest{Name: "executeCode", Arguments: &ToolArguments{Code: str("1"), Language: str("ruby")}}, "arguments.language"},
		{ToolRequest{Name: "executeCode", Arguments: &ToolArguments{Code: str(strings.Repeat("x", MaxCodeBytes+1))}}, "arguments.code"},
		{ToolRequest{Name: "executeCommand", Arguments: &ToolArguments{Command: str("ls")}}, ""},
		{ToolRequest{Name: "executeCommand", Arguments: &ToolArguments{}}, "arguments.command"},
		{ToolRequest{Name: "startCommandExecution", Arguments: &ToolArguments{Command: str("")}}, "arguments.command"},
		{ToolRequest{Name: "getTask", Arguments: &ToolArguments{}}, "arguments.taskId"},
		{ToolRequest{Name: "stopTask", Arguments: &ToolArguments{TaskID: str("t1")}}, ""},
		{ToolRequest{Name: "readFiles", Arguments: &ToolArguments{Paths: []string{"a.txt"}}}, ""},
		{ToolRequest{Name: "readFiles", Arguments: &ToolArguments{}}, "arguments.paths"},
		{ToolRequest{Name: "removeFiles", Arguments: &ToolArguments{Paths: []string{""}}}, "arguments.paths"},
		{ToolRequest{Name: "listFiles"}, ""},
		{ToolRequest{Name: "writeFiles", Arguments: &ToolArguments{Content: []InputContent{{Path: "a", Text: str("x")}, {Path: "b", Blob: str("AAEC")}}}}, ""},
		{ToolRequest{Name: "writeFiles", Arguments: &ToolArguments{}}, "arguments.content"},
		{ToolRequest{Name: "writeFiles", Arguments: &ToolArguments{Content: []InputContent{{Path: "a"}}}}, "arguments.content"},
		{ToolRequest{Name: "writeFiles", Arguments: &ToolArguments{Content: []InputContent{{Text: str("x")}}}}, "arguments.content.path"},
		{ToolRequest{Name: "writeFiles", Arguments: &ToolArguments{Content: []InputContent{{Path: "a", Blob: str("not base64!")}}}}, "arguments.content.blob"},
		{ToolRequest{Name: "listFiles", Arguments: &ToolArguments{Runtime: str("ruby")}}, "arguments.runtime"},
		{ToolRequest{Name: "bogus"}, "name"},
	}
	for _, tc := range cases {
		err := tc.req.validate()
		e, _ := errs.As(err)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s %+v: %v", tc.req.Name, tc.req.Arguments, err)
		case tc.field != "" && (e == nil || e.Kind != errs.Invalid || e.Field != tc.field):
			t.Errorf("%s: error %v (field %v), want a ValidationException on %s", tc.req.Name, err, e, tc.field)
		}
	}
	r := ToolRequest{Name: "executeCode", Arguments: &ToolArguments{Code: str("1")}}
	if r.validate(); *r.Arguments.Language != LangPython {
		t.Errorf("default language %q", *r.Arguments.Language)
	}
}
