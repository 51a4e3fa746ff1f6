package sandbox

import (
	"reflect"
	"testing"
)

func TestRelocate(t *testing.T) {
	s := Spec{
		Command: []string{"/data/bundles/a/1/.deps/bin/agent", "/data/bundles/a/1/main.py", "/data/bundles/a/10"},
		Dir:     "/data/bundles/a/1/",
		WorkDir: "/data/bundles/a/1",
		Env: []string{"PATH=/data/bundles/a/1/.deps/bin:/usr/bin", "PYTHONPATH=/data/bundles/a/1/.deps:/data/env/sp",
			"X=-c 'cd /data/bundles/a/1 && ls'", "Y=/data/bundles/a/1x", "HOME=/data"},
		HostPaths: []string{"/root/.pyenv/versions/3.11"},
		Mounts:    []Mount{{Source: "/data/env/sp", Target: "/opt/agentcore/lib/0"}},
	}
	got, ms := Relocate(s)
	want := Spec{
		Command: []string{BundlePath + "/.deps/bin/agent", BundlePath + "/main.py", "/data/bundles/a/10"},
		Dir:     BundlePath,
		WorkDir: BundlePath,
		Env: []string{"PATH=" + BundlePath + "/.deps/bin:/usr/bin", "PYTHONPATH=" + BundlePath + "/.deps:/opt/agentcore/lib/0",
			"X=-c '" + "cd " + BundlePath + " && ls'", "Y=/data/bundles/a/1x", "HOME=/data"},
		HostPaths: []string{"/root/.pyenv/versions/3.11"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	if wantMs := []Mount{{Source: "/data/bundles/a/1", Target: BundlePath}, {Source: "/data/env/sp", Target: "/opt/agentcore/lib/0"}}; !reflect.DeepEqual(ms, wantMs) {
		t.Fatalf("mounts %v", ms)
	}
	if got, ms := Relocate(Spec{Command: []string{"/bin/true"}}); ms != nil || got.Command[0] != "/bin/true" {
		t.Fatalf("%v %v", got, ms)
	}
}
