package environment

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options configure Build.
type Options struct {
	Dir      string       // environment root, e.g. Root(dataDir); required
	Python   string       // interpreter name or path ("" = python3), resolved with ResolvePython
	Packages []string     // pip requirement specifiers (nil = Packages)
	Progress io.Writer    // receives pip's output line by line and Build's own steps (nil = discard)
	Logger   *slog.Logger // nil = discard
	// Env is pip's environment (nil = this process's). pip's own settings
	// apply (PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, ...); PIP_USER is
	// overridden, since --target needs a non-user install.
	Env []string
}

// Build returns the environment for o.Python and o.Packages, building it
// first when it is not there. Concurrent builders (other goroutines or
// processes) of the same environment wait for one another through a lock
// file; the install goes into a temporary directory that is renamed into
// place, and ready.json is written last, so a reader never sees a half-built
// environment and an interrupted build is redone.
func Build(ctx context.Context, o Options) (*Env, error) {
	if o.Dir == "" {
		return nil, errors.New("environment: Options.Dir is required")
	}
	if o.Packages == nil {
		o.Packages = Packages
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	progress := &lockedWriter{w: o.Progress}
	py := ResolvePython(o.Python)
	version, err := pythonIdentity(ctx, py)
	if err != nil {
		return nil, err
	}
	id := envID(version, o.Packages)
	dir := filepath.Join(o.Dir, id)
	if env, err := readMarker(dir); err == nil {
		return env, nil
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockFile(ctx, filepath.Join(o.Dir, id+".lock"), func() {
		fmt.Fprintf(progress, "waiting for another build of %s to finish\n", dir)
	})
	if err != nil {
		return nil, err
	}
	defer unlock()
	if env, err := readMarker(dir); err == nil { // built while we waited
		return env, nil
	}
	start := time.Now()
	fmt.Fprintf(progress, "building the code interpreter environment in %s\n  python %s (%s)\n  packages %s\n", dir, py, version, strings.Join(o.Packages, " "))
	o.Logger.InfoContext(ctx, "building code interpreter environment", "dir", dir, "python", py, "version", version, "packages", o.Packages)
	env, err := build(ctx, o, progress, py, version, dir)
	if err != nil {
		o.Logger.ErrorContext(ctx, "code interpreter environment build failed", "dir", dir, "err", err)
		return nil, err
	}
	took := time.Since(start).Round(100 * time.Millisecond)
	fmt.Fprintf(progress, "code interpreter environment ready in %s (%s)\n", dir, took)
	o.Logger.InfoContext(ctx, "code interpreter environment ready", "dir", dir, "took", took)
	return env, nil
}

// build runs under the lock: pip into a temporary directory, rename, warm
// matplotlib's cache, write the marker.
func build(ctx context.Context, o Options, progress io.Writer, py, version, dir string) (*Env, error) {
	base := filepath.Base(dir)
	// Leftovers of builders that died: their temp dirs, and a renamed
	// directory whose marker was never written.
	if old, _ := filepath.Glob(filepath.Join(o.Dir, base+".tmp-*")); len(old) > 0 {
		for _, d := range old {
			os.RemoveAll(d)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(o.Dir, base+".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // gone after the rename; cleans up a failure
	args := []string{"-m", "pip", "install", "--no-input", "--disable-pip-version-check", "--no-user",
		"--progress-bar", "off", "--no-warn-script-location", "--no-warn-conflicts", "--target", filepath.Join(tmp, siteDir)}
	args = append(args, o.Packages...)
	// PIP_ROOT_USER_ACTION: no warning about running as root (an unknown
	// variable to a pip too old to know it).
	if err := run(ctx, progress, o.Env, []string{"PIP_ROOT_USER_ACTION=ignore"}, py, args...); err != nil {
		return nil, fmt.Errorf("pip install %s: %w", strings.Join(o.Packages, " "), err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, err
	}
	env := &Env{Dir: dir, SitePackages: filepath.Join(dir, siteDir), Python: py, PythonVersion: version,
		Packages: slices.Clone(o.Packages), Installed: installed(filepath.Join(dir, siteDir)), Built: time.Now().UTC()}
	if _, ok := env.Installed["matplotlib"]; ok {
		// The first import of matplotlib scans the system fonts (seconds);
		// doing it once here leaves a cache a session can start from. It
		// runs in the final directory because the cache records font paths.
		fmt.Fprintln(progress, "building matplotlib's font cache")
		mpl := filepath.Join(dir, mplDir)
		if err := os.MkdirAll(mpl, 0o755); err != nil {
			return nil, err
		}
		extra := []string{"PYTHONPATH=" + env.SitePackages, "MPLCONFIGDIR=" + mpl, "MPLBACKEND=Agg"}
		if err := run(ctx, progress, o.Env, extra, py, "-c", "import matplotlib.pyplot"); err != nil {
			return nil, fmt.Errorf("importing the installed libraries: %w", err)
		}
		env.MPLConfigDir = mpl
	}
	if err := writeMarker(dir, env); err != nil {
		return nil, err
	}
	return env, nil
}

// run runs python with args in env (nil = this process's) plus extra
// KEY=VALUE variables; its output goes to progress line by line.
func run(ctx context.Context, progress io.Writer, env, extra []string, python string, args ...string) error {
	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Env = env
	if len(extra) > 0 {
		cmd.Env = append(cmd.Environ(), extra...) // Environ: env, or this process's when env is nil
	}
	cmd.WaitDelay = 5 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	copied := make(chan []string, 1)
	go func() { copied <- copyLines(progress, pr) }()
	err := cmd.Run()
	pw.Close()
	tail := <-copied
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil && len(tail) > 0 {
		return fmt.Errorf("%w: %s", err, strings.Join(tail, "\n"))
	}
	return err
}

// copyLines copies r to w line by line, indented, and returns the last few
// lines for an error message.
func copyLines(w io.Writer, r io.Reader) []string {
	var tail []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		fmt.Fprintf(w, "  %s\n", line)
		if strings.TrimSpace(line) != "" {
			tail = append(tail, line)
			if len(tail) > 5 {
				tail = tail[1:]
			}
		}
	}
	io.Copy(io.Discard, r) // a line over the limit: drain so the child does not block
	return tail
}

// installed lists the distributions in a site-packages directory from
// their NAME-VERSION.dist-info directories.
func installed(site string) map[string]string {
	m := map[string]string{}
	entries, _ := os.ReadDir(site)
	for _, e := range entries {
		n, ok := strings.CutSuffix(e.Name(), ".dist-info")
		if !ok || !e.IsDir() {
			continue
		}
		if i := strings.LastIndexByte(n, '-'); i > 0 {
			m[strings.ToLower(strings.ReplaceAll(n[:i], "_", "-"))] = n[i+1:]
		}
	}
	return m
}

// lockedWriter serialises writes from the pip output copier and Build.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
