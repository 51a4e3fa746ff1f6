package kubernetes_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
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
	// Namespaces first, for real; then everything else as a dry run.
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
			if pass == 1 {
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
	// The Role: pods and networkpolicies, in the sessions namespace only.
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
		if strings.Join(got, ",") != "pods,networkpolicies" || o.GetNamespace() != "agentcore-sessions" {
			t.Errorf("Role %s/%s covers %v", o.GetNamespace(), o.GetName(), got)
		}
	}
}
