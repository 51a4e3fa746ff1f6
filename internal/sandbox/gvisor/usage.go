package gvisor

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// Usage implements sandbox.UsageReporter from the cgroup runsc made for the
// sandbox (CgroupParent/<container id>): memory charge and CPU time of the
// whole sandbox (Sentry, Gofer and the agent).
func (in *instance) Usage() (sandbox.Usage, error) {
	rel := filepath.Join(CgroupParent, in.cid)
	var u sandbox.Usage
	// cgroup v1 (one mount per controller) first, then v2.
	mem, err := readCgroupInt(filepath.Join("/sys/fs/cgroup/memory", rel, "memory.usage_in_bytes"))
	if err == nil {
		u.MemoryBytes = mem
		if ns, err := readCgroupInt(filepath.Join("/sys/fs/cgroup/cpuacct", rel, "cpuacct.usage")); err == nil {
			u.CPUTime = time.Duration(ns)
		} else if ns, err := readCgroupInt(filepath.Join("/sys/fs/cgroup/cpu,cpuacct", rel, "cpuacct.usage")); err == nil {
			u.CPUTime = time.Duration(ns)
		}
		return u, nil
	}
	dir := filepath.Join("/sys/fs/cgroup", rel)
	if u.MemoryBytes, err = readCgroupInt(filepath.Join(dir, "memory.current")); err != nil {
		return u, fmt.Errorf("gvisor: usage of %s: %w", in.cid, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "cpu.stat"))
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "usage_usec "); ok {
			us, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			u.CPUTime = time.Duration(us) * time.Microsecond
		}
	}
	return u, nil
}

func readCgroupInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}
