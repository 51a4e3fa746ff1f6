package testenv

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Kube is a real control plane: controller-runtime's envtest running
// kube-apiserver and etcd from AGENTCORE_TEST_KUBE_ASSETS (.ci/envtest.sh
// builds them from the Go module proxy; .ci/run sets the variable). There
// is no kubelet, scheduler or controller manager: see Kubelet.
type Kube struct {
	Config     *rest.Config
	Client     kubernetes.Interface
	Kubeconfig string // a kubeconfig file for a cluster admin
}

// StartKube starts the control plane for the test, or skips the test
// (saying why) when the binaries are not available.
func StartKube(t testing.TB) *Kube {
	t.Helper()
	dir := os.Getenv("AGENTCORE_TEST_KUBE_ASSETS")
	if dir == "" {
		t.Skip("AGENTCORE_TEST_KUBE_ASSETS not set: no kube-apiserver and etcd to test against (.ci/envtest.sh builds them; .ci/run sets it)")
	}
	for _, b := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			t.Skipf("AGENTCORE_TEST_KUBE_ASSETS=%s has no %s: %v", dir, b, err)
		}
	}
	env := &envtest.Environment{BinaryAssetsDirectory: dir, ControlPlaneStartTimeout: 3 * time.Minute, ControlPlaneStopTimeout: time.Minute}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("envtest: %v", err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Errorf("envtest stop: %v", err)
		}
	})
	user, err := env.AddUser(envtest.User{Name: "agentcore-test-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	k := &Kube{Config: cfg, Kubeconfig: filepath.Join(t.TempDir(), "kubeconfig")}
	if err := os.WriteFile(k.Kubeconfig, kc, 0o600); err != nil {
		t.Fatal(err)
	}
	if k.Client, err = kubernetes.NewForConfig(cfg); err != nil {
		t.Fatal(err)
	}
	return k
}

// Namespace creates a namespace.
func (k *Kube) Namespace(t testing.TB, name string) {
	t.Helper()
	_, err := k.Client.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
}
