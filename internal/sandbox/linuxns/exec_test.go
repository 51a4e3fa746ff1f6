package linuxns

import (
	"context"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
)

// TestExecConfined: a command run with Exec is inside the agent's sandbox
// (its PID namespace, where the agent runs under the session's init,
// hostname, cgroup) with no capabilities, no_new_privs
// and the seccomp filter.
func TestExecConfined(t *testing.T) {
	in := probe(t, driver(t), "execns", nil)
	var out, errb sandboxtest.SyncBuffer
	p, err := in.Exec(context.Background(), sandbox.ExecSpec{
		Argv:   []string{"/bin/sh", "-c", `for p in /proc/[0-9]*; do tr '\0' ' ' <$p/cmdline; echo; done; hostname; grep -E '^(CapEff|CapPrm|NoNewPrivs|Seccomp):' /proc/self/status; cat /proc/self/cgroup; unshare -U true && echo UN''SHARED; true`},
		Stdout: &out, Stderr: &errb,
	})
	if err != nil {
		t.Fatal(err)
	}
	if code, err := p.Wait(); err != nil || code != 0 {
		t.Fatalf("exit %d %v; stderr %s", code, err, errb.String())
	}
	o := out.String()
	for _, want := range []string{"\nprobe \n", "agentcore-linuxns-init", "\nexecns\n", "CapEff:\t0000000000000000", "CapPrm:\t0000000000000000",
		"NoNewPrivs:\t1", "Seccomp:\t2", "0::/\n"} {
		if !strings.Contains(o, want) {
			t.Errorf("exec output lacks %q:\n%s", want, o)
		}
	}
	if strings.Contains(o, "UNSHARED") {
		t.Errorf("exec could create a user namespace:\n%s", o)
	}
}
