package gvisor

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// The few OCI runtime-spec (1.0.2) structures runsc reads. They are written
// here because github.com/opencontainers/runtime-spec is not a dependency.
type ociSpec struct {
	Version string     `json:"ociVersion"`
	Process ociProcess `json:"process"`
	Root    ociRoot    `json:"root"`
	Mounts  []ociMount `json:"mounts"`
	Linux   ociLinux   `json:"linux"`
}

type ociProcess struct {
	User            ociUser    `json:"user"`
	Args            []string   `json:"args"`
	Env             []string   `json:"env"`
	Cwd             string     `json:"cwd"`
	NoNewPrivileges bool       `json:"noNewPrivileges"`
	Capabilities    ociCaps    `json:"capabilities"`
	Rlimits         []ociLimit `json:"rlimits,omitempty"`
}

type ociUser struct {
	UID uint32 `json:"uid"`
	GID uint32 `json:"gid"`
}

// ociCaps with every set empty: the agent holds no capability.
type ociCaps struct {
	Bounding    []string `json:"bounding"`
	Effective   []string `json:"effective"`
	Inheritable []string `json:"inheritable"`
	Permitted   []string `json:"permitted"`
	Ambient     []string `json:"ambient"`
}

type ociLimit struct {
	Type string `json:"type"`
	Hard uint64 `json:"hard"`
	Soft uint64 `json:"soft"`
}

type ociRoot struct {
	Path     string `json:"path"`
	Readonly bool   `json:"readonly"`
}

type ociMount struct {
	Destination string   `json:"destination"`
	Type        string   `json:"type"`
	Source      string   `json:"source"`
	Options     []string `json:"options,omitempty"`
}

type ociLinux struct {
	Namespaces  []ociNamespace `json:"namespaces"`
	Resources   ociResources   `json:"resources"`
	CgroupsPath string         `json:"cgroupsPath"`
}

type ociNamespace struct {
	Type string `json:"type"`
	Path string `json:"path,omitempty"`
}

type ociResources struct {
	Memory struct {
		Limit int64 `json:"limit"`
	} `json:"memory"`
	CPU struct {
		Quota  int64  `json:"quota"`
		Period uint64 `json:"period"`
	} `json:"cpu"`
	Pids struct {
		Limit int64 `json:"limit"`
	} `json:"pids"`
}

// sandboxUID is the unprivileged user the agent runs as (nobody).
const sandboxUID = 65534

const cpuPeriod = 100000 // µs

// systemDirs are the host directories a code artifact's root is built from.
var systemDirs = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"}

