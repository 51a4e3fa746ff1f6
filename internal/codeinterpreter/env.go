package codeinterpreter

import (
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/codeinterpreter/kernel"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// Environment is where a session's languages come from: the host's Python
// and Node.js and the prebuilt data-library directories, all exposed
// read-only to the sandbox.
type Environment struct {
	Python  string            // python3 executable (absolute path or a name on PATH)
	Node    string            // node executable; "" = JavaScript and TypeScript are unavailable
	LibDirs []string          // PYTHONPATH entries (the data libraries)
	Env     map[string]string // extra variables for the kernel (override the defaults)
	// HostPaths are other host directories the kernel reads, exposed
	// read-only (the isolating drivers show it nothing else of the host).
	HostPaths []string
}

// basePath is the PATH tail every kernel gets after python's and node's
// directories.
const basePath = "/usr/local/bin:/usr/bin:/bin"

// spec is the sandbox spec of one kernel environment (without ID, output
// writers, network and limits, which the launch fills).
func (e Environment) spec(kernelDir string) sandbox.Spec {
	var pathDirs []string
	hosts := []string{}
	add := func(bin string) {
		if bin == "" {
			return
		}
		if p, err := exec.LookPath(bin); err == nil {
			bin = p
		}
		if filepath.IsAbs(bin) {
			pathDirs = append(pathDirs, filepath.Dir(bin))
		}
		hosts = append(hosts, runtime.HostPaths(bin)...)
	}
	add(e.Python)
	add(e.Node)
	env := map[string]string{
		"PATH":                          strings.Join(append(uniq(pathDirs), basePath), ":"),
		"LANG":                          "C.UTF-8",
		"PYTHONUNBUFFERED":              "1",
		"PYTHONPATH":                    strings.Join(e.LibDirs, ":"),
		"MPLBACKEND":                    "Agg",
		"AGENTCORE_NODE":                e.Node,
		"PIP_USER":                      "1",
		"PIP_DISABLE_PIP_VERSION_CHECK": "1",
	}
	maps.Copy(env, e.Env)
	hosts = append(hosts, e.HostPaths...)
	// The data libraries live under the server's data directory: isolating
	// drivers show them at a neutral path (and rewrite PYTHONPATH).
	var mounts []sandbox.Mount
	for i, d := range uniq(e.LibDirs) {
		mounts = append(mounts, sandbox.Mount{Source: d, Target: libMount + strconv.Itoa(i)})
	}
	var kv []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		kv = append(kv, k+"="+env[k])
	}
	return sandbox.Spec{
		Command:   kernel.Argv(e.Python, kernelDir),
		Dir:       kernelDir,
		Env:       kv,
		Ports:     []int{kernelPort},
		HostPaths: uniq(hosts),
		Mounts:    mounts,
	}
}

// libMount is where the isolating drivers show LibDirs[i]: libMount + "i".
const libMount = "/opt/agentcore/lib/"

// kernelPort is the kernel's HTTP port inside its environment.
const kernelPort = 8080

// uniq drops repeated entries, keeping the first of each.
func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
