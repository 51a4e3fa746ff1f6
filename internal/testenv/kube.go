package testenv

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
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
	// kubelet is the HTTPS endpoint the API server reaches nodes' kubelets
	// at (pods/log); its certificate is the API server's kubelet CA.
	kubelet    *httptest.Server
	kubeletMux *http.ServeMux
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
	mux := http.NewServeMux()
	kl := httptest.NewUnstartedServer(mux)
	kl.StartTLS()
	t.Cleanup(kl.Close)
	ca := filepath.Join(t.TempDir(), "kubelet-ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: kl.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	env.ControlPlane.GetAPIServer().Configure().Set("kubelet-certificate-authority", ca).Set("kubelet-preferred-address-types", "InternalIP")
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
	k := &Kube{Config: cfg, Kubeconfig: filepath.Join(t.TempDir(), "kubeconfig"), kubelet: kl, kubeletMux: mux}
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
