package process

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// clockTick is USER_HZ, the unit of /proc/<pid>/stat CPU times (100 on
// every Linux architecture Go supports).
const clockTick = 100

// Usage implements sandbox.UsageReporter from /proc/<pid>/stat of the agent
// process: resident memory, and CPU time of the process and its waited-for
// children.
func (in *instance) Usage() (sandbox.Usage, error) {
	if in.cmd.Process == nil {
		return sandbox.Usage{}, fmt.Errorf("process: not started")
	}
	return procUsage(in.cmd.Process.Pid)
}

func procUsage(pid int) (sandbox.Usage, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return sandbox.Usage{}, fmt.Errorf("process: usage: %w", err)
	}
	// pid (comm) state ppid ... : comm may hold spaces, so split after ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return sandbox.Usage{}, fmt.Errorf("process: usage: malformed stat")
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime..cstime are fields 14..17, rss field 24.
	if len(f) < 22 {
		return sandbox.Usage{}, fmt.Errorf("process: usage: short stat")
	}
	var ticks int64
	for _, k := range []int{11, 12, 13, 14} {
		v, _ := strconv.ParseInt(f[k], 10, 64)
		ticks += v
	}
	rss, _ := strconv.ParseInt(f[21], 10, 64)
	return sandbox.Usage{
		MemoryBytes: rss * int64(os.Getpagesize()),
		CPUTime:     time.Duration(ticks) * time.Second / clockTick,
	}, nil
}
