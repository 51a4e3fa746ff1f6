package gvisor_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckpointRestore: a checkpointed sandbox, restored from its image in
// a new network namespace, is the same process (pid, the file it wrote in
// its in-memory /tmp, a process it started) serving on its contract port;
// the restored instance stops cleanly, and a missing image is an error.
func TestCheckpointRestore(t *testing.T) {
	d := driver(t)
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
