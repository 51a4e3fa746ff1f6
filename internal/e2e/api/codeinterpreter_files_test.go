package api_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// TestCodeInterpreterFilesAndCommands: writeFiles (text and blob),
// readFiles, listFiles, removeFiles, executeCommand and the task tools
// through the SDK; paths outside the session's directory are a
// validationException event; another session sees none of it; the output
// of commands is kept with the session's logs.
func TestCodeInterpreterFilesAndCommands(t *testing.T) {
	e := ciServer(t, 0)
	d := e.Data
	sid := ciStartSession(t, d, builtinCI, 0)
	call := func(name types.ToolName, args *types.ToolArguments) *types.CodeInterpreterResult {
		t.Helper()
		return ciMust(t, d, builtinCI, sid, name, args)
	}
	blob := make([]byte, 256)
	for i := range blob {
		blob[i] = byte(i)
	}
	res := call(types.ToolNameWriteFiles, &types.ToolArguments{Content: []types.InputContentBlock{
		{Path: aws.String("notes/a.txt"), Text: aws.String("alpha\nbeta\n")},
		{Path: aws.String("data.bin"), Blob: blob},
	}})
	if aws.ToBool(res.IsError) {
		t.Fatalf("writeFiles: %s", ciText(res))
	}
	res = call(types.ToolNameReadFiles, &types.ToolArguments{Paths: []string{"notes/a.txt", "data.bin"}})
	files := map[string]*types.ResourceContent{}
	for _, c := range res.Content {
		if c.Type == types.ContentBlockTypeEmbeddedResource && c.Resource != nil {
			files[aws.ToString(c.Resource.Uri)] = c.Resource
		}
	}
	if r := files["file://notes/a.txt"]; r == nil || r.Type != types.ResourceContentTypeText || aws.ToString(r.Text) != "alpha\nbeta\n" {
		t.Fatalf("text file read back: %+v (all: %v)", r, files)
	}
	if r := files["file://data.bin"]; r == nil || r.Type != types.ResourceContentTypeBlob || !bytes.Equal(r.Blob, blob) {
		t.Fatalf("blob read back: %+v", r)
	}
	if _, out := ciRun(t, d, builtinCI, sid, types.ProgrammingLanguagePython, "open('data.bin','rb').read()[:3]", false); out != "b'\\x00\\x01\\x02'\n" {
		t.Fatalf("python reads the blob: %q", out)
	}
	res = call(types.ToolNameListFiles, &types.ToolArguments{DirectoryPath: aws.String("notes")})
	if len(res.Content) != 1 || res.Content[0].Type != types.ContentBlockTypeResourceLink || aws.ToString(res.Content[0].Name) != "a.txt" ||
		aws.ToInt64(res.Content[0].Size) != int64(len("alpha\nbeta\n")) {
		t.Fatalf("listFiles notes: %+v", res.Content)
	}

	res = call(types.ToolNameExecuteCommand, &types.ToolArguments{Command: aws.String("wc -l < notes/a.txt; echo oops >&2; exit 3")})
	sc := res.StructuredContent
	if !aws.ToBool(res.IsError) || aws.ToInt32(sc.ExitCode) != 3 || strings.TrimSpace(aws.ToString(sc.Stdout)) != "2" || aws.ToString(sc.Stderr) != "oops\n" {
		t.Fatalf("executeCommand: %+v %+v", res, sc)
	}

	res = call(types.ToolNameRemoveFiles, &types.ToolArguments{Paths: []string{"notes/a.txt"}})
	if aws.ToBool(res.IsError) {
		t.Fatalf("removeFiles: %s", ciText(res))
	}
	if res := call(types.ToolNameReadFiles, &types.ToolArguments{Paths: []string{"notes/a.txt"}}); !aws.ToBool(res.IsError) {
		t.Fatalf("reading a removed file: %+v", res)
	}

	// Paths outside the session's directory: a validationException event.
	for _, bad := range []*types.ToolArguments{
		{Paths: []string{"../../etc/passwd"}},
		{Paths: []string{"/etc/passwd"}},
	} {
		if _, err := ciCall(d, builtinCI, sid, types.ToolNameReadFiles, bad); !isValidation(err) {
			t.Errorf("readFiles %v: %v", bad.Paths, err)
		}
	}
	if _, err := ciCall(d, builtinCI, sid, types.ToolNameWriteFiles, &types.ToolArguments{Content: []types.InputContentBlock{
		{Path: aws.String("../escape.txt"), Text: aws.String("x")}}}); !isValidation(err) {
		t.Errorf("writeFiles outside: %v", err)
	}

	// Long-running commands as tasks.
	res = call(types.ToolNameStartCommandExecution, &types.ToolArguments{Command: aws.String("sleep 0.3; echo done")})
	task := aws.ToString(res.StructuredContent.TaskId)
	if task == "" || res.StructuredContent.TaskStatus != types.TaskStatusWorking {
		t.Fatalf("startCommandExecution: %+v", res.StructuredContent)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		sc := call(types.ToolNameGetTask, &types.ToolArguments{TaskId: aws.String(task)}).StructuredContent
		if sc.TaskStatus == types.TaskStatusCompleted {
			if aws.ToString(sc.Stdout) != "done\n" || aws.ToInt32(sc.ExitCode) != 0 {
				t.Fatalf("completed task: %+v", sc)
			}
			break
		}
		if sc.TaskStatus != types.TaskStatusWorking || time.Now().After(deadline) {
			t.Fatalf("task: %+v", sc)
		}
	}
	res = call(types.ToolNameStartCommandExecution, &types.ToolArguments{Command: aws.String("sleep 60")})
	long := aws.ToString(res.StructuredContent.TaskId)
	if sc := call(types.ToolNameStopTask, &types.ToolArguments{TaskId: aws.String(long)}).StructuredContent; sc.TaskStatus != types.TaskStatusCanceled {
		t.Fatalf("stopTask: %+v", sc)
	}
	if _, err := ciCall(d, builtinCI, sid, types.ToolNameGetTask, &types.ToolArguments{TaskId: aws.String("no-such-task")}); !isNotFound(err) {
		t.Fatalf("unknown task: %v", err)
	}

	// Another session sees neither the files nor the variables.
	other := ciStartSession(t, d, builtinCI, 0)
	ciRun(t, d, builtinCI, sid, types.ProgrammingLanguagePython, "secret = 'mine'", false)
	if res := ciMust(t, d, builtinCI, other, types.ToolNameReadFiles, &types.ToolArguments{Paths: []string{"data.bin"}}); !aws.ToBool(res.IsError) {
		t.Fatalf("another session read data.bin: %+v", res)
	}
	if res, _ := ciRun(t, d, builtinCI, other, types.ProgrammingLanguagePython, "secret", false); !aws.ToBool(res.IsError) {
		t.Fatalf("another session sees a variable: %s", ciText(res))
	}

	// Tool output is kept with the session's logs.
	ciRun(t, d, builtinCI, sid, types.ProgrammingLanguagePython, "print('log-marker-7731')", false)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		logs, _ := getJSON(t, e.URL+"/_agentcore/observability/logs?limit=1000&sessionId="+sid)["logs"].([]any)
		found := false
		for _, l := range logs {
			rec := l.(map[string]any)
			found = found || rec["body"] == "log-marker-7731" && rec["stream"] == "stdout"
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session's stdout is not in its logs: %v", logs)
		}
	}
}
