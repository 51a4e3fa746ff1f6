package api_test

import (
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestMemoryHogIsolated: under an isolating driver a session that exceeds its
// memory limit is killed, its invocation gets RuntimeClientError, and the
// platform and other sessions keep serving.
func TestMemoryHogIsolated(t *testing.T) {
	for _, driver := range []string{"linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			testenv.RequireImageDriver(t, driver)
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			cfg.Limits = sandbox.Limits{MemoryBytes: 128 << 20}
			e := testenv.Start(t, cfg)
			arn := *e.Deploy(t, "hog", nil).AgentRuntimeArn
			by := testenv.SessionID("bystander")
			e.InvokeJSON(t, arn, by, map[string]any{"action": "count"})
			_, _, err := e.Invoke(bg, arn, testenv.SessionID("hog"), map[string]any{"action": "hog", "mb": 600}, "")
			if !isRuntimeClientError(err) {
				t.Fatalf("memory hog: want RuntimeClientError, got %v", err)
			}
			if m := e.InvokeJSON(t, arn, by, map[string]any{"action": "count"}); m["count"].(float64) != 2 {
				t.Fatalf("bystander session disturbed: %v", m)
			}
			if m := e.InvokeJSON(t, arn, testenv.SessionID("hog"), map[string]any{"action": "count"}); m["count"].(float64) != 1 {
				t.Fatalf("the hog's next invocation should get a fresh environment: %v", m)
			}
		})
	}
}

// TestEntryPointExitsAtOnce: an agent that exits immediately fails fast with
// the reason, under every driver.
func TestEntryPointExitsAtOnce(t *testing.T) {
	for _, driver := range []string{"process", "linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			if driver != "process" {
				testenv.RequireImageDriver(t, driver)
			}
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			e := testenv.Start(t, cfg)
			e.Upload(t, "agents", "exits.zip", testenv.Zip(t, map[string][]byte{"agent.py": []byte("import sys\nprint('bye')\nsys.exit(3)\n")}))
			out := deployZip(t, e, "exits", "exits.zip", "agent.py")
			_, _, err := e.Invoke(bg, out, testenv.SessionID("exit"), map[string]any{}, "")
			if !isRuntimeClientError(err) || !strings.Contains(err.Error(), "exit") {
				t.Fatalf("want RuntimeClientError naming the exit, got %v", err)
			}
		})
	}
}

// TestServerRejectsBadSandboxConfig: limits out of range and unknown drivers
// are clear errors at start.
func TestServerRejectsBadSandboxConfig(t *testing.T) {
	for _, cfg := range []server.Config{
		{Config: config.Config{Sandbox: "nosuch"}},
		{Config: config.Config{Limits: sandbox.Limits{MemoryBytes: 1 << 20}}},
		{Config: config.Config{Limits: sandbox.Limits{Pids: 2}}},
		{Config: config.Config{Limits: sandbox.Limits{CPUMillis: 1}}},
	} {
		cfg.Listen, cfg.DataDir = "127.0.0.1:0", t.TempDir()
		if s, err := server.Start(bg, cfg); err == nil {
			s.Close(bg)
			t.Errorf("server started with %+v", cfg)
		}
	}
}
