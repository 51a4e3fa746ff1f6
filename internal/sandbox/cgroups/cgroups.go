// Package cgroups gives each sandbox session its own control group, named
// agentcore/<id> in every hierarchy it uses, with memory, CPU and pids limits.
// It works with cgroup v1 (including hybrid hosts, where v1 controllers are
// mounted under /sys/fs/cgroup/<controller> and an empty v2 tree sits at
// /sys/fs/cgroup/unified) and with pure cgroup v2.
//
// Cgroups are created at the root of each hierarchy, not below the server's
// own cgroup, so limits do not depend on how the server was started.
package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// Base is the directory, below each hierarchy's root, that holds the
// per-session cgroups.
const Base = "agentcore"

// cfsPeriod is the CFS period in microseconds used to express CPU limits.
const cfsPeriod = 100000

// Stats is a snapshot of a cgroup's resource use.
type Stats struct {
	MemoryBytes int64 // current memory charge (including page cache)
	MemoryPeak  int64 // high-water mark, 0 if the kernel does not report it
	Pids        int   // processes and threads
	PidsDenied  int   // forks refused because the pids limit was hit
	OOMKills    int   // processes killed because the memory limit was hit
	CPUNanos    int64 // CPU time used (all tasks, user + system)
}

// Cgroup is one session's control group.
type Cgroup struct {
	name string
	h    *hierarchy
	mu   sync.Mutex
	gone bool
}

// Available returns nil when sessions can be given cgroups with memory, CPU and
// pids limits, or the precise reason they cannot.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("cgroups: must run as root to manage cgroups")
	}
	_, err := detect()
	return err
}

// New creates agentcore/<id> and applies l (zero fields take the defaults).
// It fails if the cgroup already exists or a limit cannot be written; nothing
// is left behind on error.
func New(id string, l sandbox.Limits) (*Cgroup, error) {
	if err := validName(id); err != nil {
		return nil, err
	}
	h, err := detect()
	if err != nil {
		return nil, err
	}
	c := &Cgroup{name: filepath.Join(Base, id), h: h}
	for _, d := range h.dirs(c.name) {
		if _, err := os.Stat(d); err == nil {
			return nil, fmt.Errorf("cgroups: create %s: %w", c.name, os.ErrExist)
		}
	}
	if err := h.create(c.name, l.WithDefaults()); err != nil {
		h.remove(c.name)
		return nil, fmt.Errorf("cgroups: create %s: %w", c.name, err)
	}
	return c, nil
}

// Name returns the cgroup's path relative to each hierarchy root.
func (c *Cgroup) Name() string { return c.name }

// Version returns 1 or 2.
func (c *Cgroup) Version() int { return c.h.version }

// Add moves process pid (and its threads) into the cgroup.
func (c *Cgroup) Add(pid int) error {
	for _, dir := range c.h.dirs(c.name) {
		if err := write(dir, "cgroup.procs", strconv.Itoa(pid)); err != nil {
			return fmt.Errorf("cgroups: add %d to %s: %w", pid, c.name, err)
		}
	}
	return nil
}

// SetLimits replaces the limits given to New (zero fields take the
// defaults).
func (c *Cgroup) SetLimits(l sandbox.Limits) error {
	if err := c.h.setLimits(c.name, l.WithDefaults()); err != nil {
		return fmt.Errorf("cgroups: %s: %w", c.name, err)
	}
	return nil
}

// Procs lists the processes in the cgroup.
func (c *Cgroup) Procs() ([]int, error) { return procs(c.h.dirs(c.name)[0]) }

// KillAll sends SIGKILL to every process in the cgroup and waits until it is
// empty.
func (c *Cgroup) KillAll() error {
	if err := c.h.killAll(c.name); err != nil {
		return fmt.Errorf("cgroups: kill %s: %w", c.name, err)
	}
	return nil
}

// Remove kills what is left in the cgroup and deletes it. It is idempotent.
func (c *Cgroup) Remove() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gone {
		return nil
	}
	kerr := c.h.killAll(c.name)
	if err := c.h.remove(c.name); err != nil {
		return fmt.Errorf("cgroups: remove %s: %w", c.name, errors.Join(err, kerr))
	}
	c.gone = true
	return nil
}

// Stats reads the cgroup's current resource use.
func (c *Cgroup) Stats() (Stats, error) { return c.h.stats(c.name) }

// Limits reads back the limits in force.
func (c *Cgroup) Limits() (sandbox.Limits, error) { return c.h.limits(c.name) }

// Paths returns the cgroup's directories, one per hierarchy used.
func (c *Cgroup) Paths() []string { return c.h.dirs(c.name) }

// Cleanup removes empty session cgroups whose name starts with prefix, left
// by a crashed server. Populated ones are left alone. Call it before starting
// sessions: a cgroup just created by New is empty until Add.
func Cleanup(prefix string) error {
	h, err := detect()
	if err != nil {
		return nil // nothing of ours can exist
	}
	names := map[string]bool{}
	for _, root := range h.roots() {
		ents, _ := os.ReadDir(filepath.Join(root, Base))
		for _, e := range ents {
			if e.IsDir() && strings.HasPrefix(e.Name(), prefix) {
				names[e.Name()] = true
			}
		}
	}
	var errs []error
	for n := range names {
		name, populated := filepath.Join(Base, n), false
		for _, d := range h.dirs(name) {
			if p, err := procs(d); err == nil && len(p) > 0 {
				populated = true
			}
		}
		if !populated {
			if err := h.remove(name); err != nil {
				errs = append(errs, fmt.Errorf("cgroups: remove stale %s: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}

func validName(id string) error {
	if id == "" || id == "." || id == ".." || len(id) > 200 || strings.ContainsAny(id, "/\x00\n") {
		return fmt.Errorf("cgroups: invalid cgroup name %q", id)
	}
	return nil
}

func write(dir, file, value string) error {
	return os.WriteFile(filepath.Join(dir, file), []byte(value), 0)
}

func readInt(dir, file string) (int64, error) {
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return 0, err
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return -1, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// keyed reads "key value" lines (memory.events, memory.stat) into a map.
func keyed(dir, file string) map[string]int64 {
	out := map[string]int64{}
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 2 {
			if v, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				out[f[0]] = v
			}
		}
	}
	return out
}

func procs(dir string) ([]int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		return nil, err
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if p, err := strconv.Atoi(f); err == nil {
			out = append(out, p)
		}
	}
	return out, nil
}
