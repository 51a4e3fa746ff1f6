package api_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

const sharedARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0"

func efs(arn, path string) ctltypes.FilesystemConfiguration {
	return &ctltypes.FilesystemConfigurationMemberEfsAccessPoint{Value: ctltypes.EfsAccessPointConfiguration{AccessPointArn: aws.String(arn), MountPath: aws.String(path)}}
}

func storageAt(path string) ctltypes.FilesystemConfiguration {
	return sessionStorage(path)[0]
}

// TestFilesystemConfigurationsBadInput: filesystemConfigurations the API
// refuses, on create and on update, with a ValidationException naming the
// problem.
func TestFilesystemConfigurationsBadInput(t *testing.T) {
	cfg := testenv.Fast()
	cfg.Filesystems = sharedARN + "=" + t.TempDir()
	e := testenv.Start(t, cfg)
	var six []ctltypes.FilesystemConfiguration
	for i := range 6 {
		six = append(six, efs(sharedARN, "/mnt/d"+string(rune('0'+i))))
	}
	cases := map[string]struct {
		fs   []ctltypes.FilesystemConfiguration
		want string
	}{
		"outside /mnt":   {sessionStorage("/data"), "directly under /mnt"},
		"/mnt itself":    {sessionStorage("/mnt"), "directly under /mnt"},
		"two levels":     {sessionStorage("/mnt/a/b"), "directly under /mnt"},
		"dot dot":        {sessionStorage("/mnt/.."), "directly under /mnt"},
		"escape":         {sessionStorage("/mnt/../etc"), "directly under /mnt"},
		"relative":       {sessionStorage("mnt/data"), "directly under /mnt"},
		"duplicate path": {[]ctltypes.FilesystemConfiguration{storageAt("/mnt/data"), efs(sharedARN, "/mnt/data")}, "is used by filesystemConfigurations[0] and [1]"},
		"six":            {six, "at most 5"},
		"two storages":   {[]ctltypes.FilesystemConfiguration{storageAt("/mnt/a"), storageAt("/mnt/b")}, "one sessionStorage"},
		"unknown ARN":    {[]ctltypes.FilesystemConfiguration{efs("arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-nope", "/mnt/x")}, "fsap-nope"},
		"unknown volume": {[]ctltypes.FilesystemConfiguration{&ctltypes.FilesystemConfigurationMemberCapacityProviderVolume{Value: ctltypes.CapacityProviderVolumeConfiguration{VolumeName: aws.String("scratch"), MountPath: aws.String("/mnt/x")}}}, `"scratch" is not a file system this server provides`},
	}
	loc := e.TestAgentZip(t)
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := e.Control.CreateAgentRuntime(bg, &ctl.CreateAgentRuntimeInput{
				AgentRuntimeName: aws.String("badfs"), RoleArn: aws.String(testenv.RoleArn),
				AgentRuntimeArtifact:     testenv.CodeArtifact(loc, ctltypes.AgentManagedRuntimeTypePython312, "bootstrap"),
				NetworkConfiguration:     &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
				FilesystemConfigurations: c.fs,
			})
			var ve *ctltypes.ValidationException
			if !errors.As(err, &ve) || !strings.Contains(aws.ToString(ve.Message), c.want) {
				t.Fatalf("want a ValidationException containing %q, got %v", c.want, err)
			}
		})
	}
	// Update refuses the same way and leaves the runtime as it was.
	out := e.Deploy(t, "goodfs", func(in *ctl.CreateAgentRuntimeInput) { in.FilesystemConfigurations = sessionStorage("/mnt/data") })
	cur, _ := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: out.AgentRuntimeId})
	_, err := e.Control.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: out.AgentRuntimeId, AgentRuntimeArtifact: cur.AgentRuntimeArtifact,
		RoleArn: cur.RoleArn, NetworkConfiguration: cur.NetworkConfiguration, FilesystemConfigurations: sessionStorage("/var/data")})
	var ve *ctltypes.ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("update with a bad mountPath: %v", err)
	}
	if got, _ := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: out.AgentRuntimeId}); aws.ToString(got.AgentRuntimeVersion) != "1" {
		t.Fatalf("a refused update made version %s", aws.ToString(got.AgentRuntimeVersion))
	}
}

// TestSessionStorageProcessDriver: the process driver has no mount
// namespace; the agent finds its session's directory in
// AGENTCORE_SESSION_STORAGE, which survives StopRuntimeSession.
func TestSessionStorageProcessDriver(t *testing.T) {
	e := testenv.Start(t, testenv.Fast())
	arn := *e.Deploy(t, "storage_proc", func(in *ctl.CreateAgentRuntimeInput) { in.FilesystemConfigurations = sessionStorage("/mnt/data") }).AgentRuntimeArn
	a, b := testenv.SessionID("proc-a"), testenv.SessionID("proc-b")
	dir := func(s string) string {
		env := e.InvokeJSON(t, arn, s, map[string]any{"envKeys": []string{"AGENTCORE_SESSION_STORAGE"}})["env"].(map[string]any)
		d, _ := env["AGENTCORE_SESSION_STORAGE"].(string)
		if !strings.HasPrefix(d, filepath.Join(e.DataDir, "session-storage")+"/") {
			t.Fatalf("AGENTCORE_SESSION_STORAGE = %q, want a directory under the data dir", d)
		}
		return d
	}
	da := dir(a)
	mustOK(t, e.InvokeJSON(t, arn, a, map[string]any{"action": "writefile", "path": da + "/notes.txt", "data": "kept"}))
	stop(t, e, arn, a)
	if d := dir(a); d != da {
		t.Fatalf("the session's directory moved: %s then %s", da, d)
	}
	if m := e.InvokeJSON(t, arn, a, map[string]any{"action": "readfile", "path": da + "/notes.txt"}); m["data"] != "kept" {
		t.Fatalf("after StopRuntimeSession: %v", m)
	}
	if db := dir(b); db == da {
		t.Fatal("two sessions share a directory")
	} else if m := e.InvokeJSON(t, arn, b, map[string]any{"action": "listdir", "path": db}); len(m["names"].([]any)) != 0 {
		t.Fatalf("a second session's directory is not empty: %v", m)
	}
}

