package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

func TestShellJoin(t *testing.T) {
	args := []string{"printf", "%s|", "a b", "it's", "", "plain-1.0/x=y"}
	cmd := shellJoin(args)
	if want := `printf '%s|' 'a b' 'it'\''s' '' plain-1.0/x=y`; cmd != want {
		t.Errorf("shellJoin = %s, want %s", cmd, want)
	}
	out, err := exec.Command("/bin/sh", "-c", cmd).Output()
	if err != nil || string(out) != "a b|it's||plain-1.0/x=y|" {
		t.Errorf("sh -c %s: %q, %v", cmd, out, err)
	}
}

func TestCodeLanguage(t *testing.T) {
	for _, tc := range []struct {
		flag, file string
		want       types.ProgrammingLanguage
	}{
		{"", "a.py", "python"}, {"", "-", "python"}, {"", "x.mjs", "javascript"}, {"", "X.TS", "typescript"},
		{"JavaScript", "a.py", "javascript"}, {"typescript", "-", "typescript"},
	} {
		if got, err := codeLanguage(tc.flag, tc.file); err != nil || got != tc.want {
			t.Errorf("codeLanguage(%q, %q) = %q, %v; want %q", tc.flag, tc.file, got, err, tc.want)
		}
	}
	if _, err := codeLanguage("ruby", "a.rb"); err == nil {
		t.Error("codeLanguage accepted ruby")
	}
}

func TestResultPrinter(t *testing.T) {
	var stdout, stderr bytes.Buffer
	dir := filepath.Join(t.TempDir(), "images")
	p := &resultPrinter{stdout: &stdout, stderr: &stderr, images: dir}
	png := []byte("\x89PNG\r\n\x1a\nfake")
	code, err := p.print(types.CodeInterpreterResult{
		Content: []types.ContentBlock{
			{Type: types.ContentBlockTypeText, Text: aws.String("out\nerr\n")},
			{Type: types.ContentBlockTypeImage, Data: png, MimeType: aws.String("image/png")},
		},
		StructuredContent: &types.ToolResultStructuredContent{Stdout: aws.String("out\n"), Stderr: aws.String("err\n"), ExitCode: aws.Int32(3)},
		IsError:           aws.Bool(true),
	})
	if err != nil || code != 3 {
		t.Fatalf("print = %d, %v", code, err)
	}
	if stdout.String() != "out\n" || stderr.String() != "err\n[image saved to "+filepath.Join(dir, "image-1.png")+"]\n" {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
	if b, err := os.ReadFile(filepath.Join(dir, "image-1.png")); err != nil || !bytes.Equal(b, png) {
		t.Errorf("saved image: %q, %v", b, err)
	}

	// Without structured content: the text goes to stderr for an error, and
	// the exit code is 1.
	stdout.Reset()
	stderr.Reset()
	code, _ = p.print(types.CodeInterpreterResult{Content: []types.ContentBlock{{Type: types.ContentBlockTypeText, Text: aws.String("no such file")}}, IsError: aws.Bool(true)})
	if code != 1 || stdout.Len() != 0 || stderr.String() != "no such file\n" {
		t.Errorf("error result: code %d stdout %q stderr %q", code, stdout.String(), stderr.String())
	}
}
