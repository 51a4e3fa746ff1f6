// Package environment builds and finds the code interpreter's language
// environment: a versioned directory of Python data libraries (numpy,
// pandas, matplotlib) installed with pip for the host's Python, which the
// sandboxed kernel gets on PYTHONPATH, plus the resolved python and node
// binaries.
//
// Layout under the root directory (Root(dataDir) for a server):
//
//	<root>/<id>/site-packages   pip install --target (PYTHONPATH)
//	<root>/<id>/mplconfig       matplotlib's font cache, built once: a seed to copy
//	                            into a session's own MPLCONFIGDIR (matplotlib
//	                            wants that directory writable and warns on
//	                            stderr when it is not)
//	<root>/<id>/ready.json      written last: the build succeeded
//	<root>/<id>.lock            held while building
//
// <id> is a hash of the interpreter's identity (implementation, version,
// platform) and the package list, so a new Python or a changed pin builds a
// new directory and old ones stay usable until removed.
package environment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Packages are the data libraries every code interpreter session can
// import, and their dependencies, all pinned so every machine gets the same
// set. Changing the list builds a new environment.
var Packages = []string{
	"numpy==2.4.6",
	"pandas==3.1.1",
	"matplotlib==3.11.2",
	// Their dependencies, as pip resolved them for the three above.
	"contourpy==1.3.3",
	"cycler==0.12.1",
	"fonttools==4.69.1",
	"kiwisolver==1.5.1",
	"packaging==26.4",
	"pillow==13.0.0",
	"pyparsing==3.3.3",
	"python-dateutil==4.0.0",
	"tzdata==2026.6",
}

// ErrNotBuilt is returned (wrapped) by Lookup when the environment for the
// interpreter and package list has not been built.
var ErrNotBuilt = errors.New("code interpreter environment not built yet: run `agentcore code-interpreter setup`")

// Root is the environment root inside a server data directory.
func Root(dataDir string) string {
	return filepath.Join(dataDir, "codeinterpreter", "env")
}

// Env is a built environment.
type Env struct {
	Dir           string            `json:"-"`             // <root>/<id>
	SitePackages  string            `json:"-"`             // Dir/site-packages: the PYTHONPATH entry
	MPLConfigDir  string            `json:"-"`             // Dir/mplconfig: a warm matplotlib font cache to copy from ("" if matplotlib is not installed)
	Python        string            `json:"python"`        // the interpreter it was built for (resolved, absolute)
	PythonVersion string            `json:"pythonVersion"` // e.g. "cpython-311 3.11.7 linux-x86_64"
	Packages      []string          `json:"packages"`      // as requested
	Installed     map[string]string `json:"installed"`     // distribution → version, from site-packages
	Built         time.Time         `json:"built"`
}

const (
	markerName = "ready.json"
	siteDir    = "site-packages"
	mplDir     = "mplconfig"
)

// Lookup returns the ready environment under root for python (a name or
// path, resolved as ResolvePython does; "" = python3) and packages (none
// given = Packages), or an error wrapping ErrNotBuilt.
func Lookup(root, python string, packages ...string) (*Env, error) {
	if len(packages) == 0 {
		packages = Packages
	}
	py := ResolvePython(python)
	version, err := pythonIdentity(context.Background(), py)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, envID(version, packages))
	env, err := readMarker(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &notBuiltError{version: version, root: root}
	}
	return env, err
}

// notBuiltError says which environment is missing; it matches ErrNotBuilt.
type notBuiltError struct{ version, root string }

func (e *notBuiltError) Error() string {
	return fmt.Sprintf("code interpreter environment not built yet (python %s, in %s): run `agentcore code-interpreter setup` with the server's --data-dir", e.version, e.root)
}

func (e *notBuiltError) Is(target error) bool { return target == ErrNotBuilt }

// envID names the directory for an interpreter identity and package list.
func envID(version string, packages []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "python %s\n", version)
	for _, p := range packages {
		fmt.Fprintf(h, "package %s\n", p)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// readMarker loads dir's ready.json and fills in the paths.
func readMarker(dir string) (*Env, error) {
	b, err := os.ReadFile(filepath.Join(dir, markerName))
	if err != nil {
		return nil, err
	}
	var env Env
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, markerName), err)
	}
	env.Dir = dir
	env.SitePackages = filepath.Join(dir, siteDir)
	if _, err := os.Stat(filepath.Join(dir, mplDir)); err == nil {
		env.MPLConfigDir = filepath.Join(dir, mplDir)
	}
	return &env, nil
}

// writeMarker records a successful build atomically.
func writeMarker(dir string, env *Env) error {
	b, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, markerName+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, markerName))
}

// ResolvePython resolves an interpreter name (possibly a pyenv shim) to the
// executable it runs ("" = python3), so a sandbox can expose its
// installation; it returns name unchanged when the interpreter does not run.
func ResolvePython(name string) string {
	if name == "" {
		name = "python3"
	}
	out, err := exec.Command(name, "-c", "import sys; print(sys.executable)").Output()
	if p := strings.TrimSpace(string(out)); err == nil && filepath.IsAbs(p) {
		return p
	}
	return name
}

// ResolveNode returns the node binary for the JavaScript worker:
// /usr/bin/node when present, else node on PATH with symlinks resolved, or
// "" when there is none.
func ResolveNode() string {
	if fi, err := os.Stat("/usr/bin/node"); err == nil && !fi.IsDir() {
		return "/usr/bin/node"
	}
	p, err := exec.LookPath("node")
	if err != nil {
		return ""
	}
	if rp, err := filepath.EvalSymlinks(p); err == nil {
		return rp
	}
	return p
}

// pythonIdentity is what the environment depends on: implementation and
// ABI tag, full version, platform.
func pythonIdentity(ctx context.Context, python string) (string, error) {
	out, err := exec.CommandContext(ctx, python, "-c",
		"import sys, platform, sysconfig; print(sys.implementation.cache_tag, platform.python_version(), sysconfig.get_platform())").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			err = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("python %s: %w", python, err)
	}
	return strings.TrimSpace(string(out)), nil
}
