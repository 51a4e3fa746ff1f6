// Package kubernetes is the sandbox driver where each session environment is
// a Pod, created through client-go: the runtime's container image, or for a
// code runtime a code image whose init container fetches the session's bundle
// from the driver's bundle endpoint; resource limits from the session limits;
// a NetworkPolicy per pod equivalent to the linuxns egress rules; a
// RuntimeClass (gVisor, Kata) when configured. The platform reaches the agent
// at podIP:port once the pod is Ready. Pods carry the server's id in a label:
// at start the driver deletes every pod and policy labelled with its id (the
// leftovers of its previous life), so a restart leaves no orphans.
package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Options configure the driver (the server's --kube-* settings).
type Options struct {
	// Kubeconfig is a kubeconfig file; "" uses the in-cluster service account.
	Kubeconfig string
	// Namespace holds the session pods (default "default").
	Namespace string
	// RuntimeClass, when set, is every pod's runtimeClassName (gvisor, kata).
	RuntimeClass string
	// CodeImage runs code runtimes: it must have their interpreters
	// (python3.X, node) in PATH. FetchImage is the init container that
	// downloads the bundle (it needs sh, wget and tar: busybox).
	CodeImage, FetchImage string
	// BundleListen is where the driver serves code bundles to init
	// containers (e.g. ":9091"); BundleURL is that endpoint as pods reach
	// it (e.g. http://10.1.2.3:9091). Both are needed for code runtimes.
	BundleListen, BundleURL string
	// ServerID labels every object the driver creates (its pod name in a
	// cluster); ServerNamespace and ServerLabels select the server's pods,
	// the only ingress peers of session pods (and their egress peer for
	// the bundle port).
	ServerID        string
	ServerNamespace string
	ServerLabels    map[string]string
	// CollectPeers: server ids are pod names in ServerNamespace; session
	// pods of a server whose pod no longer exists are deleted at start and
	// every PeerSweep (default 1 min). For Deployments, whose replacement
	// pods have new names.
	CollectPeers bool
	PeerSweep    time.Duration
	// Grace is the termination grace period of session pods (default 5s).
	Grace time.Duration
	// RestConfig, when set, is used instead of Kubeconfig (tests).
	RestConfig *rest.Config
	Logger     *slog.Logger
}

// Label keys on every pod and NetworkPolicy the driver creates.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by" // "agentcore"
	LabelServer    = "agentcore.dev/server"
	LabelEnv       = "agentcore.dev/environment" // sandbox.Spec.ID
	LabelAccount   = "agentcore.dev/account"
	LabelRuntime   = "agentcore.dev/runtime"
	LabelSession   = "agentcore.dev/session" // session id, or "h-<hash>" when not a valid label value
	LabelPool      = "agentcore.dev/warm-pool"
	AnnotSession   = "agentcore.dev/session-id" // the session id in full
	AnnotPids      = "agentcore.dev/pids-limit" // the session's pids limit (the kubelet's podPidsLimit enforces one per node)
	managedBy      = "agentcore"
)

