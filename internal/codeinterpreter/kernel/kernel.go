// Package kernel holds the code interpreter's in-sandbox kernel: a small
// HTTP server written in Python (kernel.py, which starts the Python worker
// first and then the server in kernel_http.py, and its kernel_*.py modules) that
// runs inside every code-interpreter session's sandbox, with a stateful
// Python worker (pyworker.py) and a stateful JavaScript worker (kernel.js,
// Node.js). The files are embedded in the binary; Install writes them into
// a directory the sandbox can read and Argv gives the command that starts
// the kernel from there.
//
// Protocol (HTTP/1.1 on 127.0.0.1:$PORT, working directory $HOME):
//
//	GET  /ping    200 {"status":"Healthy"}
//	POST /invoke  {"name": ToolName, "arguments": ToolArguments, "timeoutSeconds": n}
//	              200 CodeInterpreterResult {"content", "structuredContent", "isError"}
//	              400 ValidationException, 402 ServiceQuotaExceededException,
//	              404 ResourceNotFoundException, 500 InternalServerException:
//	              {"__type": "...", "message": "..."}
//
// The kernel reads PORT, HOME, AGENTCORE_NODE (the node binary, else node on
// PATH) and AGENTCORE_KERNEL_HOST (listen address, default 127.0.0.1); the
// workers inherit the rest of the environment (PYTHONPATH, MPLBACKEND,
// PIP_USER). SIGTERM makes it kill its workers and every command it started.
package kernel

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed kernel.py kernel_cmd.py kernel_errors.py kernel_exec.py kernel_files.py kernel_http.py kernel_io.py kernel_procs.py pyworker.py kernel.js
var files embed.FS

// Version identifies the embedded kernel files (a hash of their names and
// contents), so that callers can install each version into its own
// directory: Install(filepath.Join(base, Version)).
var Version = version()

// Entry is the script Argv runs.
const Entry = "kernel.py"

func version() string {
	h := sha256.New()
	for _, name := range Files() {
		data, _ := files.ReadFile(name)
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Files lists the names of the kernel's files.
func Files() []string {
	entries, _ := fs.ReadDir(files, ".")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Install writes the kernel's files into dir (created if missing) with mode
// 0644. Files already there with the same contents are left alone; others
// are replaced atomically (written to a temporary file, then renamed), so a
// kernel starting from dir never reads a half-written file.
func Install(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("install kernel: %w", err)
	}
	for _, name := range Files() {
		data, err := files.ReadFile(name)
		if err != nil {
			return fmt.Errorf("install kernel: %w", err)
		}
		if err := writeFile(filepath.Join(dir, name), data); err != nil {
			return fmt.Errorf("install kernel: %w", err)
		}
	}
	return nil
}

func writeFile(dst string, data []byte) error {
	if cur, err := os.ReadFile(dst); err == nil && bytes.Equal(cur, data) {
		if st, err := os.Stat(dst); err == nil && st.Mode().Perm() == 0o644 {
			return nil
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// Argv is the command line that starts the kernel installed in dir with the
// Python interpreter python (a path or a name looked up on PATH). The
// kernel runs with -S (no site module: it needs only the standard library,
// and site's .pth processing is a large part of a Python start-up); its
// workers are started without it, so user code sees site-packages as usual.
func Argv(python, dir string) []string {
	return []string{python, "-S", filepath.Join(dir, Entry)}
}
