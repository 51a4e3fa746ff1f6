package api_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/agentcore-dev/agentcore/internal/testenv/pywheel"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

func sessionStorage(path string) []ctltypes.FilesystemConfiguration {
	return []ctltypes.FilesystemConfiguration{&ctltypes.FilesystemConfigurationMemberSessionStorage{
		Value: ctltypes.SessionStorageConfiguration{MountPath: aws.String(path)}}}
}

// TestSessionStorage: under each isolating driver, a session's files at its
// sessionStorage mountPath survive StopRuntimeSession, the idle timeout and
// a server restart; another session sees none of them and cannot reach
// them (symlink, hard link, host path); a new runtime version starts empty.
func TestSessionStorage(t *testing.T) {
	for _, driver := range []string{"linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			testenv.RequireImageDriver(t, driver)
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			cfg.IdleTimeout = 2 * time.Second
			cfg.DataDir = t.TempDir()
			sessionStorageLifecycle(t, cfg)
		})
	}
}

func sessionStorageLifecycle(t *testing.T, cfg server.Config) {
	e := testenv.Start(t, cfg)
	out := e.Deploy(t, "storage", func(in *ctl.CreateAgentRuntimeInput) { in.FilesystemConfigurations = sessionStorage("/mnt/data") })
	arn, id := *out.AgentRuntimeArn, *out.AgentRuntimeId

	got, err := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.FilesystemConfigurations) != 1 {
		t.Fatalf("GetAgentRuntime filesystemConfigurations: %#v", got.FilesystemConfigurations)
	}
	if ss, ok := got.FilesystemConfigurations[0].(*ctltypes.FilesystemConfigurationMemberSessionStorage); !ok || aws.ToString(ss.Value.MountPath) != "/mnt/data" {
		t.Fatalf("GetAgentRuntime filesystemConfigurations[0]: %#v", got.FilesystemConfigurations[0])
	}

	a, b := testenv.SessionID("storage-a"), testenv.SessionID("storage-b")
	env := e.InvokeJSON(t, arn, a, map[string]any{"envKeys": []string{"AGENTCORE_SESSION_STORAGE"}})["env"].(map[string]any)
	if env["AGENTCORE_SESSION_STORAGE"] != "/mnt/data" {
		t.Fatalf("AGENTCORE_SESSION_STORAGE = %v, want /mnt/data", env["AGENTCORE_SESSION_STORAGE"])
	}
	mustOK(t, e.InvokeJSON(t, arn, a, map[string]any{"action": "writefile", "path": "/mnt/data/notes.txt", "data": "kept"}))
	mustOK(t, e.InvokeJSON(t, arn, a, map[string]any{"action": "fs", "op": "mkfiles", "path": "/mnt/data/tree", "count": 150, "size": 100}))
	who := e.InvokeJSON(t, arn, a, map[string]any{"action": "fs", "op": "whoami", "path": "/mnt/data/notes.txt"})
	if who["ownerUid"] != who["uid"] {
		t.Fatalf("the agent does not own the file it wrote: %v", who)
	}
	expectKept := func(step string) {
		t.Helper()
		if m := e.InvokeJSON(t, arn, a, map[string]any{"action": "readfile", "path": "/mnt/data/notes.txt"}); m["data"] != "kept" {
			t.Fatalf("after %s: notes.txt: %v", step, m)
		}
		if m := e.InvokeJSON(t, arn, a, map[string]any{"action": "fs", "op": "du", "path": "/mnt/data/tree"}); m["files"] != float64(153) {
			t.Fatalf("after %s: tree holds %v entries, want 153 (the root, 2 dirs, 150 files)", step, m)
		}
		// Still writable by the new environment (whose ids differ).
		mustOK(t, e.InvokeJSON(t, arn, a, map[string]any{"action": "writefile", "path": "/mnt/data/tree/d000/f00000", "data": "rewritten"}))
	}

	stop(t, e, arn, a)
	expectKept("StopRuntimeSession")

	waitGone(t, e, a, 10*time.Second)
	if m := e.InvokeJSON(t, arn, a, map[string]any{"action": "count"}); m["count"] != float64(1) {
		t.Fatalf("the idle timeout did not end the environment: %v", m)
	}
	expectKept("idle timeout")

	e.Stop()
	e = testenv.Start(t, cfg)
	expectKept("server restart")

	// Another session: empty storage, and no way to the first one's files.
	if m := e.InvokeJSON(t, arn, b, map[string]any{"action": "listdir", "path": "/mnt/data"}); len(m["names"].([]any)) != 0 || m["error"] != nil {
		t.Fatalf("a second session sees files: %v", m)
	}
	hostA := filepath.Join(cfg.DataDir, "session-storage")
	storageAttacks(t, e, arn, b, hostA)
	stop(t, e, arn, b) // the next start walks b's tree (ownership) with its planted links in it
	if m := e.InvokeJSON(t, arn, b, map[string]any{"action": "readfile", "path": "/mnt/data/escape/x"}); m["error"] == nil {
		t.Fatalf("read through a symlink after restart: %v", m)
	}
	expectKept("another session's attacks")
	checkHostOwners(t, cfg.DataDir)

	// A new version starts empty.
	cur, _ := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
	if _, err := e.Control.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: aws.String(id), AgentRuntimeArtifact: cur.AgentRuntimeArtifact,
		RoleArn: cur.RoleArn, NetworkConfiguration: cur.NetworkConfiguration, FilesystemConfigurations: cur.FilesystemConfigurations}); err != nil {
		t.Fatal(err)
	}
	e.WaitReady(t, id, time.Minute)
	stop(t, e, arn, a)
	if m := e.InvokeJSON(t, arn, a, map[string]any{"action": "listdir", "path": "/mnt/data"}); len(m["names"].([]any)) != 0 {
		t.Fatalf("version 2 kept version 1's session storage: %v", m)
	}
}

