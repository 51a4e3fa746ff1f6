package api_test

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// TestSessionStorageTwoReplicas: two servers on one PostgreSQL, whose
// artifact store (postgres, the default) is shared. A session writes files
// through replica A and is stopped; the same session id invoked through B
// finds them (restored from the snapshot A stored at the stop); B's writes
// come back to A (its stale local copy is replaced); a second session sees
// nothing; a new runtime version starts empty on either replica; a session
// ended by A's shutdown is found through B. Subtests: process and linuxns
// drivers with the postgres store, process with an S3-compatible store.
func TestSessionStorageTwoReplicas(t *testing.T) {
	t.Run("process", func(t *testing.T) { storageReplicas(t, "process", "") })
	t.Run("linuxns", func(t *testing.T) {
		testenv.RequireImageDriver(t, "linuxns")
		storageReplicas(t, "linuxns", "")
	})
	t.Run("process-s3", func(t *testing.T) {
		srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
		t.Cleanup(srv.Close)
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIDS3TEST")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
		client := awss3.New(awss3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true, Credentials: aws.AnonymousCredentials{}})
		if _, err := client.CreateBucket(bg, &awss3.CreateBucketInput{Bucket: aws.String("shared")}); err != nil {
			t.Fatal(err)
		}
		storageReplicas(t, "process", "s3://shared/agentcore?endpoint="+srv.URL)
		out, err := client.ListObjectsV2(bg, &awss3.ListObjectsV2Input{Bucket: aws.String("shared"), Prefix: aws.String("agentcore/agentcore-session-storage/")})
		if err != nil || len(out.Contents) == 0 {
			t.Fatalf("no session storage snapshots in the bucket: %v %v", out, err)
		}
		t.Logf("%d snapshots in the bucket, e.g. %s", len(out.Contents), aws.ToString(out.Contents[0].Key))
	})
}

