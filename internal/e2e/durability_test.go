package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestKill9Durability: writers create Memory events through the AWS SDK
// while the server (its own process, as users run it) is killed with
// SIGKILL; after a restart on the same storage every write the server had
// acknowledged reads back, and the sessions' listings answer (issue 20,
// must show 2). SQLite always; PostgreSQL when AGENTCORE_TEST_POSTGRES_DSN
// is set (.ci/run starts one).
func TestKill9Durability(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the kill -9 durability test")
	}
	bin := testenv.BuildGo(t, "cmd/agentcore")
	stores := map[string]string{"sqlite": ""}
	if os.Getenv("AGENTCORE_TEST_POSTGRES_DSN") != "" {
		stores["postgres"] = testenv.Postgres(t, "e2e_kill9").DSN // a fresh schema: no other run's data or master key
	} else {
		t.Log("AGENTCORE_TEST_POSTGRES_DSN not set: PostgreSQL case skipped")
	}
	for name, dsn := range stores {
		t.Run(name, func(t *testing.T) { kill9Round(t, bin, t.TempDir(), dsn) })
	}
}

func kill9Round(t *testing.T, bin, dir, dsn string) {
	url := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	start := func() *exec.Cmd {
		args := []string{"server", "--listen", strings.TrimPrefix(url, "http://"), "--data-dir", dir, "--sandbox", "process", "--log-level", "error"}
		if dsn != "" {
			args = append(args, "--database", dsn)
		}
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "AGENTCORE_ACCESS_KEY_ID=", "AGENTCORE_SECRET_ACCESS_KEY=")
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() }) //nolint:errcheck
		deadline := time.Now().Add(time.Minute)
		for {
			if resp, err := http.Get(url + "/_agentcore/health"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return cmd
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("server not healthy after a minute:\n%s", logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	ctx := context.Background()
	cmd := start()
	control, data := testenv.Clients(url)
	mem, err := control.CreateMemory(ctx, &ctl.CreateMemoryInput{Name: aws.String(fmt.Sprintf("durable_%d", time.Now().UnixNano())), EventExpiryDuration: aws.Int32(30)})
	if err != nil {
		t.Fatal(err)
	}
	memID := *mem.Memory.Id
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		g, err := control.GetMemory(ctx, &ctl.GetMemoryInput{MemoryId: aws.String(memID)})
		if err == nil && g.Memory.Status == ctltypes.MemoryStatusActive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("memory not ACTIVE: %v", err)
		}
	}
	type ack struct{ actor, id string }
	var mu sync.Mutex
	var acked []ack
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			actor := fmt.Sprintf("writer-%d", w)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				out, err := data.CreateEvent(ctx, &dp.CreateEventInput{MemoryId: aws.String(memID), ActorId: aws.String(actor), SessionId: aws.String("s"),
					EventTimestamp: aws.Time(time.Now()), Payload: []dptypes.PayloadType{&dptypes.PayloadTypeMemberConversational{
						Value: dptypes.Conversational{Role: dptypes.RoleUser, Content: &dptypes.ContentMemberText{Value: fmt.Sprintf("write %d of %s", i, actor)}}}}})
				if err != nil {
					continue // during and after the kill: not acknowledged, may or may not be stored
				}
				mu.Lock()
				acked = append(acked, ack{actor, *out.Event.EventId})
				mu.Unlock()
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck
	cmd.Wait()                                      //nolint:errcheck
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}
	start()
	lost := 0
	for _, a := range acked {
		if _, err := data.GetEvent(ctx, &dp.GetEventInput{MemoryId: aws.String(memID), ActorId: aws.String(a.actor), SessionId: aws.String("s"), EventId: aws.String(a.id)}); err != nil {
			lost++
			if lost <= 3 {
				t.Errorf("acknowledged event %s of %s: %v", a.id, a.actor, err)
			}
		}
	}
	for w := 0; w < 8; w++ {
		if _, err := data.ListEvents(ctx, &dp.ListEventsInput{MemoryId: aws.String(memID), ActorId: aws.String(fmt.Sprintf("writer-%d", w)), SessionId: aws.String("s")}); err != nil {
			t.Errorf("ListEvents after the restart: %v", err)
		}
	}
	t.Logf("%d acknowledged writes before kill -9, %d lost", len(acked), lost)
}
