package linuxns

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

func TestGracefulStop(t *testing.T) {
	d := driver(t)
	in, err := d.Start(context.Background(), sandbox.Spec{ID: "graceful",
		Command: []string{"/bin/sh", "-c", `trap "exit 0" TERM; while :; do sleep 0.05; done`}})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let the shell install its trap
	t0 := time.Now()
	if err := in.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(t0); el > time.Second {
		t.Fatalf("Stop took %v: SIGTERM not delivered", el)
	}
	if err := in.Err(); err != nil {
		t.Fatalf("agent did not exit cleanly on SIGTERM: %v", err)
	}
	if _, err := in.Dial(context.Background(), 8080); err == nil {
		t.Fatal("Dial after Stop succeeded")
	}
}

func TestStopKillsStubbornAgent(t *testing.T) {
	d := New(Options{StopGrace: 200 * time.Millisecond, NameTag: testTag})
	if err := d.Available(); err != nil {
		t.Skip(err)
	}
	in, err := d.Start(context.Background(), sandbox.Spec{ID: "stubborn",
		Command: []string{"/bin/sh", "-c", `trap "" TERM; sleep 1000 & while :; do sleep 0.05; done`}})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	t0 := time.Now()
	if err := in.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(t0); el > 2*time.Second {
		t.Fatalf("Stop took %v", el)
	}
}

func TestConcurrentStarts(t *testing.T) {
	d := driver(t)
	const n = 12
	var wg sync.WaitGroup
	ins := make([]sandbox.Instance, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ins[i], errs[i] = d.Start(context.Background(), sandbox.Spec{ID: "par", Command: []string{"probe"},
				Dir: probeAgentDir(t), Ports: []int{8080}, Network: "PUBLIC"})
		}()
	}
	wg.Wait()
	for _, in := range ins {
		if in != nil {
			t.Cleanup(func() { in.Stop(context.Background()) })
		}
	}
	seen := map[string]bool{}
	for i, in := range ins {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		a := in.(*instance).net.Addr().String()
		if seen[a] {
			t.Fatalf("address %s given twice", a)
		}
		seen[a] = true
		if got := call(t, in, "/ping"); got != "ok" {
			t.Fatalf("session %d: %q", i, got)
		}
	}
}

func TestCanceledStart(t *testing.T) {
	d := driver(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Start(ctx, sandbox.Spec{ID: "canceled", Command: []string{"/bin/true"}}); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("Start with a canceled context: %v", err)
	}
}
