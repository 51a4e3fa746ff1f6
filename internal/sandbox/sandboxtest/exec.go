package sandboxtest

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// execCase checks sandbox.Execer: a command runs in the agent's
// environment (its files, user and variables), with stdin, separate stdout
// and stderr, its exit code, and is killed when its context ends.
func execCase(t *testing.T, d sandbox.Driver, spec func(string) sandbox.Spec) {
	in := start(t, d, spec("exec"))
	get(t, in, "/ping")
	ex, ok := in.(sandbox.Execer)
	if !ok {
		t.Fatalf("driver %s: instance does not implement sandbox.Execer", d.Name())
	}
	run := func(t *testing.T, ctx context.Context, s sandbox.ExecSpec) (stdout, stderr string, code int) {
		t.Helper()
		var o, e SyncBuffer
		s.Stdout, s.Stderr = &o, &e
		p, err := ex.Exec(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		code, err = p.Wait()
		if err != nil {
			t.Fatal(err)
		}
		return o.String(), e.String(), code
	}
	sh := func(line string) sandbox.ExecSpec { return sandbox.ExecSpec{Argv: []string{"/bin/sh", "-c", line}} }
	ctx := context.Background()

	t.Run("OutputAndExitCode", func(t *testing.T) {
		o, e, code := run(t, ctx, sh("echo out; echo err >&2; exit 3"))
		if o != "out\n" || e != "err\n" || code != 3 {
			t.Fatalf("stdout %q stderr %q code %d", o, e, code)
		}
	})
	t.Run("AgentEnvironment", func(t *testing.T) {
		tmp := get(t, in, "/env?k=TMPDIR")
		if tmp == "" {
			tmp = "/tmp"
		}
		file := tmp + "/exec-probe"
		if out := get(t, in, "/write?path="+url.QueryEscape(file)+"&data=from-agent"); !strings.Contains(out, `"err":""`) {
			t.Fatalf("agent write: %s", out)
		}
		s := sh(`cat "$1"; echo " $GREETING $EXTRA"; id -u`)
		s.Argv = append(s.Argv, "sh", file)
		s.Env = []string{"EXTRA=x"}
		o, e, code := run(t, ctx, s)
		agentUID := get(t, in, "/exec?cmd=id+-u")
		lines := strings.Split(strings.TrimSpace(o), "\n")
		if code != 0 || len(lines) != 2 || lines[0] != "from-agent hello-exec x" || !strings.Contains(agentUID, `"out":"`+lines[1]+`\n"`) {
			t.Fatalf("exec saw %q (stderr %q, code %d); agent's id -u: %s", o, e, code, agentUID)
		}
	})
	t.Run("StdinAndDir", func(t *testing.T) {
		s := sh("pwd; cat")
		s.Dir, s.Stdin = "/", strings.NewReader("from-stdin")
		if o, e, code := run(t, ctx, s); o != "/\nfrom-stdin" || code != 0 {
			t.Fatalf("stdout %q stderr %q code %d", o, e, code)
		}
	})
	t.Run("KilledWhenContextEnds", func(t *testing.T) {
		cctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		t0 := time.Now()
		o, _, code := run(t, cctx, sh("sleep 30 & echo started $!; sleep 30; echo not-reached"))
		if took := time.Since(t0); took > 10*time.Second || code == 0 || strings.Contains(o, "not-reached") {
			t.Fatalf("took %v, code %d, stdout %q", took, code, o)
		}
		bg, ok := strings.CutPrefix(strings.TrimSpace(o), "started ")
		if !ok {
			t.Fatalf("output before the kill lost: %q", o)
		}
		// The command's background child died with it (a zombie counts as
		// dead: an agent that is PID 1 of its namespace may not reap it).
		deadline := time.Now().Add(5 * time.Second)
		for {
			alive, _, _ := run(t, ctx, sh("s=$(awk '{print $3}' /proc/"+bg+"/stat 2>/dev/null); if [ -z \"$s\" ] || [ \"$s\" = Z ]; then echo gone; else echo alive $s; fi"))
			if strings.TrimSpace(alive) == "gone" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("background child %s of a killed command still runs", bg)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	t.Run("WorkingDirectory", func(t *testing.T) {
		want := get(t, in, "/exec?cmd=pwd")
		o, _, _ := run(t, ctx, sh("pwd"))
		if !strings.Contains(want, `"out":"`+strings.TrimSpace(o)+`\n"`) {
			t.Fatalf("exec pwd %q; agent: %s", o, want)
		}
	})
	t.Run("BadCommand", func(t *testing.T) {
		if _, err := ex.Exec(ctx, sandbox.ExecSpec{}); err == nil {
			t.Fatal("empty argv accepted")
		}
		_, _, code := run(t, ctx, sandbox.ExecSpec{Argv: []string{"/bin/sh", "-c", "/nonexistent/cmd"}})
		if code != 127 {
			t.Fatalf("missing command: exit %d, want 127", code)
		}
	})
	t.Run("StopEndsCommands", func(t *testing.T) {
		p, err := ex.Exec(ctx, sh("sleep 60"))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		t0 := time.Now()
		in.Stop(ctx)
		waited := make(chan struct{})
		go func() { p.Wait(); close(waited) }() //nolint:errcheck // only the exit matters
		select {
		case <-waited:
		case <-time.After(15 * time.Second):
			p.Kill()
			t.Fatalf("a running command outlived Stop by %v", time.Since(t0))
		}
	})
	t.Run("AfterStop", func(t *testing.T) {
		in.Stop(ctx)
		if p, err := ex.Exec(ctx, sh("true")); err == nil {
			if code, _ := p.Wait(); code == 0 {
				t.Fatal("exec succeeded in a stopped environment")
			}
		}
	})
}
