package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kube "github.com/agentcore-dev/agentcore/internal/sandbox/kubernetes"
	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestKubernetesDriver (issue 16, must show 3): an agentcore server (its
// own process) with --sandbox kubernetes against a real kube-apiserver and
// etcd, the test acting as the kubelet. A code runtime is invoked through
// pods with the AWS SDK; the warm pool's pod serves the first session;
// limits and the NetworkPolicy are as configured; StopRuntimeSession
// deletes the pod; after the server is killed with SIGKILL and restarted
// with the same id, the pods of its previous life are deleted. A container
// runtime's pod runs its image, pinned to the digest.
func TestKubernetesDriver(t *testing.T) {
	k := testenv.StartKube(t)
	const ns = "agent-sessions"
	k.Namespace(t, ns)
	kl := testenv.StartKubelet(t, k, ns)
	bin := testenv.BuildGo(t, "cmd/agentcore")
	url := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
	bundle := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	dir := t.TempDir()
	var logs bytes.Buffer
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server:\n%s\nkubelet:\n%s", logs.String(), kl.Logs())
		}
	})
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "server", "--listen", url[len("http://"):], "--data-dir", dir, "--log-level", "warn",
			"--sandbox", "kubernetes", "--kube-config", k.Kubeconfig, "--kube-namespace", ns, "--kube-server-id", "agentcore-0",
			"--kube-code-image", "example.test/agentcore-code:1", "--kube-bundle-listen", bundle, "--kube-bundle-url", "http://"+bundle,
			"--warm-pool", "1", "--session-memory", "512MiB", "--session-cpu-millis", "500", "--session-pids", "128")
		cmd.Env = append(os.Environ(), "AGENTCORE_ACCESS_KEY_ID=", "AGENTCORE_SECRET_ACCESS_KEY=")
		cmd.Stdout, cmd.Stderr = &logs, &logs
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() }) //nolint:errcheck
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
			if resp, err := http.Get(url + "/_agentcore/health"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return cmd
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("server not healthy after a minute:\n%s", logs.String())
			}
		}
	}
	ctx := context.Background()
	pods := k.Client.CoreV1().Pods(ns)
	cmd := start()
	e := &testenv.Env{T: t, URL: url}
	e.Control, e.Data = testenv.Clients(url)
	rt := e.Deploy(t, fmt.Sprintf("kube_%d", time.Now().UnixNano()%1e6), nil)
	arn, id := *rt.AgentRuntimeArn, *rt.AgentRuntimeId

	// The warm pool: a ready pod without a session, before any invocation.
	sel := kube.LabelRuntime + "=" + id
	pooled := waitPods(t, k, ns, sel+","+kube.LabelPool+"=true", 1)[0]
	// and the server counts it ready (its agent answered /ping): a pod that
	// exists but is still starting is not the pool's yet.
	isoWait(t, e, "warm pool ready", func(h isoHealthz) bool { return h.WarmPoolReady >= 1 })
	t0 := time.Now()
	s1, s2 := testenv.SessionID("kube-one"), testenv.SessionID("kube-two")
	first := e.InvokeJSON(t, arn, s1, map[string]any{"action": "count"})
	t.Logf("first invocation through the warm pool's pod: %s", time.Since(t0))
	if got := e.InvokeJSON(t, arn, s1, map[string]any{"action": "count"}); got["count"] != 2.0 || got["instance"] != first["instance"] {
		t.Fatalf("second call of the session reached another agent: %v then %v", first, got)
	}
	p1 := waitPods(t, k, ns, sel+","+kube.LabelSession+"="+s1, 1)[0]
	if p1.Name != pooled.Name {
		t.Fatalf("session %s runs in pod %s, not the warm pool's %s", s1, p1.Name, pooled.Name)
	}
	if p1.Labels[kube.LabelServer] != "agentcore-0" || p1.Labels[kube.LabelAccount] == "" || p1.Annotations[kube.AnnotSession] != s1 {
		t.Errorf("pod labels %v annotations %v", p1.Labels, p1.Annotations)
	}
	c := p1.Spec.Containers[0]
	if c.Resources.Limits.Memory().Value() != 512<<20 || c.Resources.Limits.Cpu().MilliValue() != 500 || p1.Annotations[kube.AnnotPids] != "128" {
		t.Errorf("limits %v, pids %q: want 512Mi, 500m, 128", c.Resources.Limits, p1.Annotations[kube.AnnotPids])
	}
	np, err := k.Client.NetworkingV1().NetworkPolicies(ns).Get(ctx, p1.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the pod's NetworkPolicy: %v", err)
	}
	if len(np.Spec.Egress) != 3 || np.Spec.Egress[2].To[0].IPBlock == nil || np.Spec.Ingress[0].Ports[0].Port.IntValue() != 8080 {
		t.Errorf("policy %+v", np.Spec)
	}
	t0 = time.Now()
	second := e.InvokeJSON(t, arn, s2, map[string]any{"action": "count"})
	t.Logf("first invocation of a second session (the refilled pool, or a new pod): %s", time.Since(t0))
	if second["instance"] == first["instance"] || second["count"] != 1.0 {
		t.Fatalf("a new session shares an agent: %v %v", first, second)
	}
	p2 := waitPods(t, k, ns, sel+","+kube.LabelSession+"="+s2, 1)[0]
	// The pods' logs (pods/log through the kubelet) are the sessions' logs.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		files, _ := filepath.Glob(filepath.Join(dir, "logs", "*", id, "*.log"))
		var all []byte
		for _, f := range files {
			b, _ := os.ReadFile(f)
			all = append(all, b...)
		}
		if bytes.Contains(all, []byte("Listening")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no agent output in the session logs %v: %q", files, all)
		}
	}

	// StopRuntimeSession deletes the session's pod and policy.
	if _, err := e.Data.StopRuntimeSession(ctx, &dp.StopRuntimeSessionInput{AgentRuntimeArn: aws.String(arn), RuntimeSessionId: aws.String(s1)}); err != nil {
		t.Fatal(err)
	}
	waitDeleted(t, k, ns, p1.Name)
	if _, err := k.Client.NetworkingV1().NetworkPolicies(ns).Get(ctx, p1.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("policy of the stopped session: %v", err)
	}

	// kill -9: the pods stay (nobody deletes them) until the server's next
	// life, which deletes every pod labelled with its id at start.
	before, err := pods.List(ctx, metav1.ListOptions{LabelSelector: kube.LabelServer + "=agentcore-0"})
	if err != nil || len(before.Items) < 2 {
		t.Fatalf("pods before the kill: %d %v", len(before.Items), err)
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck
	cmd.Wait()                                      //nolint:errcheck
	time.Sleep(500 * time.Millisecond)
	if _, err := pods.Get(ctx, p2.Name, metav1.GetOptions{}); err != nil {
		t.Fatalf("pod of session 2 right after the kill: %v", err)
	}
	t0 = time.Now()
	start()
	for _, p := range before.Items {
		waitDeleted(t, k, ns, p.Name)
	}
	t.Logf("restart: %d pods of the previous life deleted %s after the new process started", len(before.Items), time.Since(t0))
	again := e.InvokeJSON(t, arn, s2, map[string]any{"action": "count"})
	if again["count"] != 1.0 || again["instance"] == second["instance"] {
		t.Fatalf("after the restart session 2 runs in a new pod: %v then %v", second, again)
	}
	if _, err := e.Control.DeleteAgentRuntime(ctx, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}

	// A container runtime: the pod runs the version's image pinned to its
	// digest (the kubelet pulls it from the registry and runs it chrooted).
	reg := testenv.StartRegistry(t)
	ref := reg.PushTestAgent(t, "agents/testagent:v1")
	img := e.Deploy(t, fmt.Sprintf("kube_img_%d", time.Now().UnixNano()%1e6), func(in *ctl.CreateAgentRuntimeInput) {
		in.AgentRuntimeArtifact = &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(ref)}}
	})
	s3 := testenv.SessionID("kube-image")
	got := e.InvokeJSON(t, *img.AgentRuntimeArn, s3, map[string]any{"envKeys": []string{"TESTAGENT_IMAGE"}})
	if env, _ := got["env"].(map[string]any); env["TESTAGENT_IMAGE"] != "yes" {
		t.Fatalf("the image's environment is not the agent's: %v", got)
	}
	ip := waitPods(t, k, ns, kube.LabelRuntime+"="+*img.AgentRuntimeId+","+kube.LabelSession+"="+s3, 1)[0]
	if c := ip.Spec.Containers[0]; !strings.HasPrefix(c.Image, reg.Host+"/agents/testagent@sha256:") || len(ip.Spec.InitContainers) != 0 {
		t.Errorf("image pod: image %q, init containers %d", c.Image, len(ip.Spec.InitContainers))
	}
	t.Logf("kubelet ran %d pods: %v", len(kl.Started()), kl.Started())
}

// waitPods waits until n pods match sel and are Ready.
func waitPods(t *testing.T, k *testenv.Kube, ns, sel string, n int) []corev1.Pod {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		l, err := k.Client.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: sel})
		if err == nil {
			var ready []corev1.Pod
			for _, p := range l.Items {
				for _, c := range p.Status.Conditions {
					if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue && p.DeletionTimestamp == nil {
						ready = append(ready, p)
					}
				}
			}
			if len(ready) >= n {
				return ready
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %d ready pods with %s: %v", n, sel, err)
		}
	}
}

func waitDeleted(t *testing.T, k *testenv.Kube, ns, name string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, err := k.Client.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pod %s not deleted: %v", name, err)
		}
	}
}
