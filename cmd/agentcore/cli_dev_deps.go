package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// devDeps installs a Python project's requirements.txt for `agentcore dev`
// the way the server installs it for a deployed version (pip install
// --target), into a cache directory keyed by the interpreter and the file's
// content, and returns that directory for PYTHONPATH ("" when the project
// has no requirements.txt). A changed requirements.txt gets a fresh install
// at the next start; an unchanged one is reused at once.
func devDeps(dir, python string, log io.Writer) (string, error) {
	req, err := os.ReadFile(filepath.Join(dir, "requirements.txt"))
	if os.IsNotExist(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	abs, _ := filepath.Abs(dir)
	sum := sha256.Sum256([]byte(python + "\x00" + abs + "\x00" + string(req)))
	target := filepath.Join(cache, "agentcore", "dev-deps", hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(target, ".agentcore-ok")); err == nil {
		fmt.Fprintf(log, "agentcore dev: requirements.txt already installed in %s\n", target)
		return target, nil
	}
	os.RemoveAll(target)
	fmt.Fprintf(log, "agentcore dev: installing requirements.txt into %s (once per change of the file)\n", target)
	cmd := exec.Command(python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--progress-bar", "off",
		"--target", target, "-r", "requirements.txt")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, log, log
	if err := cmd.Run(); err != nil {
		os.RemoveAll(target)
		return "", fmt.Errorf("installing requirements.txt with %s -m pip: %w", python, err)
	}
	if err := os.WriteFile(filepath.Join(target, ".agentcore-ok"), nil, 0o644); err != nil {
		return "", err
	}
	return target, nil
}

// withPythonPath puts dir first on PYTHONPATH in env.
func withPythonPath(env []string, dir string) []string {
	for i, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PYTHONPATH="); ok {
			env[i] = "PYTHONPATH=" + dir + string(os.PathListSeparator) + v
			return env
		}
	}
	return append(env, "PYTHONPATH="+dir)
}
