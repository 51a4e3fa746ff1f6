package gvisor_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox/gvisor"
)

// TestCheckpointRestore: a checkpointed sandbox, restored from its image in
// a new network namespace, is the same process (pid, the file it wrote in
// its in-memory /tmp, a process it started) serving on its contract port;
// the restored instance stops cleanly, and a missing image is an error.
func TestCheckpointRestore(t *testing.T) {
	d := driver(t)
	if !d.Capabilities().Checkpoint {
		c, _ := d.Choice()
		t.Skipf("runsc %s (%s) cannot checkpoint sandboxes on the host network stack; set %s to a current runsc", c.Runsc, c.Version, gvisor.RunscEnv)
	}
	s := agentSpec(t, "ckpt")
	in := start(t, d, s)
	pid := call(t, in, "/pid")["raw"]
	if m := call(t, in, "/write", "path", "/tmp/kept", "data", "in-memory"); m["err"] != "" {
		t.Fatal(m)
	}
	sh(t, in, "sleep 1000 >/dev/null 2>&1 &")
	img := t.TempDir()
	t0 := time.Now()
	info, err := d.Checkpoint(context.Background(), in, img)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("checkpoint took %v, image %d bytes", time.Since(t0), info.Bytes)
	select {
	case <-in.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the sandbox still runs after its checkpoint")
	}
	if err := in.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if info.Bytes == 0 {
		t.Fatal("empty checkpoint image")
	}

	t0 = time.Now()
	r, err := d.Restore(context.Background(), s, img)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := r.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	}()
	took, err := waitServing(r, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("restore serving after %v (%v since the call)", took, time.Since(t0))
	if got := call(t, r, "/pid")["raw"]; got != pid {
		t.Fatalf("pid after restore = %v, want %v (a new process, not the restored one)", got, pid)
	}
	if m := call(t, r, "/read", "path", "/tmp/kept"); m["data"] != "in-memory" {
		t.Fatalf("/tmp/kept after restore: %v", m)
	}
	if ps := sh(t, r, "for p in /proc/[0-9]*; do cat $p/cmdline; echo; done"); !strings.Contains(ps, "sleep") {
		t.Fatalf("the background process is gone after restore: %q", ps)
	}
	if _, err := d.Restore(context.Background(), s, filepath.Join(img, "missing")); err == nil {
		t.Fatal("restore from a missing image succeeded")
	}
}

// TestSavesHostinet: a binary carrying the old sentry's refusal cannot
// checkpoint, one without it can (also across the 1 MiB read boundary).
func TestSavesHostinet(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, at int) string {
		b := make([]byte, 3<<20)
		if at >= 0 {
			copy(b[at:], "checkpoint not supported when using hostinet")
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if !gvisor.SavesHostinet(write("new", -1)) {
		t.Fatal("a binary without the refusal: cannot checkpoint")
	}
	for _, at := range []int{0, 1<<20 - 10, 2<<20 + 5, 3<<20 - 44} {
		if gvisor.SavesHostinet(write("old", at)) {
			t.Fatalf("refusal at %d not found", at)
		}
	}
	if gvisor.SavesHostinet(filepath.Join(dir, "missing")) {
		t.Fatal("a missing binary can checkpoint")
	}
	if _, err := os.Stat("/usr/bin/runsc"); err == nil {
		t.Logf("/usr/bin/runsc can checkpoint: %v", gvisor.SavesHostinet("/usr/bin/runsc"))
	}
}