func storageReplicas(t *testing.T, driver, artifacts string) {
	schema := "e2e_ssrep_" + driver
	if artifacts != "" {
		schema += "_s3"
	}
	pg := testenv.Postgres(t, schema)
	replica := func() *testenv.Env {
		cfg := testenv.Fast()
		cfg.Database, cfg.Sandbox, cfg.ArtifactStore = pg.DSN, driver, artifacts
		cfg.DataDir = t.TempDir()
		return testenv.Start(t, cfg)
	}
	a, b := replica(), replica()
	out := a.Deploy(t, "ssreplicas", func(in *ctl.CreateAgentRuntimeInput) { in.FilesystemConfigurations = sessionStorage("/mnt/data") })
	arn, id := *out.AgentRuntimeArn, *out.AgentRuntimeId

	// The process driver mounts nothing: the agent writes where
	// AGENTCORE_SESSION_STORAGE points, a directory of the replica's own
	// --data-dir. Under linuxns it is the mountPath.
	dirOf := func(e *testenv.Env, s string) string {
		t.Helper()
		env := e.InvokeJSON(t, arn, s, map[string]any{"envKeys": []string{"AGENTCORE_SESSION_STORAGE"}})["env"].(map[string]any)
		dir, _ := env["AGENTCORE_SESSION_STORAGE"].(string)
		if driver != "process" {
			if dir != "/mnt/data" {
				t.Fatalf("AGENTCORE_SESSION_STORAGE = %q, want /mnt/data", dir)
			}
			return dir
		}
		if !strings.HasPrefix(dir, e.DataDir+string(filepath.Separator)) {
			t.Fatalf("AGENTCORE_SESSION_STORAGE = %q, not under the replica's data dir %s", dir, e.DataDir)
		}
		return dir
	}
	s1, s2 := testenv.SessionID("ssrep-one"), testenv.SessionID("ssrep-two")

	dirA := dirOf(a, s1)
	mustOK(t, a.InvokeJSON(t, arn, s1, map[string]any{"action": "writefile", "path": dirA + "/notes.txt", "data": "written on A"}))
	mustOK(t, a.InvokeJSON(t, arn, s1, map[string]any{"action": "fs", "op": "mkfiles", "path": dirA + "/tree", "count": 120, "size": 1000}))
	stop(t, a, arn, s1)

	t0 := time.Now()
	dirB := dirOf(b, s1)
	t.Logf("first invocation on B, storage restored: %s", time.Since(t0))
	if driver == "process" && dirB == dirA {
		t.Fatal("the replicas share one directory: the test shows nothing")
	}
	if m := b.InvokeJSON(t, arn, s1, map[string]any{"action": "readfile", "path": dirB + "/notes.txt"}); m["data"] != "written on A" {
		t.Fatalf("B: notes.txt = %v", m)
	}
	if m := b.InvokeJSON(t, arn, s1, map[string]any{"action": "fs", "op": "du", "path": dirB + "/tree"}); m["files"] != float64(123) {
		t.Fatalf("B: tree holds %v entries, want 123 (the root, 2 dirs, 120 files)", m)
	}
	// Writable by B's environment (under linuxns: other host ids).
	mustOK(t, b.InvokeJSON(t, arn, s1, map[string]any{"action": "writefile", "path": dirB + "/notes.txt", "data": "rewritten on B"}))
	mustOK(t, b.InvokeJSON(t, arn, s1, map[string]any{"action": "writefile", "path": dirB + "/tree/d000/f00000", "data": "rewritten on B"}))
	stop(t, b, arn, s1)

	// Back on A: its own copy is older than B's snapshot.
	dirOf(a, s1)
	if m := a.InvokeJSON(t, arn, s1, map[string]any{"action": "readfile", "path": dirA + "/notes.txt"}); m["data"] != "rewritten on B" {
		t.Fatalf("A after B: notes.txt = %v (a stale local copy was used)", m)
	}
	stop(t, a, arn, s1)
	// Only read on A: nothing to upload at that stop.
	if n := metricValue(scrape(t, a.URL), "agentcore_session_storage_sync_unchanged_total", nil); n != 1 {
		t.Errorf("A: %v session ends with unchanged storage, want 1", n)
	}

	// Another session sees nothing.
	d2 := dirOf(b, s2)
	if m := b.InvokeJSON(t, arn, s2, map[string]any{"action": "listdir", "path": d2}); len(m["names"].([]any)) != 0 {
		t.Fatalf("a second session sees files: %v", m)
	}
	stop(t, b, arn, s2)

	fams := scrape(t, b.URL)
	if n := metricValue(fams, "agentcore_session_storage_sync_restores_total", nil); n < 1 {
		t.Errorf("B restored %v snapshots, want ≥ 1", n)
	}
	if n := metricValue(fams, "agentcore_session_storage_sync_upload_bytes_total", nil); n <= 0 {
		t.Errorf("B uploaded %v bytes", n)
	}
	t.Logf("B: %v uploads, %v bytes, %.3fs; %v restores, %.3fs",
		metricValue(fams, "agentcore_session_storage_sync_uploads_total", nil), metricValue(fams, "agentcore_session_storage_sync_upload_bytes_total", nil),
		metricValue(fams, "agentcore_session_storage_sync_upload_seconds_total", nil), metricValue(fams, "agentcore_session_storage_sync_restores_total", nil),
		metricValue(fams, "agentcore_session_storage_sync_restore_seconds_total", nil))

	// A new version (made through A) starts empty through B, and A's
	// local copy of version 1 does not come back either.
	cur, _ := a.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
	if _, err := a.Control.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: aws.String(id), AgentRuntimeArtifact: cur.AgentRuntimeArtifact,
		RoleArn: cur.RoleArn, NetworkConfiguration: cur.NetworkConfiguration, FilesystemConfigurations: cur.FilesystemConfigurations}); err != nil {
		t.Fatal(err)
	}
	a.WaitReady(t, id, time.Minute)
	b.WaitReady(t, id, time.Minute)
	if m := b.InvokeJSON(t, arn, s1, map[string]any{"action": "listdir", "path": dirOf(b, s1)}); len(m["names"].([]any)) != 0 {
		t.Fatalf("version 2 on B kept version 1's storage: %v", m)
	}
	mustOK(t, b.InvokeJSON(t, arn, s1, map[string]any{"action": "writefile", "path": dirB + "/v2.txt", "data": "v2"}))
	stop(t, b, arn, s1)
	if m := a.InvokeJSON(t, arn, s1, map[string]any{"action": "listdir", "path": dirOf(a, s1)}); len(m["names"].([]any)) != 1 {
		t.Fatalf("version 2 on A: %v, want only v2.txt", m)
	}

	// A replica that shuts down (a drain) stores the snapshots of the
	// sessions it ends.
	s3 := testenv.SessionID("ssrep-three")
	mustOK(t, a.InvokeJSON(t, arn, s3, map[string]any{"action": "writefile", "path": dirOf(a, s3) + "/drained.txt", "data": "from the drain"}))
	a.Stop()
	if m := b.InvokeJSON(t, arn, s3, map[string]any{"action": "readfile", "path": dirOf(b, s3) + "/drained.txt"}); m["data"] != "from the drain" {
		t.Fatalf("B after A shut down: drained.txt = %v", m)
	}
}