func init() {
	sandbox.Register("kubernetes", func(opts map[string]string) (sandbox.Driver, error) {
		o, err := ParseOptions(opts)
		if err != nil {
			return nil, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return New(ctx, o)
	})
}

// Driver runs sessions as pods.
type Driver struct {
	opts    Options
	client  kubernetes.Interface
	log     *slog.Logger
	ctx     context.Context // the driver's life: pod watches
	cancel  context.CancelFunc
	bundles *bundleServer // nil until a code runtime starts

	mu   sync.Mutex
	live map[string]*instance // by pod name
}

var (
	_ sandbox.Driver       = (*Driver)(nil)
	_ sandbox.ImageDriver  = (*Driver)(nil)
	_ sandbox.Closer       = (*Driver)(nil)
	_ sandbox.Availability = (*Driver)(nil)
	_ sandbox.Binder       = (*instance)(nil)
)

// New connects to the cluster and deletes the pods and network policies a
// previous life of this server (same ServerID) left behind.
func New(ctx context.Context, o Options) (*Driver, error) {
	if o.ServerID == "" {
		return nil, errors.New("kubernetes: a server id is needed (--kube-server-id)")
	}
	if errs := validLabelValue(o.ServerID); errs != "" {
		return nil, fmt.Errorf("kubernetes: server id %q: %s", o.ServerID, errs)
	}
	o.Namespace = defaultString(o.Namespace, "default")
	o.ServerNamespace = defaultString(o.ServerNamespace, o.Namespace)
	o.FetchImage = defaultString(o.FetchImage, "busybox:1.37")
	if o.Grace == 0 {
		o.Grace = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	cfg := o.RestConfig
	if cfg == nil {
		var err error
		if o.Kubeconfig != "" {
			cfg, err = clientcmd.BuildConfigFromFlags("", o.Kubeconfig)
		} else {
			cfg, err = rest.InClusterConfig()
		}
		if err != nil {
			return nil, fmt.Errorf("kubernetes: client configuration: %w", err)
		}
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes: client: %w", err)
	}
	dctx, cancel := context.WithCancel(context.Background())
	d := &Driver{opts: o, client: cs, log: o.Logger, ctx: dctx, cancel: cancel, live: map[string]*instance{}}
	if err := d.collect(ctx); err != nil {
		cancel()
		return nil, err
	}
	if o.CollectPeers {
		if err := d.collectPeers(ctx); err != nil {
			cancel()
			return nil, err
		}
		go d.sweepPeers(cmpDuration(o.PeerSweep, time.Minute))
	}
	return d, nil
}

// SetLogger replaces the driver's logger (the server injects its own).
func (d *Driver) SetLogger(l *slog.Logger) { d.log = l }

// Name implements sandbox.Driver.
func (*Driver) Name() string { return "kubernetes" }

// Capabilities implements sandbox.Driver: every pod has its own network.
func (d *Driver) Capabilities() sandbox.Capabilities {
	iso := "pod"
	if d.opts.RuntimeClass != "" {
		iso = "pod (runtimeClass " + d.opts.RuntimeClass + ")"
	}
	return sandbox.Capabilities{Isolation: iso, Isolated: true, FixedPorts: true}
}

// SupportsImages implements sandbox.ImageDriver: nodes pull Spec.Image.
func (*Driver) SupportsImages() bool { return true }

// Available implements sandbox.Availability: the namespace can be read.
func (d *Driver) Available() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := d.client.CoreV1().Pods(d.opts.Namespace).List(ctx, metav1.ListOptions{Limit: 1}); err != nil {
		return fmt.Errorf("kubernetes: list pods in %s: %w", d.opts.Namespace, err)
	}
	return nil
}

// Client is the driver's clientset.
func (d *Driver) Client() kubernetes.Interface { return d.client }

// Close implements sandbox.Closer: stops the bundle endpoint and watches.
func (d *Driver) Close() error {
	d.cancel()
	d.mu.Lock()
	b := d.bundles
	d.mu.Unlock()
	if b != nil {
		return b.close()
	}
	return nil
}

// bundleServer returns the running bundle endpoint, starting it once.
func (d *Driver) bundleServer() (*bundleServer, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.bundles != nil {
		return d.bundles, nil
	}
	if d.opts.BundleListen == "" || d.opts.BundleURL == "" || d.opts.CodeImage == "" {
		return nil, errors.New("kubernetes: code runtimes need --kube-code-image, --kube-bundle-listen and --kube-bundle-url")
	}
	b, err := startBundles(d.opts.BundleListen, d.log)
	if err != nil {
		return nil, err
	}
	d.bundles = b
	return b, nil
}

// bundlePort is the port of BundleURL (for the NetworkPolicy egress rule).
func (d *Driver) bundlePort() int {
	u := strings.TrimPrefix(strings.TrimPrefix(d.opts.BundleURL, "http://"), "https://")
	if i := strings.IndexByte(u, '/'); i >= 0 {
		u = u[:i]
	}
	_, p, err := net.SplitHostPort(u)
	if err != nil {
		return 80
	}
	var n int
	fmt.Sscan(p, &n) //nolint:errcheck // 0 on garbage: no rule
	return n
}

// Start implements sandbox.Driver: it creates the NetworkPolicy, then the
// pod, and returns; the instance follows the pod's status.
func (d *Driver) Start(ctx context.Context, spec sandbox.Spec) (sandbox.Instance, error) {
	if len(spec.Command) == 0 && spec.Image == "" {
		return nil, errors.New("kubernetes: empty command")
	}
	for _, m := range spec.Mounts {
		if m.Writable {
			return nil, fmt.Errorf("kubernetes: writable mounts (session storage, shared file systems) are not supported: %s", m.Target)
		}
	}
	if spec.Image == "" && spec.RootFS != "" {
		return nil, errors.New("kubernetes: an image runtime needs its registry reference (Spec.Image)")
	}
	name := podName(spec.ID)
	var token, url string
	if spec.Image == "" {
		b, err := d.bundleServer()
		if err != nil {
			return nil, err
		}
		token = b.add(spec.Dir)
		url = strings.TrimSuffix(d.opts.BundleURL, "/") + "/bundles/" + token
	}
	pod := d.podFor(name, spec, url)
	np := d.policyFor(name, spec, token != "")
	nps := d.client.NetworkingV1().NetworkPolicies(d.opts.Namespace)
	fail := func(err error) (sandbox.Instance, error) {
		if token != "" {
			d.bundles.remove(token)
		}
		nps.Delete(context.WithoutCancel(ctx), name, metav1.DeleteOptions{}) //nolint:errcheck // best effort; collected on restart
		return nil, err
	}
	// The policy exists before the pod, so the pod never runs unconfined.
	if _, err := nps.Create(ctx, np, metav1.CreateOptions{}); err != nil {
		return fail(fmt.Errorf("kubernetes: create network policy: %w", err))
	}
	created, err := d.client.CoreV1().Pods(d.opts.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		return fail(fmt.Errorf("kubernetes: create pod: %w", err))
	}
	// The policy belongs to the pod: the cluster's garbage collector
	// removes it with the pod if the driver cannot.
	own := []metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: created.Name, UID: created.UID}}
	if cur, err := nps.Get(ctx, name, metav1.GetOptions{}); err == nil {
		cur.OwnerReferences = own
		nps.Update(ctx, cur, metav1.UpdateOptions{}) //nolint:errcheck // Stop deletes it anyway
	}
	in := newInstance(d, created, token)
	d.mu.Lock()
	d.live[name] = in
	d.mu.Unlock()
	go in.follow(created.ResourceVersion)
	out := spec.Stdout
	if out == nil {
		out = spec.Stderr
	}
	go in.copyLogs(out)
	return in, nil
}

// forget drops a stopped instance.
func (d *Driver) forget(name string) {
	d.mu.Lock()
	delete(d.live, name)
	d.mu.Unlock()
}

func cmpDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
