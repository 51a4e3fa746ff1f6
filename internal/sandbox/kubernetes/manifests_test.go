package kubernetes_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"
)

// TestManifests validates deploy/kubernetes against a real kube-apiserver:
// every object is created with dryRun=All and strict field validation
// (the namespaces for real, so namespaced objects can be admitted), and the
// server's Role grants exactly what the driver uses.
func TestManifests(t *testing.T) {
	k := testenv.StartKube(t)
	ctx := context.Background()
	dc, err := discovery.NewDiscoveryClientForConfig(k.Config)
	if err != nil {
		t.Fatal(err)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	dyn, err := dynamic.NewForConfig(k.Config)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "deploy", "kubernetes", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no manifests in deploy/kubernetes")
	}
	var objs []*unstructured.Unstructured
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range bytes.Split(data, []byte("\n---\n")) {
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			var m map[string]any
			if err := yaml.UnmarshalStrict(doc, &m); err != nil {
				t.Fatalf("%s document %d: %v", filepath.Base(f), i, err)
			}
			objs = append(objs, &unstructured.Unstructured{Object: m})
		}
	}
	kinds := map[string]int{}
	// Namespaces and the server's RBAC for real (the driver then runs as
	// its ServiceAccount); everything else as a dry run.
	rbac := map[string]bool{"ServiceAccount": true, "Role": true, "RoleBinding": true}
	for pass := 0; pass < 2; pass++ {
		for _, o := range objs {
			if (o.GetKind() == "Namespace") != (pass == 0) {
				continue
			}
			gvk := o.GroupVersionKind()
			m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
			if err != nil {
				t.Fatalf("%s %s: %v", gvk, o.GetName(), err)
			}
			var r dynamic.ResourceInterface = dyn.Resource(m.Resource)
			if m.Scope.Name() == meta.RESTScopeNameNamespace {
				r = dyn.Resource(m.Resource).Namespace(o.GetNamespace())
			}
			opts := metav1.CreateOptions{FieldValidation: "Strict"}
			if pass == 1 && !rbac[gvk.Kind] {
				opts.DryRun = []string{metav1.DryRunAll}
			}
			if _, err := r.Create(ctx, o, opts); err != nil {
				t.Errorf("%s %s/%s: %v", gvk.Kind, o.GetNamespace(), o.GetName(), err)
			}
			kinds[gvk.Kind]++
		}
	}
	for _, want := range []string{"Deployment", "StatefulSet", "ServiceAccount", "Role", "RoleBinding", "Service", "PodDisruptionBudget", "Secret"} {
		if kinds[want] == 0 {
			t.Errorf("no %s in deploy/kubernetes", want)
		}
	}
	t.Run("DriverAsServiceAccount", func(t *testing.T) { asServiceAccount(t, k) })
	// The Roles: pods, their logs and networkpolicies in the sessions
	// namespace; reading server pods in the server's namespace.
	for _, o := range objs {
		if o.GetKind() != "Role" {
			continue
		}
		rules, _, _ := unstructured.NestedSlice(o.Object, "rules")
		var got []string
		for _, r := range rules {
			res, _, _ := unstructured.NestedStringSlice(r.(map[string]any), "resources")
			got = append(got, res...)
		}
		want := map[string]string{"agentcore-sessions": "pods,pods/log,networkpolicies", "agentcore": "pods"}[o.GetNamespace()]
		if strings.Join(got, ",") != want {
			t.Errorf("Role %s/%s covers %v", o.GetNamespace(), o.GetName(), got)
		}
	}
}

// asServiceAccount runs a session through the driver with the server's
// ServiceAccount and nothing else: deploy/kubernetes/rbac.yaml suffices,
// and grants nothing beyond the sessions namespace's pods and policies.
func asServiceAccount(t *testing.T, k *testenv.Kube) {
	const sessions = "agentcore-sessions"
	testenv.StartKubelet(t, k, sessions)
	cfg := rest.CopyConfig(k.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:agentcore:agentcore"}
	o := options(t, k, "agentcore-0")
	o.RestConfig, o.Namespace, o.ServerNamespace, o.RuntimeClass, o.CollectPeers = cfg, sessions, "agentcore", "", true
	d := newDriver(t, o)
	var out sandboxtest.SyncBuffer
	in := start(t, d, sandbox.Spec{ID: "rbac", Command: []string{"agent"}, Dir: sandboxtest.AgentDir(t), Ports: []int{8080},
		Network: "PUBLIC", Env: []string{"GREETING=rbac"}, Stdout: &out})
	if got := get(t, in, "/env?k=GREETING"); got != "rbac" {
		t.Fatalf("GREETING = %q", got)
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "agent starting"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("pods/log as the ServiceAccount: %q", out.String())
		}
	}
	if err := in.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A replica that is gone left a session; a restart's collection (its
	// own pods, and with --kube-collect-peers the gone replica's: a get of
	// its server pod) is allowed and deletes it.
	gone := options(t, k, "agentcore-gone")
	gone.Namespace, gone.ServerNamespace, gone.RuntimeClass = sessions, "agentcore", ""
	gd := newDriver(t, gone)
	start(t, gd, sandbox.Spec{ID: "gone", Command: []string{"agent"}, Dir: sandboxtest.AgentDir(t), Ports: []int{8080}})
	gd.Close()
	newDriver(t, o)
	if _, err := k.Client.CoreV1().Pods(sessions).Get(context.Background(), "agentcore-gone", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the gone replica's session pod: %v", err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := cs.CoreV1().Secrets(sessions).List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("the ServiceAccount lists secrets: %v", err)
	}
	if _, err := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("the ServiceAccount lists pods outside the sessions namespace: %v", err)
	}
}