// TestSharedFilesystem: a directory the operator maps to an EFS access
// point ARN (--filesystems) is mounted read-write at the requested path in
// every session of the runtime; two sessions read each other's writes.
func TestSharedFilesystem(t *testing.T) {
	for _, driver := range []string{"linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			testenv.RequireImageDriver(t, driver)
			shared := t.TempDir()
			// Every session runs as its own ids: the operator makes the
			// directory writable to them (see docs/session-storage.md).
			if err := os.Chmod(shared, 0o1777); err != nil {
				t.Fatal(err)
			}
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			cfg.Filesystems = sharedARN + "=" + shared
			e := testenv.Start(t, cfg)
			out := e.Deploy(t, "shared", func(in *ctl.CreateAgentRuntimeInput) {
				in.FilesystemConfigurations = []ctltypes.FilesystemConfiguration{efs(sharedARN, "/mnt/shared"), storageAt("/mnt/own")}
			})
			arn := *out.AgentRuntimeArn
			got, _ := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: out.AgentRuntimeId})
			if len(got.FilesystemConfigurations) != 2 {
				t.Fatalf("GetAgentRuntime filesystemConfigurations: %#v", got.FilesystemConfigurations)
			}
			a, b := testenv.SessionID("shared-a"), testenv.SessionID("shared-b")
			mustOK(t, e.InvokeJSON(t, arn, a, map[string]any{"action": "writefile", "path": "/mnt/shared/from-a", "data": "hello from a"}))
			mustOK(t, e.InvokeJSON(t, arn, b, map[string]any{"action": "writefile", "path": "/mnt/shared/from-b", "data": "hello from b"}))
			if m := e.InvokeJSON(t, arn, b, map[string]any{"action": "readfile", "path": "/mnt/shared/from-a"}); m["data"] != "hello from a" {
				t.Fatalf("b reads a's write: %v", m)
			}
			if m := e.InvokeJSON(t, arn, a, map[string]any{"action": "readfile", "path": "/mnt/shared/from-b"}); m["data"] != "hello from b" {
				t.Fatalf("a reads b's write: %v", m)
			}
			if b, err := os.ReadFile(filepath.Join(shared, "from-a")); err != nil || string(b) != "hello from a" {
				t.Fatalf("the host directory holds %q, %v", b, err)
			}
			// Each still has its own session storage next to the shared mount.
			mustOK(t, e.InvokeJSON(t, arn, a, map[string]any{"action": "writefile", "path": "/mnt/own/mine", "data": "a"}))
			if m := e.InvokeJSON(t, arn, b, map[string]any{"action": "readfile", "path": "/mnt/own/mine"}); m["error"] == nil {
				t.Fatalf("b reads a's session storage: %v", m)
			}
		})
	}
}

// TestSessionStorageQuotaAndExpiry: a session whose storage goes over the
// file quota is stopped and then refused with a ServiceQuotaExceededException
// saying why; storage unused for --session-storage-ttl is removed.
func TestSessionStorageQuotaAndExpiry(t *testing.T) {
	cfg := testenv.Fast()
	cfg.SessionStorageMaxFiles = 50
	cfg.SessionStorageCheck = 200 * time.Millisecond
	cfg.SessionStorageTTL = 2 * time.Second
	e := testenv.Start(t, cfg)
	arn := *e.Deploy(t, "quota", func(in *ctl.CreateAgentRuntimeInput) { in.FilesystemConfigurations = sessionStorage("/mnt/data") }).AgentRuntimeArn
	dir := func(s string) string {
		env := e.InvokeJSON(t, arn, s, map[string]any{"envKeys": []string{"AGENTCORE_SESSION_STORAGE"}})["env"].(map[string]any)
		return env["AGENTCORE_SESSION_STORAGE"].(string)
	}

	full := testenv.SessionID("quota-full")
	mustOK(t, e.InvokeJSON(t, arn, full, map[string]any{"action": "fs", "op": "mkfiles", "path": dir(full) + "/many", "count": 100, "size": 10}))
	waitGone(t, e, full, 5*time.Second)
	_, _, err := e.Invoke(bg, arn, full, map[string]any{}, "")
	var qe *types.ServiceQuotaExceededException
	if !errors.As(err, &qe) || !strings.Contains(aws.ToString(qe.Message), "over the quota of 50") {
		t.Fatalf("a session over its storage quota: want ServiceQuotaExceededException, got %v", err)
	}

	old := testenv.SessionID("expiring")
	d := dir(old)
	mustOK(t, e.InvokeJSON(t, arn, old, map[string]any{"action": "writefile", "path": d + "/f", "data": "x"}))
	stop(t, e, arn, old)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(d); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("session storage not removed after its TTL")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if m := e.InvokeJSON(t, arn, old, map[string]any{"action": "readfile", "path": dir(old) + "/f"}); m["error"] == nil {
		t.Fatalf("expired storage still readable: %v", m)
	}
}
