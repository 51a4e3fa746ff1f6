package kubernetes_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	kube "github.com/agentcore-dev/agentcore/internal/sandbox/kubernetes"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

const ns = "sessions"

// TestDriver runs the driver against a real kube-apiserver and etcd, the
// test acting as the kubelet (testenv.Kubelet).
func TestDriver(t *testing.T) {
	k := testenv.StartKube(t)
	k.Namespace(t, ns)
	kl := testenv.StartKubelet(t, k, ns)
	ctx := context.Background()
	if _, err := k.Client.NodeV1().RuntimeClasses().Create(ctx, &nodev1.RuntimeClass{ObjectMeta: metav1.ObjectMeta{Name: "gvisor"}, Handler: "runsc"}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	opts := options(t, k, "server-a")
	d := newDriver(t, opts)
	dir := sandboxtest.AgentDir(t)
	spec := func(id string) sandbox.Spec {
		return sandbox.Spec{ID: id, Command: []string{"agent"}, Dir: dir, Env: []string{"GREETING=hello-" + id}, Ports: []int{8080},
			Network: "PUBLIC", Limits: sandbox.Limits{MemoryBytes: 256 << 20, CPUMillis: 250, Pids: 64},
			Owner: sandbox.Owner{Account: "123456789012", Runtime: "agent-AbC123", Session: "session-" + id}}
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(kl.Logs())
		}
	})

	t.Run("CodeRuntimePod", func(t *testing.T) {
		t0 := time.Now()
		var out sandboxtest.SyncBuffer
		s := spec("one")
		s.Stdout = &out
		in := start(t, d, s)
		if got := get(t, in, "/env?k=GREETING"); got != "hello-one" {
			t.Fatalf("GREETING = %q", got)
		}
		t.Logf("pod created, bundle fetched by the init container, agent answering: %s", time.Since(t0))
		// The container's log (pods/log, through the kubelet) is the session's output.
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "agent starting"); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("stdout not captured: %q", out.String())
			}
		}
		p := pod(t, k.Client, "agentcore-one")
		if p.Spec.NodeName == "" {
			t.Errorf("pod not scheduled")
		}
		want := map[string]string{kube.LabelManagedBy: "agentcore", kube.LabelServer: "server-a", kube.LabelAccount: "123456789012",
			kube.LabelRuntime: "agent-AbC123", kube.LabelSession: "session-one", kube.LabelEnv: "one"}
		for k, v := range want {
			if p.Labels[k] != v {
				t.Errorf("label %s = %q, want %q", k, p.Labels[k], v)
			}
		}
		c := p.Spec.Containers[0]
		if c.Image != "example.test/agentcore-code:1" || c.Command[0] != sandbox.BundlePath+"/agent" {
			t.Errorf("container image %q command %q", c.Image, c.Command)
		}
		if c.Resources.Limits.Memory().Value() != 256<<20 || c.Resources.Limits.Cpu().MilliValue() != 250 ||
			c.Resources.Requests.Memory().Value() != 256<<20 || p.Annotations[kube.AnnotPids] != "64" {
			t.Errorf("resources %v annotations %v", c.Resources, p.Annotations)
		}
		if p.Spec.RuntimeClassName == nil || *p.Spec.RuntimeClassName != "gvisor" || *p.Spec.AutomountServiceAccountToken {
			t.Errorf("runtimeClass %v automount %v", p.Spec.RuntimeClassName, *p.Spec.AutomountServiceAccountToken)
		}
		if len(p.Spec.InitContainers) != 1 || p.Spec.InitContainers[0].Image != "busybox:1.37" {
			t.Errorf("init containers %+v", p.Spec.InitContainers)
		}
		np, err := k.Client.NetworkingV1().NetworkPolicies(ns).Get(ctx, "agentcore-one", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(np.OwnerReferences) != 1 || np.OwnerReferences[0].UID != p.UID {
			t.Errorf("policy owner %v, want pod %s", np.OwnerReferences, p.UID)
		}
		if np.Spec.PodSelector.MatchLabels[kube.LabelEnv] != "one" || len(np.Spec.PolicyTypes) != 2 {
			t.Errorf("policy selector %v types %v", np.Spec.PodSelector, np.Spec.PolicyTypes)
		}
		in0 := np.Spec.Ingress[0]
		if in0.Ports[0].Port.IntValue() != 8080 || in0.From[0].PodSelector.MatchLabels["app.kubernetes.io/name"] != "agentcore" {
			t.Errorf("ingress %+v", in0)
		}
		// Egress: the bundle port on the server pods, DNS, the public internet minus private ranges.
		eg := np.Spec.Egress
		if len(eg) != 3 || eg[0].Ports[0].Port.IntValue() != bundlePort(opts) || eg[2].To[0].IPBlock.CIDR != "0.0.0.0/0" ||
			!slices.Equal(eg[2].To[0].IPBlock.Except, kube.PrivateV4) || eg[1].Ports[0].Port.IntValue() != 53 {
			t.Errorf("egress %+v", eg)
		}
		stop(t, k.Client, in, "agentcore-one")
	})

	t.Run("NoneNetwork", func(t *testing.T) {
		s := spec("closed")
		s.Network = "NONE"
		in := start(t, d, s)
		get(t, in, "/ping")
		np, err := k.Client.NetworkingV1().NetworkPolicies(ns).Get(ctx, "agentcore-closed", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(np.Spec.Egress) != 1 || np.Spec.Egress[0].Ports[0].Port.IntValue() != bundlePort(opts) {
			t.Errorf("NONE egress %+v: want only the bundle port", np.Spec.Egress)
		}
		stop(t, k.Client, in, "agentcore-closed")
	})

	t.Run("TwoPodsSamePort", func(t *testing.T) {
		a, b := start(t, d, spec("pa")), start(t, d, spec("pb"))
		if ga, gb := get(t, a, "/env?k=GREETING"), get(t, b, "/env?k=GREETING"); ga != "hello-pa" || gb != "hello-pb" {
			t.Fatalf("sessions mixed: %q %q", ga, gb)
		}
		stop(t, k.Client, a, "agentcore-pa")
		stop(t, k.Client, b, "agentcore-pb")
	})

	t.Run("ExitDetected", func(t *testing.T) {
		in := start(t, d, spec("exit"))
		get(t, in, "/ping")
		client(in).Get("http://agent/exit") //nolint:errcheck // dies mid-request
		select {
		case <-in.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("exit not detected")
		}
		if in.Err() == nil {
			t.Fatal("Err() nil after the agent exited with status 7")
		}
		stop(t, k.Client, in, "agentcore-exit")
	})

	t.Run("ImagePod", func(t *testing.T) {
		ref := "registry.example/agents/a@sha256:" + fmt.Sprintf("%064d", 1)
		in, err := d.Start(ctx, sandbox.Spec{ID: "img", Image: ref, Command: []string{"/app/testagent"}, WorkDir: "/app", Ports: []int{8080},
			Env: []string{"A=1"}, Owner: sandbox.Owner{Account: "123456789012", Runtime: "r-1"}})
		if err != nil {
			t.Fatal(err)
		}
		p := pod(t, k.Client, "agentcore-img")
		c := p.Spec.Containers[0]
		if c.Image != ref || c.Command[0] != "/app/testagent" || c.WorkingDir != "/app" || len(p.Spec.InitContainers) != 0 || len(p.Spec.Volumes) != 0 {
			t.Errorf("image pod %+v", p.Spec)
		}
		if p.Labels[kube.LabelPool] != "true" {
			t.Errorf("a pod without a session is a warm-pool pod: labels %v", p.Labels)
		}
		if err := in.(sandbox.Binder).Bind(ctx, "a session id that is not a label value!"); err != nil {
			t.Fatal(err)
		}
		p = pod(t, k.Client, "agentcore-img")
		if _, pooled := p.Labels[kube.LabelPool]; pooled || len(p.Labels[kube.LabelSession]) != 34 ||
			p.Annotations[kube.AnnotSession] != "a session id that is not a label value!" {
			t.Errorf("bound pod: labels %v annotations %v", p.Labels, p.Annotations)
		}
		stop(t, k.Client, in, "agentcore-img")
	})

	t.Run("RestartDeletesOrphans", func(t *testing.T) {
		a, b := start(t, d, spec("orphan1")), start(t, d, spec("orphan2"))
		get(t, a, "/ping")
		get(t, b, "/ping")
		other := newDriver(t, options(t, k, "server-b"))
		c := start(t, other, spec("kept"))
		get(t, c, "/ping")
		// server-a dies without stopping its sessions; its next life
		// (same server id) deletes what it left behind, and nothing else.
		d.Close()
		d2 := newDriver(t, opts)
		for _, name := range []string{"agentcore-orphan1", "agentcore-orphan2"} {
			waitGone(t, k.Client, name)
			if _, err := k.Client.NetworkingV1().NetworkPolicies(ns).Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("policy %s after restart: %v", name, err)
			}
		}
		get(t, c, "/ping") // another server's session is untouched
		stop(t, k.Client, c, "agentcore-kept")
		d = d2
	})

	t.Run("GoneServersCollected", func(t *testing.T) {
		// Server ids are pod names in "servers" (a Deployment's replicas):
		// the sessions of a server whose pod is gone are deleted by any
		// server with CollectPeers, at start and then periodically.
		k.Namespace(t, "servers")
		live := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "server-live"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "s", Image: "agentcore"}}}}
		if _, err := k.Client.CoreV1().Pods("servers").Create(ctx, live, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		peer := func(id string, collect bool) kube.Options {
			o := options(t, k, id)
			o.ServerNamespace, o.CollectPeers, o.PeerSweep = "servers", collect, 200*time.Millisecond
			return o
		}
		keep := start(t, newDriver(t, peer("server-live", false)), spec("live"))
		dead := newDriver(t, peer("server-dead", false))
		start(t, dead, spec("dead"))
		get(t, keep, "/ping")
		dead.Close() // died without stopping its sessions; no pod named server-dead exists
		newDriver(t, peer("server-z", true))
		waitGone(t, k.Client, "agentcore-dead")
		late := newDriver(t, peer("server-late", false))
		start(t, late, spec("late"))
		late.Close()
		waitGone(t, k.Client, "agentcore-late") // the periodic sweep
		get(t, keep, "/ping")
		stop(t, k.Client, keep, "agentcore-live")
	})
}

