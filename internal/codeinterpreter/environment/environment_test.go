package environment

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv/pywheel"
)

// python is the host interpreter the tests build for; they skip without one.
func python(t *testing.T) string {
	t.Helper()
	py := ResolvePython("python3")
	if err := exec.Command(py, "-m", "pip", "--version").Run(); err != nil {
		t.Skipf("python3 with pip is not available: %v", err)
	}
	return py
}

// localIndex writes two wheels (demo-pkg depends on demo-dep) into a
// find-links directory and returns pip's environment using only it: no
// index, no configuration file, and PIP_USER=1 to show Build overrides it.
func localIndex(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	if _, err := pywheel.Write(dir, "demo-pkg", "1.0", map[string]string{
		"demo_pkg/__init__.py": "from demo_dep import VALUE\nGREETING = 'hello from demo_pkg ' + VALUE\n",
	}, "demo-dep>=2"); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"2.0", "2.1"} {
		if _, err := pywheel.Write(dir, "demo-dep", v, map[string]string{"demo_dep/__init__.py": "VALUE = '" + v + "'\n"}); err != nil {
			t.Fatal(err)
		}
	}
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + dir,
		"PIP_CONFIG_FILE=" + os.DevNull, "PIP_NO_CACHE_DIR=1", "PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_USER=1",
	}
}

func TestBuildInstallsAndIsFound(t *testing.T) {
	py := python(t)
	root := filepath.Join(t.TempDir(), "env")
	pkgs := []string{"demo-pkg==1.0"}
	if _, err := Lookup(root, py, pkgs...); !errors.Is(err, ErrNotBuilt) || !strings.Contains(err.Error(), "agentcore code-interpreter setup") {
		t.Fatalf("Lookup before Build: %v, want ErrNotBuilt naming the setup command", err)
	}
	var progress bytes.Buffer
	env, err := Build(context.Background(), Options{Dir: root, Python: "python3", Packages: pkgs, Progress: &progress, Env: localIndex(t)})
	if err != nil {
		t.Fatalf("Build: %v\n%s", err, progress.String())
	}
	t.Logf("progress:\n%s", progress.String())
	if !strings.Contains(progress.String(), "demo-pkg") || !strings.Contains(progress.String(), "Successfully installed") {
		t.Errorf("progress does not show pip's output:\n%s", progress.String())
	}
	if env.Python != py || !filepath.IsAbs(env.Python) {
		t.Errorf("Python = %q, want the resolved %q", env.Python, py)
	}
	if env.Installed["demo-pkg"] != "1.0" || env.Installed["demo-dep"] != "2.1" {
		t.Errorf("Installed = %v, want demo-pkg 1.0 and the newest demo-dep 2.1", env.Installed)
	}
	if env.SitePackages != filepath.Join(env.Dir, "site-packages") || filepath.Dir(env.Dir) != root {
		t.Errorf("paths: Dir %q SitePackages %q", env.Dir, env.SitePackages)
	}
	cmd := exec.Command(py, "-c", "import demo_pkg; print(demo_pkg.GREETING)")
	cmd.Env = []string{"PYTHONPATH=" + env.SitePackages, "PATH=" + os.Getenv("PATH")}
	if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "hello from demo_pkg 2.1" {
		t.Fatalf("import from the environment: %v: %s", err, out)
	}
	got, err := Lookup(root, "python3", pkgs...)
	if err != nil {
		t.Fatalf("Lookup after Build: %v", err)
	}
	if got.Dir != env.Dir || got.SitePackages != env.SitePackages || got.Installed["demo-pkg"] != "1.0" || got.Built.IsZero() {
		t.Errorf("Lookup = %+v, want %+v", got, env)
	}
	// Nothing left behind but the environment and its lock file.
	entries, _ := os.ReadDir(root)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 || names[0] != filepath.Base(env.Dir) || names[1] != filepath.Base(env.Dir)+".lock" {
		t.Errorf("root holds %v, want the environment and its lock", names)
	}

	// Built already: no second pip run.
	progress.Reset()
	again, err := Build(context.Background(), Options{Dir: root, Python: py, Packages: pkgs, Progress: &progress, Env: localIndex(t)})
	if err != nil || again.Dir != env.Dir || progress.Len() != 0 {
		t.Errorf("second Build: %v, dir %q, progress %q; want the same directory without work", err, again.Dir, progress.String())
	}
	// Another package list is another environment.
	other, err := Build(context.Background(), Options{Dir: root, Python: py, Packages: []string{"demo-pkg==1.0", "demo-dep==2.0"}, Env: localIndex(t)})
	if err != nil {
		t.Fatal(err)
	}
	if other.Dir == env.Dir || other.Installed["demo-dep"] != "2.0" {
		t.Errorf("changed package list: dir %q (first %q), installed %v", other.Dir, env.Dir, other.Installed)
	}
	if _, err := Lookup(root, py, pkgs...); err != nil {
		t.Errorf("the first environment is still there: %v", err)
	}
}