// storageAttacks tries, from session s, to reach other sessions' storage:
// the host path, a symlink to it, a hard link out of the storage, .. paths.
func storageAttacks(t *testing.T, e *testenv.Env, arn, s, hostRoot string) {
	t.Helper()
	fail := func(what string, m map[string]any) {
		t.Helper()
		if m["error"] == nil {
			t.Fatalf("%s succeeded: %v", what, m)
		}
	}
	fail("reading the storage root by its host path", e.InvokeJSON(t, arn, s, map[string]any{"action": "listdir", "path": hostRoot}))
	mustOK(t, e.InvokeJSON(t, arn, s, map[string]any{"action": "fs", "op": "symlink", "path": "/mnt/data/escape", "target": hostRoot}))
	fail("listing through a symlink to the host path", e.InvokeJSON(t, arn, s, map[string]any{"action": "listdir", "path": "/mnt/data/escape"}))
	mustOK(t, e.InvokeJSON(t, arn, s, map[string]any{"action": "fs", "op": "symlink", "path": "/mnt/data/up", "target": "../../../../../../.."}))
	if m := e.InvokeJSON(t, arn, s, map[string]any{"action": "listdir", "path": "/mnt/data/up/mnt/data"}); len(m["names"].([]any)) > 3 {
		t.Fatalf("a .. symlink leads out of the session: %v", m)
	}
	fail("hard link to the bundle", e.InvokeJSON(t, arn, s, map[string]any{"action": "fs", "op": "link", "path": "/mnt/data/hl", "target": "/opt/agentcore/bundle/bootstrap"}))
	fail("hard link to a host path", e.InvokeJSON(t, arn, s, map[string]any{"action": "fs", "op": "link", "path": "/mnt/data/hl2", "target": filepath.Join(hostRoot, "x")}))
	fail("hard link out of the storage", e.InvokeJSON(t, arn, s, map[string]any{"action": "fs", "op": "link", "path": "/tmp/hl3", "target": "/mnt/data/up"}))
}

