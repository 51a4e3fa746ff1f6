package runtime

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// maxZipBytes bounds an uploaded code artifact (AgentCore allows 250 MB).
const maxZipBytes = 250 << 20

// bundleDir is where version v of a runtime is unpacked.
func (s *Service) bundleDir(acct, id string, v int) string {
	return filepath.Join(s.dataDir, "bundles", acct, id, fmt.Sprint(v))
}

// unpack fetches the code zip, checks it and extracts it into dir. Every
// failure is a ValidationException naming what is wrong; dir is removed.
func (s *Service) unpack(ctx context.Context, cc *CodeConfiguration, dir string) (err error) {
	loc := cc.Code.S3
	rc, size, err := s.artifacts.Open(ctx, loc.Bucket, loc.Prefix)
	if errs.KindOf(err) == errs.NotFound {
		return errs.Field("agentRuntimeArtifact.codeConfiguration.code.s3", "code artifact s3://%s/%s does not exist in the artifact store", loc.Bucket, loc.Prefix)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	if size > maxZipBytes {
		return errs.Field("agentRuntimeArtifact.codeConfiguration.code.s3", "code artifact is %d bytes; the limit is %d", size, maxZipBytes)
	}
	// Spooled to a file beside dir, not held in memory (up to 250 MB).
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	spool, err := os.CreateTemp(filepath.Dir(dir), ".zip-*")
	if err != nil {
		return err
	}
	defer func() { spool.Close(); os.Remove(spool.Name()) }()
	n, err := io.Copy(spool, io.LimitReader(rc, maxZipBytes+1))
	if err != nil {
		return err
	}
	if n > maxZipBytes {
		return errs.Field("agentRuntimeArtifact.codeConfiguration.code.s3", "code artifact is more than %d bytes", maxZipBytes)
	}
	zr, err := zip.NewReader(spool, n)
	if err != nil {
		return errs.Field("agentRuntimeArtifact.codeConfiguration.code.s3", "code artifact s3://%s/%s is not a valid zip file: %v", loc.Bucket, loc.Prefix, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	if err := extract(zr, dir); err != nil {
		return errs.Field("agentRuntimeArtifact.codeConfiguration.code.s3", "code artifact cannot be unpacked: %v", err)
	}
	if _, err := resolveEntry(cc, dir, s.pythonFallback); err != nil {
		return err
	}
	return nil
}

func extract(zr *zip.Reader, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var total int64
	for _, f := range zr.File {
		name := filepath.Clean(f.Name)
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("entry %q escapes the archive", f.Name)
		}
		dst := filepath.Join(dir, name)
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
			continue
		}
		if f.Mode()&os.ModeSymlink != 0 {
			continue // symlinks could point outside the bundle
		}
		total += int64(f.UncompressedSize64)
		if total > 4*maxZipBytes {
			return fmt.Errorf("archive expands beyond %d bytes", 4*maxZipBytes)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if f.Mode()&0o111 != 0 {
			mode = 0o755
		}
		if err := writeEntry(f, dst, mode); err != nil {
			return err
		}
	}
	return nil
}

func writeEntry(f *zip.File, dst string, mode os.FileMode) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// resolveEntry returns the argv that starts the agent in dir. A Python
// entry point needs the declared runtime's interpreter (python3.X) unless
// fallback allows the host's python3 instead.
func resolveEntry(cc *CodeConfiguration, dir string, fallback bool) ([]string, error) {
	ep := cc.EntryPoint
	main := ep[len(ep)-1]
	p := filepath.Join(dir, filepath.Clean("/"+main))
	st, err := os.Stat(p)
	if err != nil || st.IsDir() {
		return nil, errs.Field("agentRuntimeArtifact.codeConfiguration.entryPoint", "entry point %q is not a file in the code artifact", main)
	}
	var argv []string
	needPython := strings.HasSuffix(main, ".py") || strings.HasPrefix(cc.Runtime, "PYTHON") && st.Mode()&0o111 == 0 && !isJS(main)
	var py string
	if needPython {
		if py, err = pythonFor(cc.Runtime, fallback); err != nil {
			return nil, err
		}
	}
	switch {
	case len(ep) == 2:
		argv = []string{ep[0], main} // e.g. opentelemetry-instrument agent.py
	case strings.HasSuffix(main, ".py"):
		argv = []string{py, main}
	case isJS(main):
		argv = []string{"node", main}
	case st.Mode()&0o111 != 0:
		argv = []string{main} // a prebuilt binary (e.g. a Go agent)
	case strings.HasPrefix(cc.Runtime, "PYTHON"):
		argv = []string{py, main}
	default:
		argv = []string{"node", main}
	}
	if len(ep) == 2 && strings.HasPrefix(cc.Runtime, "PYTHON") && strings.HasSuffix(main, ".py") {
		// Console scripts installed into the bundle live in .deps/bin.
		if _, err := os.Stat(filepath.Join(dir, ".deps", "bin", ep[0])); err == nil {
			argv[0] = filepath.Join(dir, ".deps", "bin", ep[0])
		}
	}
	return argv, nil
}

func isJS(name string) bool {
	return strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".mjs") || strings.HasSuffix(name, ".cjs")
}

// pythonFor picks the interpreter of a managed runtime (PYTHON_3_12 →
// python3.12). When that minor version is not installed (or is only a shim
// that does not run, as pyenv leaves behind) it is a ValidationException
// naming what is there, unless fallback allows the host's python3.
func pythonFor(rt string, fallback bool) (string, error) {
	if !strings.HasPrefix(rt, "PYTHON_3_") {
		return realPython("python3"), nil
	}
	name := "python3." + strings.TrimPrefix(rt, "PYTHON_3_")
	pyMu.Lock()
	defer pyMu.Unlock()
	p, ok := pyCache[name]
	if !ok {
		if lp, err := exec.LookPath(name); err == nil {
			if rp := realPython(lp); rp != lp || exec.Command(lp, "-c", "").Run() == nil {
				p = rp
			}
		}
		pyCache[name] = p
	}
	if p != "" {
		return p, nil
	}
	if fallback {
		return realPython("python3"), nil
	}
	have := "no python3"
	if out, err := exec.Command(realPython("python3"), "-c", "import sys; print('%d.%d' % sys.version_info[:2])").Output(); err == nil {
		have = "python3 is " + strings.TrimSpace(string(out))
	}
	return "", errs.Field("agentRuntimeArtifact.codeConfiguration.runtime",
		"runtime %s needs %s, which is not installed on this server (%s): declare the installed version, install %s, or start the server with --python-fallback to run on python3", rt, name, have, name)
}

// realPython resolves an interpreter name (possibly a pyenv shim) to the
// executable it runs, so sandboxes can expose its installation read-only.
func realPython(name string) string {
	out, err := exec.Command(name, "-c", "import sys; print(sys.executable)").Output()
	if p := strings.TrimSpace(string(out)); err == nil && filepath.IsAbs(p) {
		return p
	}
	return name
}

// HostPaths lists the host directories an interpreter needs inside an
// isolating sandbox: the prefix it is installed under (e.g.
// /root/.pyenv/versions/3.11.7), unless that is a system directory every
// isolating driver exposes anyway.
func HostPaths(argv0 string) []string {
	p, err := exec.LookPath(argv0)
	if err != nil {
		return nil
	}
	if rp, err := filepath.EvalSymlinks(p); err == nil {
		p = rp
	}
	prefix := filepath.Dir(filepath.Dir(p)) // .../bin/python3 -> ...
	for _, sys := range []string{"/usr", "/bin", "/sbin", "/lib", "/lib64", "/"} {
		if prefix == sys {
			return nil
		}
	}
	return []string{prefix}
}

var (
	pyMu    sync.Mutex
	pyCache = map[string]string{}
)

// installDeps installs requirements.txt / package.json into the bundle once
// per version. Output goes to dir/.install.log.
func installDeps(ctx context.Context, cc *CodeConfiguration, dir string, fallback bool) error {
	logf, err := os.Create(filepath.Join(dir, ".install.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	run := func(name string, args ...string) error {
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = dir
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Run(); err != nil {
			tail, _ := os.ReadFile(logf.Name())
			if len(tail) > 600 {
				tail = tail[len(tail)-600:]
			}
			return fmt.Errorf("%s %s failed: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(tail)))
		}
		return nil
	}
	if strings.HasPrefix(cc.Runtime, "PYTHON") && exists(filepath.Join(dir, "requirements.txt")) {
		py, err := pythonFor(cc.Runtime, fallback)
		if err != nil {
			return err
		}
		if err := run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input",
			"--target", filepath.Join(dir, ".deps"), "-r", "requirements.txt"); err != nil {
			return err
		}
	}
	if cc.Runtime == "NODE_22" && exists(filepath.Join(dir, "package.json")) && !exists(filepath.Join(dir, "node_modules")) {
		if err := run("npm", "install", "--omit=dev", "--no-audit", "--no-fund"); err != nil {
			return err
		}
	}
	return nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