// TestBuildConcurrent: builders racing on one environment do not corrupt
// it; one of them installs, the others wait and use its result.
func TestBuildConcurrent(t *testing.T) {
	python(t)
	root := t.TempDir()
	env := localIndex(t)
	var progress lockedWriter
	var buf bytes.Buffer
	progress.w = &buf
	var wg sync.WaitGroup
	dirs := make([]string, 3)
	errs := make([]error, 3)
	for i := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := Build(context.Background(), Options{Dir: root, Packages: []string{"demo-pkg"}, Progress: &progress, Env: env})
			errs[i] = err
			if err == nil {
				dirs[i] = e.Dir
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("builder %d: %v\n%s", i, err, buf.String())
		}
		if dirs[i] != dirs[0] {
			t.Fatalf("builders got %v", dirs)
		}
	}
	if n := strings.Count(buf.String(), "building the code interpreter environment"); n != 1 {
		t.Errorf("%d builds ran, want 1:\n%s", n, buf.String())
	}
}

// TestBuildFailureLeavesNothing: a failed install reports pip's reason and
// leaves neither a temporary directory nor a usable-looking environment.
func TestBuildFailureLeavesNothing(t *testing.T) {
	py := python(t)
	root := t.TempDir()
	_, err := Build(context.Background(), Options{Dir: root, Packages: []string{"no-such-package-agentcore==9.9"}, Env: localIndex(t)})
	if err == nil || !strings.Contains(err.Error(), "no-such-package-agentcore") || !strings.Contains(err.Error(), "No matching distribution") {
		t.Fatalf("Build of a missing package: %v", err)
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".lock") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	if _, err := Lookup(root, py, "no-such-package-agentcore==9.9"); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Lookup after a failed build: %v", err)
	}
}

// TestBuildRedoesInterruptedBuild: a directory without ready.json (a
// builder died after the rename) and stale temporary directories are
// replaced.
func TestBuildRedoesInterruptedBuild(t *testing.T) {
	py := python(t)
	root := t.TempDir()
	version, err := pythonIdentity(context.Background(), py)
	if err != nil {
		t.Fatal(err)
	}
	id := envID(version, []string{"demo-pkg"})
	for _, d := range []string{id + "/site-packages/junk", id + ".tmp-123/site-packages"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Lookup(root, py, "demo-pkg"); !errors.Is(err, ErrNotBuilt) {
		t.Fatalf("Lookup of a half-built environment: %v", err)
	}
	env, err := Build(context.Background(), Options{Dir: root, Packages: []string{"demo-pkg"}, Env: localIndex(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(env.SitePackages, "junk")); err == nil {
		t.Error("the half-built directory was kept")
	}
	if _, err := os.Stat(filepath.Join(root, id+".tmp-123")); err == nil {
		t.Error("a stale temporary directory was kept")
	}
}

// TestBuildCanceled: a canceled context stops pip and reports the context's error.
func TestBuildCanceled(t *testing.T) {
	python(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	<-ctx.Done()
	if _, err := Build(ctx, Options{Dir: t.TempDir(), Packages: []string{"demo-pkg"}, Env: localIndex(t)}); err == nil {
		t.Fatal("Build with an expired context succeeded")
	}
}

func TestResolve(t *testing.T) {
	py := python(t)
	if !filepath.IsAbs(py) || strings.Contains(py, "/shims/") {
		t.Errorf("ResolvePython(python3) = %q, want the real executable", py)
	}
	if got := ResolvePython("/no/such/python"); got != "/no/such/python" {
		t.Errorf("ResolvePython of a missing interpreter = %q, want it unchanged", got)
	}
	if _, err := exec.LookPath("node"); err == nil {
		if n := ResolveNode(); !filepath.IsAbs(n) {
			t.Errorf("ResolveNode() = %q", n)
		}
	}
}

// TestPrebuiltEnvironment checks the environment .ci/run builds (numpy,
// pandas, matplotlib from the package index) when AGENTCORE_TEST_CI_ENV
// names its root.
func TestPrebuiltEnvironment(t *testing.T) {
	root := os.Getenv("AGENTCORE_TEST_CI_ENV")
	if root == "" {
		t.Skip("AGENTCORE_TEST_CI_ENV is not set (.ci/run builds the environment with `agentcore code-interpreter setup`)")
	}
	env, err := Lookup(root, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"numpy", "pandas", "matplotlib"} {
		if env.Installed[p] == "" {
			t.Errorf("%s is not installed: %v", p, env.Installed)
		}
	}
	cmd := exec.Command(env.Python, "-c", `
import numpy as np, pandas as pd, matplotlib.pyplot as plt, io
df = pd.DataFrame({"x": np.arange(4)})
plt.plot(df.x, df.x ** 2)
buf = io.BytesIO(); plt.savefig(buf, format="png")
print(int(df.x.sum()), buf.getvalue()[:4] == b"\x89PNG")`)
	cmd.Env = []string{"PYTHONPATH=" + env.SitePackages, "MPLCONFIGDIR=" + t.TempDir(), "MPLBACKEND=Agg", "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "6 True" {
		t.Fatalf("using the libraries: %v: %s", err, out)
	}
}