func options(t *testing.T, k *testenv.Kube, id string) kube.Options {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return kube.Options{RestConfig: k.Config, Namespace: ns, ServerID: id, RuntimeClass: "gvisor", CodeImage: "example.test/agentcore-code:1",
		BundleListen: addr, BundleURL: "http://" + addr, ServerLabels: map[string]string{"app.kubernetes.io/name": "agentcore"}, Grace: time.Second}
}

func bundlePort(o kube.Options) int {
	_, p, _ := net.SplitHostPort(o.BundleListen)
	n, _ := strconv.Atoi(p)
	return n
}

func newDriver(t *testing.T, o kube.Options) *kube.Driver {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := kube.New(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func start(t *testing.T, d sandbox.Driver, s sandbox.Spec) sandbox.Instance {
	t.Helper()
	in, err := d.Start(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Stop(context.Background()) })
	return in
}

// client reaches one instance's agent (no connection reuse across instances).
func client(in sandbox.Instance) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return in.Dial(ctx, 8080) }}}
}

// get polls path on the agent until it answers (the pod becomes Ready).
func get(t *testing.T, in sandbox.Instance, path string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := client(in).Get("http://agent" + path)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", path, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func pod(t *testing.T, c kubernetes.Interface, name string) *corev1.Pod {
	t.Helper()
	p, err := c.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// stop stops in and checks that its pod and policy are gone from the API.
func stop(t *testing.T, c kubernetes.Interface, in sandbox.Instance, name string) {
	t.Helper()
	if err := in.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-in.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	waitGone(t, c, name)
	if _, err := c.NetworkingV1().NetworkPolicies(ns).Get(context.Background(), name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("policy %s after Stop: %v", name, err)
	}
}

func waitGone(t *testing.T, c kubernetes.Interface, name string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, err := c.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pod %s still exists: %v", name, err)
		}
	}
}
