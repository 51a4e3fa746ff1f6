package cgroups

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

func TestParseMounts(t *testing.T) {
	hybrid := `32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:4 - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`
	h, err := parseMounts(bufio.NewScanner(strings.NewReader(hybrid)))
	if err != nil || h.version != 1 || h.v1["cpu"] != "/sys/fs/cgroup/cpu,cpuacct" || h.v1["freezer"] != "" {
		t.Fatalf("hybrid: %+v %v", h, err)
	}
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "cgroup.controllers"), []byte("cpuset cpu io memory pids\n"), 0o644)
	h, err = parseMounts(bufio.NewScanner(strings.NewReader("25 1 0:22 / " + root + " rw - cgroup2 cgroup2 rw\n")))
	if err != nil || h.version != 2 || h.unified != root {
		t.Fatalf("v2: %+v %v", h, err)
	}
	os.WriteFile(filepath.Join(root, "cgroup.controllers"), []byte("cpu io\n"), 0o644)
	if _, err = parseMounts(bufio.NewScanner(strings.NewReader("25 1 0:22 / " + root + " rw - cgroup2 cgroup2 rw\n"))); err == nil || !strings.Contains(err.Error(), "[memory pids]") {
		t.Fatalf("v2 without controllers: %v", err)
	}
}

// TestV2Files checks what is written on a cgroup v2 host, on a fake tree
// (the hosts tests run on may be v1 or hybrid).
func TestV2Files(t *testing.T) {
	root := t.TempDir()
	h := &hierarchy{version: 2, unified: root}
	l := sandbox.Limits{MemoryBytes: 300 << 20, CPUMillis: 1500, Pids: 100}
	if err := h.create("agentcore/x", l); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "agentcore", "x")
	for file, want := range map[string]string{
		"memory.max": "314572800", "memory.swap.max": "0", "cpu.max": "150000 100000", "pids.max": "100",
		"../cgroup.subtree_control": "+memory +cpu +pids", "../../cgroup.subtree_control": "+memory +cpu +pids",
	} {
		if b, _ := os.ReadFile(filepath.Join(dir, file)); string(b) != want {
			t.Errorf("%s = %q, want %q", file, b, want)
		}
	}
	if got, err := h.limits("agentcore/x"); err != nil || got != l {
		t.Fatalf("read back %+v %v", got, err)
	}
	os.WriteFile(filepath.Join(dir, "memory.events"), []byte("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "memory.current"), []byte("4096\n"), 0o644)
	if st, err := h.stats("agentcore/x"); err != nil || st.MemoryBytes != 4096 || st.OOMKills != 1 {
		t.Fatalf("stats %+v %v", st, err)
	}
}

func TestLive(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	l := sandbox.Limits{MemoryBytes: 128 << 20, CPUMillis: 250, Pids: 16}
	c, err := New("cg-test-live", l)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Remove()
	if _, err := New("cg-test-live", l); err == nil {
		t.Fatal("duplicate New succeeded")
	}
	if got, err := c.Limits(); err != nil || got != l {
		t.Fatalf("limits %+v %v", got, err)
	}
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go cmd.Wait()
	if err := c.Add(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if p, _ := c.Procs(); len(p) != 1 || p[0] != cmd.Process.Pid {
		t.Fatalf("procs %v", p)
	}
	if st, err := c.Stats(); err != nil || st.Pids != 1 {
		t.Fatalf("stats %+v %v", st, err)
	}
	if err := c.Remove(); err != nil { // kills the sleep
		t.Fatal(err)
	}
	if err := c.Remove(); err != nil {
		t.Fatalf("second Remove: %v", err)
	}
	for _, d := range c.Paths() {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s left: %v", d, err)
		}
	}
	if _, err := New("../escape", l); err == nil {
		t.Fatal("bad name accepted")
	}
}
