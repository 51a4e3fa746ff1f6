package cgroups

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// hierarchy says where the controllers live. In v1 mode v1 maps each
// controller we use (memory, cpu, pids, and freezer when mounted) to its
// mount point; in v2 mode unified is the cgroup2 mount point.
type hierarchy struct {
	version int
	v1      map[string]string
	unified string
}

var (
	detectOnce sync.Once
	detected   *hierarchy
	detectErr  error
)

func detect() (*hierarchy, error) {
	detectOnce.Do(func() {
		f, err := os.Open("/proc/self/mountinfo")
		if err != nil {
			detectErr = fmt.Errorf("cgroups: %w", err)
			return
		}
		defer f.Close()
		detected, detectErr = parseMounts(bufio.NewScanner(f))
	})
	return detected, detectErr
}

// parseMounts picks v1 when memory, cpu and pids are all mounted as v1
// controllers (legacy and hybrid hosts), otherwise v2 when the unified
// hierarchy offers them.
func parseMounts(sc *bufio.Scanner) (*hierarchy, error) {
	v1 := map[string]string{}
	unified := ""
	for sc.Scan() {
		// id parent maj:min root mountpoint opts [optional...] - fstype source superopts
		f := strings.Fields(sc.Text())
		sep := -1
		for i, s := range f {
			if s == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || len(f) < sep+4 || len(f) < 5 {
			continue
		}
		switch f[sep+1] {
		case "cgroup":
			for _, opt := range strings.Split(f[sep+3], ",") {
				switch opt {
				case "memory", "cpu", "cpuacct", "pids", "freezer":
					if _, dup := v1[opt]; !dup {
						v1[opt] = f[4]
					}
				}
			}
		case "cgroup2":
			if unified == "" {
				unified = f[4]
			}
		}
	}
	if v1["memory"] != "" && v1["cpu"] != "" && v1["pids"] != "" {
		return &hierarchy{version: 1, v1: v1}, nil
	}
	if unified != "" {
		b, err := os.ReadFile(filepath.Join(unified, "cgroup.controllers"))
		have := " " + strings.TrimSpace(string(b)) + " "
		var missing []string
		for _, c := range []string{"memory", "cpu", "pids"} {
			if !strings.Contains(have, " "+c+" ") {
				missing = append(missing, c)
			}
		}
		if err == nil && len(missing) == 0 {
			return &hierarchy{version: 2, unified: unified}, nil
		}
		return nil, fmt.Errorf("cgroups: controllers %v are neither mounted as cgroup v1 nor enabled in the cgroup v2 tree at %s", missing, unified)
	}
	return nil, errors.New("cgroups: no cgroup v1 memory/cpu/pids hierarchy and no cgroup2 mount found in /proc/self/mountinfo")
}

// roots returns each hierarchy root once.
func (h *hierarchy) roots() []string {
	if h.version == 2 {
		return []string{h.unified}
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range []string{"memory", "cpu", "pids", "freezer", "cpuacct"} {
		if r := h.v1[c]; r != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// dirs returns the cgroup's directory in each hierarchy; the first one holds
// memory accounting.
func (h *hierarchy) dirs(name string) []string {
	var out []string
	for _, r := range h.roots() {
		out = append(out, filepath.Join(r, name))
	}
	return out
}

func (h *hierarchy) dir(controller, name string) string {
	if h.version == 2 {
		return filepath.Join(h.unified, name)
	}
	return filepath.Join(h.v1[controller], name)
}

func (h *hierarchy) create(name string, l sandbox.Limits) error {
	if h.version == 2 {
		// Controllers must be enabled in every ancestor's subtree_control.
		for _, d := range []string{h.unified, filepath.Join(h.unified, filepath.Dir(name))} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
			if err := write(d, "cgroup.subtree_control", "+memory +cpu +pids"); err != nil {
				if errors.Is(err, syscall.EBUSY) {
					// cgroup v2 forbids controllers below a non-root cgroup
					// that holds processes (a container's cgroup namespace).
					return fmt.Errorf("enable controllers in %s: %w (it holds processes: run the server in a leaf cgroup, or with the host's cgroup hierarchy)", d, err)
				}
				return fmt.Errorf("enable controllers in %s: %w", d, err)
			}
		}
	}
	for _, d := range h.dirs(name) {
		if err := os.MkdirAll(filepath.Dir(d), 0o755); err != nil {
			return err
		}
		if err := os.Mkdir(d, 0o755); err != nil {
			return err
		}
	}
	return h.setLimits(name, l)
}

// setLimits writes l (with defaults applied) to the cgroup's controllers.
func (h *hierarchy) setLimits(name string, l sandbox.Limits) error {
	mem, cpu, pids := h.dir("memory", name), h.dir("cpu", name), h.dir("pids", name)
	quota := fmt.Sprint(int64(l.CPUMillis) * cfsPeriod / 1000)
	var steps [][3]string
	if h.version == 2 {
		steps = [][3]string{
			{mem, "memory.max", fmt.Sprint(l.MemoryBytes)},
			{mem, "memory.swap.max", "0"},
			{cpu, "cpu.max", fmt.Sprintf("%s %d", quota, cfsPeriod)},
			{pids, "pids.max", fmt.Sprint(l.Pids)},
		}
	} else {
		steps = [][3]string{
			{mem, "memory.limit_in_bytes", fmt.Sprint(l.MemoryBytes)},
			{mem, "memory.memsw.limit_in_bytes", fmt.Sprint(l.MemoryBytes)},
			{cpu, "cpu.cfs_period_us", fmt.Sprint(cfsPeriod)},
			{cpu, "cpu.cfs_quota_us", quota},
			{pids, "pids.max", fmt.Sprint(l.Pids)},
		}
	}
	for _, s := range steps {
		if err := write(s[0], s[1], s[2]); err != nil {
			if strings.Contains(s[1], "swap") && errors.Is(err, os.ErrNotExist) {
				continue // kernel without swap accounting
			}
			return fmt.Errorf("set %s=%s: %w", s[1], s[2], err)
		}
	}
	return nil
}

func (h *hierarchy) remove(name string) error {
	var errs []error
	for _, d := range h.dirs(name) {
		var err error
		for i := 0; i < 100; i++ { // the last tasks may still be exiting
			if err = os.Remove(d); err == nil || errors.Is(err, os.ErrNotExist) {
				err = nil
				break
			}
			if !errors.Is(err, syscall.EBUSY) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (h *hierarchy) killAll(name string) error {
	first := h.dirs(name)[0]
	if _, err := os.Stat(first); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if h.version == 2 {
		if err := write(first, "cgroup.kill", "1"); err == nil {
			return waitEmpty(first)
		}
	}
	freezer := ""
	if h.version == 1 && h.v1["freezer"] != "" {
		freezer = h.dir("freezer", name)
	}
	for i := 0; i < 50; i++ {
		// Freezing first stops a fork bomb from outrunning the kill loop.
		if freezer != "" {
			_ = write(freezer, "freezer.state", "FROZEN")
		}
		p, err := procs(first)
		if err != nil {
			return err
		}
		for _, pid := range p {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if freezer != "" {
			_ = write(freezer, "freezer.state", "THAWED")
		}
		if len(p) == 0 {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return waitEmpty(first)
}

func waitEmpty(dir string) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		p, err := procs(dir)
		if err != nil || len(p) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d processes still in %s", len(p), dir)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *hierarchy) stats(name string) (Stats, error) {
	var s Stats
	mem := h.dir("memory", name)
	var err error
	if h.version == 2 {
		s.MemoryBytes, err = readInt(mem, "memory.current")
		s.MemoryPeak, _ = readInt(mem, "memory.peak")
		s.OOMKills = int(keyed(mem, "memory.events")["oom_kill"])
	} else {
		s.MemoryBytes, err = readInt(mem, "memory.usage_in_bytes")
		s.MemoryPeak, _ = readInt(mem, "memory.max_usage_in_bytes")
		s.OOMKills = int(keyed(mem, "memory.oom_control")["oom_kill"])
	}
	if err != nil {
		return s, fmt.Errorf("cgroups: stats %s: %w", name, err)
	}
	if h.version == 2 {
		s.CPUNanos = keyed(h.dir("cpu", name), "cpu.stat")["usage_usec"] * 1000
	} else if v, err := readInt(h.dir("cpuacct", name), "cpuacct.usage"); err == nil {
		s.CPUNanos = v
	}
	n, _ := readInt(h.dir("pids", name), "pids.current")
	s.Pids = int(n)
	s.PidsDenied = int(keyed(h.dir("pids", name), "pids.events")["max"])
	return s, nil
}

func (h *hierarchy) limits(name string) (sandbox.Limits, error) {
	var l sandbox.Limits
	var mem, quota, period, pids int64
	var errs []error
	read := func(dst *int64, controller, file string) {
		v, err := readInt(h.dir(controller, name), file)
		*dst = v
		errs = append(errs, err)
	}
	if h.version == 2 {
		read(&mem, "memory", "memory.max")
		b, err := os.ReadFile(filepath.Join(h.dir("cpu", name), "cpu.max"))
		errs = append(errs, err)
		if _, err := fmt.Sscanf(string(b), "%d %d", &quota, &period); err != nil {
			quota, period = -1, cfsPeriod // "max 100000"
		}
	} else {
		read(&mem, "memory", "memory.limit_in_bytes")
		read(&quota, "cpu", "cpu.cfs_quota_us")
		read(&period, "cpu", "cpu.cfs_period_us")
	}
	read(&pids, "pids", "pids.max")
	if err := errors.Join(errs...); err != nil {
		return l, fmt.Errorf("cgroups: limits %s: %w", name, err)
	}
	l.MemoryBytes, l.Pids = mem, int(pids)
	if quota > 0 && period > 0 {
		l.CPUMillis = int(quota * 1000 / period)
	}
	return l, nil
}
