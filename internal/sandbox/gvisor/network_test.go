package gvisor_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet/hostnettest"
	"github.com/agentcore-dev/agentcore/internal/sandbox/netns"
)

// TestPublicEgress: a PUBLIC session reaches "the internet" (a namespace
// standing in for it, through hostnet's NAT); a NONE session does not.
func TestPublicEgress(t *testing.T) {
	d := driver(t)
	out := hostnettest.Outside(t, "gvisor-test-outside", "10.232.77.0")
	var ln net.Listener
	if err := netns.Do(out.Path, func() (err error) {
		ln, err = net.Listen("tcp", net.JoinHostPort(out.Addr, "0"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	addr := ln.Addr().String()
	pub := agentSpec(t, "egress")
	pub.Network = "PUBLIC"
	in := start(t, d, pub)
	if m := call(t, in, "/dial", "addr", addr); m["err"] != "" {
		t.Fatalf("PUBLIC sandbox cannot reach the outside at %s: %v", addr, m)
	}
	none := start(t, d, agentSpec(t, "no-egress"))
	if m := call(t, none, "/dial", "addr", addr); m["err"] == "" {
		t.Fatalf("NONE sandbox reached the outside at %s", addr)
	}
}

// TestImageRoot runs the agent from an image root (Spec.RootFS): the host's
// directories are absent, writes land in the session's in-memory layer and
// never in the image directory.
func TestImageRoot(t *testing.T) {
	d := driver(t)
	root := t.TempDir()
	os.Chmod(root, 0o755)
	for _, sub := range []string{"bin", "tmp", "proc", "sys", "dev", "data"} {
		os.MkdirAll(filepath.Join(root, sub), 0o755)
	}
	os.Chown(filepath.Join(root, "data"), 65534, 65534) // the image's own writable dir
	b, err := os.ReadFile(filepath.Join(agentDir(t), "agent"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "bin", "agent"), b, 0o755)
	s := agentSpec(t, "image")
	s.Dir, s.RootFS, s.Command = "", root, []string{"agent"}
	in := start(t, d, s)
	if m := call(t, in, "/read", "path", "/etc/hostname"); m["err"] == "" {
		t.Fatal("host /etc visible inside an image root")
	}
	if m := call(t, in, "/write", "path", "/data/x", "data", "layer"); m["err"] != "" {
		t.Fatalf("write into the image's writable dir: %v", m)
	}
	if m := call(t, in, "/read", "path", "/data/x"); m["data"] != "layer" {
		t.Fatalf("read back from the writable layer: %v", m)
	}
	if _, err := os.Stat(filepath.Join(root, "data", "x")); err == nil {
		t.Fatal("a sandbox write reached the image directory on the host")
	}
	ents, _ := os.ReadDir(root)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, ","); got != "bin,data,dev,proc,sys,tmp" {
		t.Fatalf("image directory changed: %s", got)
	}
}
