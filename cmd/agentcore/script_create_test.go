package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptedReply is what the start-openai model answers.
const scriptedReply = "Hello from the scripted model."

// cmdStartOpenAI starts a scripted OpenAI-compatible model and sets
// OPENAI_URL to its /v1 base: POST /v1/chat/completions answers
// scriptedReply, as one completion or, for "stream": true, as chunks.
func cmdStartOpenAI(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: start-openai")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model  string `json:"model"`
			Stream bool   `json:"stream"`
		}
		if !strings.HasSuffix(r.URL.Path, "/chat/completions") || json.NewDecoder(r.Body).Decode(&req) != nil {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		base := map[string]any{"id": "chatcmpl-scripted", "created": time.Now().Unix(), "model": req.Model}
		usage := map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
		with := func(kv ...any) map[string]any {
			m := map[string]any{}
			for k, v := range base {
				m[k] = v
			}
			for i := 0; i < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		}
		if !req.Stream {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(with("object", "chat.completion", "usage", usage, "choices", []any{map[string]any{
				"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": scriptedReply}}}))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		send := func(v any) {
			b, _ := json.Marshal(v)
			fmt.Fprintf(w, "data: %s\n\n", b)
		}
		chunk := func(delta map[string]any, finish any) map[string]any {
			return with("object", "chat.completion.chunk", "choices", []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}})
		}
		send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
		for i, word := range strings.Fields(scriptedReply) {
			if i > 0 {
				word = " " + word
			}
			send(chunk(map[string]any{"content": word}, nil))
		}
		send(chunk(map[string]any{}, "stop"))
		send(with("object", "chat.completion.chunk", "choices", []any{}, "usage", usage))
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	ts.Defer(srv.Close)
	ts.Setenv("OPENAI_URL", srv.URL+"/v1")
}

// cmdWheelhouse makes a Python project install from a local wheelhouse:
// `wheelhouse DIR` downloads (pip download) what DIR/requirements-dev.txt
// needs into a directory of this machine's cache named after the content
// of DIR's requirements files, once, then puts --no-index and --find-links
// lines at the top of DIR/requirements.txt (what deploy installs) and sets
// WHEELS to the wheelhouse. The packages are the real ones from the
// package index; only the index round trips (minutes here) are saved.
func cmdWheelhouse(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: wheelhouse DIR")
	}
	dir := ts.MkAbs(args[0])
	req := ts.ReadFile(filepath.Join(dir, "requirements.txt"))
	dev := ts.ReadFile(filepath.Join(dir, "requirements-dev.txt"))
	sum := sha256.Sum256([]byte(pythonRuntime() + "\n" + req + "\n" + dev))
	cache, err := os.UserCacheDir()
	ts.Check(err)
	wheels := filepath.Join(cache, "agentcore-test-wheels", hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(wheels, ".complete")); err != nil {
		tmp := wheels + ".tmp"
		os.RemoveAll(tmp)
		start := time.Now()
		cmd := exec.Command("python3", "-m", "pip", "download", "-q", "--disable-pip-version-check", "-d", tmp, "-r", "requirements-dev.txt")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			ts.Fatalf("pip download: %v\n%s", err, out)
		}
		ts.Check(os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644))
		os.RemoveAll(wheels)
		ts.Check(os.Rename(tmp, wheels))
		ts.Logf("downloaded the wheels of %s into %s in %s", args[0], wheels, time.Since(start).Round(time.Second))
	}
	ts.Check(os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("--no-index\n--find-links "+wheels+"\n"+req), 0o644))
	ts.Setenv("WHEELS", wheels)
}

// goEnv is what `go build` in a script needs from this machine's Go: its
// caches (testscript gives scripts a HOME of their own) and proxy setting.
var goEnv = sync.OnceValue(func() map[string]string {
	env := map[string]string{}
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPROXY", "GOPATH").Output()
	if err != nil {
		return env
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i, k := range []string{"GOCACHE", "GOMODCACHE", "GOPROXY", "GOPATH"} {
		if i < len(lines) && lines[i] != "" {
			env[k] = lines[i]
		}
	}
	return env
})

// TestGoTemplateInSync checks that the Go template's module files name
// the versions this repository builds the SDK with.
func TestGoTemplateInSync(t *testing.T) {
	repoMod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	repoSum, err := os.ReadFile("../../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	tmplMod, _ := templateFS.ReadFile("templates/go/go.mod.tmpl")
	tmplSum, _ := templateFS.ReadFile("templates/go/go.sum.tmpl")
	goLine := strings.SplitN(string(repoMod), "\n", 4)[2]
	if !strings.HasPrefix(goLine, "go ") || !strings.Contains(goSDKMod, "\n"+goLine+"\n") || !strings.Contains(string(tmplMod), "\n"+goLine+"\n") {
		t.Errorf("the repository's %q is not the go line of the template's go.mod files", goLine)
	}
	for _, dep := range []string{"github.com/coder/websocket", "github.com/google/uuid"} {
		var version string
		for _, l := range strings.Split(string(repoMod), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == dep {
				version = f[1]
			}
		}
		if version == "" {
			t.Fatalf("%s not in go.mod", dep)
		}
		if !strings.Contains(goSDKMod, dep+" "+version+"\n") || !strings.Contains(string(tmplMod), dep+" "+version+" ") {
			t.Errorf("template go.mod files do not require %s %s", dep, version)
		}
		for _, l := range strings.Split(string(repoSum), "\n") {
			if strings.HasPrefix(l, dep+" "+version+" ") || strings.HasPrefix(l, dep+" "+version+"/go.mod ") {
				if !strings.Contains(string(tmplSum), l+"\n") {
					t.Errorf("templates/go/go.sum.tmpl lacks %q", l)
				}
			}
		}
	}
}
