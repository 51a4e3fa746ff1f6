package console

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
)

// -screenshots writes the README's pictures of the console into
// docs/console/ (go test ./internal/e2e/console -run TestScreenshots
// -screenshots); without it they go to a temporary directory.
var writeScreenshots = flag.Bool("screenshots", false, "write the console screenshots into docs/console/")

// TestScreenshots takes a picture of each main page on seeded data.
func TestScreenshots(t *testing.T) {
	b := StartBrowser(t)
	e := localServer(t)
	s := seed(t, e)
	// More traffic for the charts: answers, a streamed one and an error.
	for range 4 {
		e.InvokeJSON(t, s.arn, s.otherSession, map[string]any{"action": "trace"})
	}
	if _, _, err := e.Invoke(context.Background(), s.arn, testenv.SessionID("console-c"), map[string]any{"action": "error", "status": 500}, ""); err == nil {
		t.Fatal("the error action did not fail")
	}
	if _, err := e.Data.StartCodeInterpreterSession(context.Background(), &bedrockagentcore.StartCodeInterpreterSessionInput{
		CodeInterpreterIdentifier: aws.String("aws.codeinterpreter.v1"), Name: aws.String("analysis")}); err != nil {
		t.Logf("no Code Interpreter session in the picture: %v", err)
	}
	dir := t.TempDir()
	if *writeScreenshots {
		dir = filepath.Join(testenv.RepoRoot(), "docs", "console")
	}
	p := b.NewPage(t)
	p.Ignore = beforeSessionAPI
	shots := []struct{ file, path, page, wait string }{
		{"overview.png", "/console/", "overview", "figure svg.chart path.s0"},
		{"runtime.png", "/console/runtimes/" + s.runtimeID, "runtime", "#invoke-submit"},
		{"session.png", "/console/sessions/" + s.runtimeID + "/" + s.session, "session", `.wf-row[data-name="llm.call"]`},
		{"tools.png", "/console/code-interpreters", "tools", "table"},
	}
	for _, sh := range shots {
		p.Visit(t, e.URL+sh.path)
		p.WaitReady(t, sh.page)
		p.Wait(t, sh.wait, 0)
		if sh.page == "session" {
			p.Click(t, `.wf-row[data-name="llm.call"] .wf-name`)
			p.Wait(t, ".wf-attrs", 0)
		}
		if sh.page == "runtime" { // an answer in the invoke box
			p.Click(t, "#invoke-submit")
			p.Wait(t, ".invoke .badge.ok", 0)
		}
		path := filepath.Join(dir, sh.file)
		p.Screenshot(t, path)
		if st, err := os.Stat(path); err != nil || st.Size() < 10_000 {
			t.Fatalf("%s: %v (%d bytes)", path, err, st.Size())
		}
		p.NoErrors(t, sh.page)
	}
	t.Logf("screenshots in %s", dir)
}