// checkHostOwners: nothing outside session-storage/*/.../data was given to
// an agent's ids by the ownership walk (the planted symlinks point there).
func checkHostOwners(t *testing.T, dataDir string) {
	t.Helper()
	root := filepath.Join(dataDir, "session-storage")
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || strings.Contains(p, "/data/") || strings.HasSuffix(p, "/data") {
			return nil
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
			t.Errorf("%s is owned by %d on the host, want root", p, st.Uid)
		}
		return nil
	})
}

func mustOK(t *testing.T, m map[string]any) {
	t.Helper()
	if m["error"] != nil {
		t.Fatalf("agent: %v", m["error"])
	}
}

// TestSessionStoragePythonSDK: a bedrock-agentcore SDK app writes a file and
// pip-installs a package into its session storage; after StopRuntimeSession
// and a server restart a new environment reads the file and imports the
// package; another session sees neither.
func TestSessionStoragePythonSDK(t *testing.T) {
	for _, driver := range []string{"linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			testenv.RequireImageDriver(t, driver)
			if err := exec.Command("python3", "-c", "import bedrock_agentcore").Run(); err != nil {
				t.Skip("the host's python3 has no bedrock_agentcore package")
			}
			cfg := testenv.Fast()
			cfg.Sandbox, cfg.DataDir = driver, t.TempDir()
			e := testenv.Start(t, cfg)
			src, err := os.ReadFile(filepath.Join("testdata", "pystorage", "agent.py"))
			if err != nil {
				t.Fatal(err)
			}
			wheel, err := pywheel.Write(t.TempDir(), "storage-demo", "1.0", map[string]string{"storage_demo/__init__.py": "VALUE = 42\n"})
			if err != nil {
				t.Fatal(err)
			}
			whl, _ := os.ReadFile(wheel)
			key := "pystorage-" + driver + ".zip"
			e.Upload(t, "agents", key, testenv.Zip(t, map[string][]byte{"agent.py": src, "wheels/" + filepath.Base(wheel): whl}))
			out, err := e.Control.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
				AgentRuntimeName: aws.String("py_storage"), RoleArn: aws.String(testenv.RoleArn),
				AgentRuntimeArtifact:     testenv.CodeArtifact(&ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)}, testenv.PythonRuntime(), "agent.py"),
				NetworkConfiguration:     &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
				FilesystemConfigurations: sessionStorage("/mnt/data"),
			})
			if err != nil {
				t.Fatal(err)
			}
			e.WaitReady(t, *out.AgentRuntimeId, 2*time.Minute)
			arn := *out.AgentRuntimeArn
			a, b := testenv.SessionID("py-store-a"), testenv.SessionID("py-store-b")
			mustOK(t, e.InvokeJSON(t, arn, a, map[string]any{"op": "write", "data": "from the first environment"}))
			if m := e.InvokeJSON(t, arn, a, map[string]any{"op": "pip", "wheel": filepath.Base(wheel)}); m["code"] != float64(0) {
				t.Fatalf("pip install into session storage: %v", m)
			}
			check := func(step string) {
				t.Helper()
				if m := e.InvokeJSON(t, arn, a, map[string]any{"op": "read"}); m["data"] != "from the first environment" {
					t.Fatalf("after %s: %v", step, m)
				}
				if m := e.InvokeJSON(t, arn, a, map[string]any{"op": "import"}); m["value"] != float64(42) {
					t.Fatalf("after %s: import of the pip-installed package: %v", step, m)
				}
			}
			stop(t, e, arn, a)
			check("StopRuntimeSession")
			e.Stop()
			e = testenv.Start(t, cfg)
			check("server restart")
			if m := e.InvokeJSON(t, arn, b, map[string]any{"op": "list"}); len(m["names"].([]any)) != 0 {
				t.Fatalf("another session sees %v", m)
			}
			if m := e.InvokeJSON(t, arn, b, map[string]any{"op": "import"}); m["error"] == nil {
				t.Fatalf("another session imports the package: %v", m)
			}
		})
	}
}
