package e2e

// BenchmarkSessionStorage (issue 22): per sandbox driver, the time from
// InvokeAgentRuntime to the answer for (a) a fresh session of a runtime
// without session storage, (b) a fresh session of one with session storage
// (empty directory created and mounted), (c) a stopped session resumed with
// 100 MB in 10,000 files in its storage (the ownership walk and the quota
// measurement run before the agent starts); and, where the driver can
// checkpoint, idle checkpoint and restore times of a runtime with
// AGENTCORE_CHECKPOINT_ON_IDLE (bench_checkpoint_test.go). Run with -benchtime 1x:
//
//	go test -run '^$' -bench SessionStorage -benchtime 1x -timeout 30m ./internal/e2e/
//
// AGENTCORE_BENCH_DRIVERS (comma list) picks drivers; results go to
// docs/benchmarks.md.

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

const storageBenchIters = 10

func BenchmarkSessionStorage(b *testing.B) {
	drivers := []string{"linuxns", "gvisor"}
	if v := os.Getenv("AGENTCORE_BENCH_DRIVERS"); v != "" {
		drivers = strings.Split(v, ",")
	}
	var rows []string
	for _, driver := range drivers {
		b.Run(driver, func(b *testing.B) {
			if driver != "process" {
				testenv.RequireImageDriver(b, driver)
			}
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			e := testenv.Start(b, cfg)
			plain := *e.Deploy(b, "bench_plain", nil).AgentRuntimeArn
			stored := *e.Deploy(b, "bench_storage", func(in *ctl.CreateAgentRuntimeInput) {
				in.FilesystemConfigurations = []ctltypes.FilesystemConfiguration{&ctltypes.FilesystemConfigurationMemberSessionStorage{
					Value: ctltypes.SessionStorageConfiguration{MountPath: aws.String("/mnt/data")}}}
			}).AgentRuntimeArn
			timed := func(arn, sid string) time.Duration {
				t0 := time.Now()
				if m := e.InvokeJSON(b, arn, sid, map[string]any{"action": "count"}); m["count"] != float64(1) {
					b.Fatalf("not a new environment: %v", m)
				}
				return time.Since(t0)
			}
			stopSession := func(arn, sid string) {
				if _, err := e.Data.StopRuntimeSession(context.Background(), &bedrockagentcore.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(sid)}); err != nil {
					b.Fatal(err)
				}
			}
			var fresh, freshStorage, resumed []time.Duration
			for i := range storageBenchIters {
				sid := testenv.SessionID(fmt.Sprintf("plain-%d", i))
				fresh = append(fresh, timed(plain, sid))
				stopSession(plain, sid)
				sid = testenv.SessionID(fmt.Sprintf("fresh-%d", i))
				freshStorage = append(freshStorage, timed(stored, sid))
				stopSession(stored, sid)
			}
			full := testenv.SessionID("full")
			t0 := time.Now()
			if m := e.InvokeJSON(b, stored, full, map[string]any{"action": "fs", "op": "mkfiles", "path": "/mnt/data/files", "count": 10000, "size": 10000}); m["error"] != nil {
				b.Fatal(m["error"])
			}
			fill := time.Since(t0)
			if m := e.InvokeJSON(b, stored, full, map[string]any{"action": "fs", "op": "du", "path": "/mnt/data/files"}); m["files"] != float64(10101) {
				b.Fatalf("storage holds %v", m)
			}
			for range storageBenchIters {
				stopSession(stored, full)
				resumed = append(resumed, timed(stored, full))
			}
			if m := e.InvokeJSON(b, stored, full, map[string]any{"action": "readfile", "path": "/mnt/data/files/d099/f09999"}); m["error"] != nil || m["data"] == "" {
				b.Fatalf("resumed storage lost a file: %v", m["error"])
			}
			row := func(name string, ds []time.Duration) {
				slices.Sort(ds)
				rows = append(rows, fmt.Sprintf("| %s | %s | %d | %s | %s | %s |", driver, name, len(ds),
					fmtMs(ds[len(ds)/2]), fmtMs(ds[0]), fmtMs(ds[len(ds)-1])))
			}
			row("fresh session, no session storage", fresh)
			row("fresh session, empty session storage", freshStorage)
			row("resumed session, 100 MB / 10,000 files", resumed)
			rows = append(rows, fmt.Sprintf("| %s | (writing the 100 MB / 10,000 files from the agent: %s) | | | | |", driver, fmtMs(fill)))
			e.Stop()
			rows = append(rows, checkpointRows(b, driver)...)
		})
	}
	fmt.Println("| driver | start | n | p50 | min | max |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Println(r)
	}
}

func fmtMs(d time.Duration) string { return fmt.Sprintf("%.1f ms", ms(d)) }