// buildSpec turns a session Spec into an OCI runtime spec. rootDir is the
// root path for code artifacts (an empty per-session directory), netnsPath
// the session's network namespace and cgroup the cgroupsPath.
func buildSpec(s sandbox.Spec, rootDir, netnsPath, cgroup string) (*ociSpec, error) {
	argv0, err := resolveCommand(s, withDefaults(s.Env, s.Ports))
	if err != nil {
		return nil, err
	}
	// From here on, the spec as the agent sees it: Dir at sandbox.BundlePath.
	hostPaths := s.HostPaths
	s, binds := sandbox.Relocate(s)
	argv0 = sandbox.RewritePath(argv0, binds)
	env := withDefaults(s.Env, s.Ports)
	cwd := s.WorkDir
	if cwd == "" {
		cwd = s.Dir
	}
	if cwd == "" || s.RootFS != "" && s.WorkDir == "" {
		cwd = "/"
	}
	if !path.IsAbs(cwd) {
		return nil, fmt.Errorf("gvisor: working directory %q is not absolute", cwd)
	}
	lim := s.Limits.WithDefaults()
	o := &ociSpec{Version: "1.0.2"}
	o.Process = ociProcess{
		User: ociUser{UID: sandboxUID, GID: sandboxUID},
		Args: append([]string{argv0}, s.Command[1:]...), Env: env, Cwd: cwd,
		NoNewPrivileges: true,
		Capabilities:    ociCaps{[]string{}, []string{}, []string{}, []string{}, []string{}},
		Rlimits:         []ociLimit{{Type: "RLIMIT_NOFILE", Hard: 65536, Soft: 65536}},
	}
	// The root is always writable to the sandbox through runsc's in-memory
	// overlay (--overlay2=root:memory); the host directory is never written.
	o.Root = ociRoot{Path: rootDir, Readonly: false}
	mounts := []ociMount{
		{Destination: "/proc", Type: "proc", Source: "proc"},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"ro", "nosuid", "nodev", "noexec"}},
		{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"mode=1777", "nosuid", "nodev"}},
	}
	if s.RootFS != "" {
		o.Root.Path = s.RootFS
	} else {
		ro := func(p string) ociMount {
			return ociMount{Destination: p, Type: "bind", Source: p, Options: []string{"rbind", "ro", "nosuid", "nodev"}}
		}
		for _, d := range systemDirs {
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				mounts = append(mounts, ro(d))
			}
		}
		for _, p := range hostPaths {
			binds = append(binds, sandbox.Mount{Source: p, Target: p})
		}
	}
	for _, b := range binds {
		if s.RootFS != "" && !b.Writable {
			continue // read-only binds are for roots built from the host
		}
		if !filepath.IsAbs(b.Source) || !filepath.IsAbs(b.Target) {
			return nil, fmt.Errorf("gvisor: host path %q or its target %q is not absolute", b.Source, b.Target)
		}
		if _, err := os.Stat(b.Source); err != nil {
			return nil, fmt.Errorf("gvisor: host path: %w", err)
		}
		m := ociMount{Destination: filepath.Clean(b.Target), Type: "bind", Source: filepath.Clean(b.Source), Options: []string{"rbind", "ro", "nosuid", "nodev"}}
		if b.Writable {
			m.Options = []string{"rbind", "rw", "nosuid", "nodev"}
		}
		mounts = append(mounts, m)
	}
	// Parents before children (/tmp before a Dir under /tmp).
	sort.SliceStable(mounts, func(i, j int) bool { return depth(mounts[i].Destination) < depth(mounts[j].Destination) })
	o.Mounts = mounts
	o.Linux.Namespaces = []ociNamespace{{Type: "pid"}, {Type: "ipc"}, {Type: "uts"}, {Type: "mount"}, {Type: "network", Path: netnsPath}}
	o.Linux.Resources.Memory.Limit = lim.MemoryBytes
	o.Linux.Resources.CPU.Quota = int64(lim.CPUMillis) * cpuPeriod / 1000
	o.Linux.Resources.CPU.Period = cpuPeriod
	o.Linux.Resources.Pids.Limit = int64(lim.Pids)
	o.Linux.CgroupsPath = cgroup
	return o, nil
}

func depth(p string) int { return strings.Count(path.Clean(p), "/") }

// withDefaults returns env plus HOME, TMPDIR and PORT (the first contract
// port) unless env sets them.
func withDefaults(env []string, ports []int) []string {
	out := append([]string(nil), env...)
	have := map[string]bool{}
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		have[k] = true
	}
	add := func(k, v string) {
		if !have[k] {
			out = append(out, k+"="+v)
		}
	}
	add("HOME", "/tmp")
	add("TMPDIR", "/tmp")
	add("PATH", "/usr/local/bin:/usr/bin:/bin")
	if len(ports) > 0 {
		add("PORT", strconv.Itoa(ports[0]))
	}
	return out
}

// resolveCommand finds Command[0] as the sandbox will see it: in Dir first,
// then in PATH from env, inside the root (RootFS, or the host directories
// the code-artifact root is made of). It fails fast with a clear error.
func resolveCommand(s sandbox.Spec, env []string) (string, error) {
	if len(s.Command) == 0 || s.Command[0] == "" {
		return "", errors.New("gvisor: empty command")
	}
	name := s.Command[0]
	hostPath := func(p string) string { return filepath.Join(s.RootFS, p) } // RootFS "" = host root
	if strings.Contains(name, "/") {
		p := name
		if !path.IsAbs(p) {
			p = path.Join(s.Dir, p)
		}
		if err := executable(hostPath(p)); err != nil {
			return "", fmt.Errorf("gvisor: command %q: %w", name, err)
		}
		return p, nil
	}
	var pathDirs []string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathDirs = filepath.SplitList(v)
		}
	}
	for _, d := range append([]string{s.Dir}, pathDirs...) {
		if !path.IsAbs(d) {
			continue
		}
		if p := path.Join(d, name); executable(hostPath(p)) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("gvisor: command %q not found in %q or PATH %v", name, s.Dir, pathDirs)
}

// executable reports why p is not a runnable file (symlinks inside an image
// root are accepted as they are: runsc resolves them inside the sandbox).
func executable(p string) error {
	st, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if st.Mode()&os.ModeSymlink != 0 {
		if st, err = os.Stat(p); err != nil {
			return nil
		}
	}
	if !st.Mode().IsRegular() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file (mode %v)", p, st.Mode())
	}
	return nil
}
