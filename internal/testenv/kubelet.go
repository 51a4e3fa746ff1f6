package testenv

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
)

// Kubelet plays the node for a Kube control plane: it watches the pods of
// a namespace and runs each one's containers as local processes (init
// containers to completion, then the first container). Images in a
// loopback registry are pulled and run chrooted in their root filesystem
// (needs root); other images are not pulled: their command runs on the host.
// Each emptyDir volume is a temp directory, substituted for its mount path
// in the command, environment and working directory. Each pod gets its own
// loopback address 127.77.x.y as its IP; the agent listens on a free port
// given in PORT and the kubelet forwards podIP:containerPort to it, so many
// pods serve :8080 at once. It reports the pod's IP, phase and Ready
// condition through the API (as a kubelet does) and, when a pod is
// deleted, kills its processes and removes the object (grace 0).
type Kubelet struct {
	t      testing.TB
	client kubernetes.Interface
	ns     string
	node   string
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu   sync.Mutex
	pods map[types.UID]*kpod
	next int
	Ran  []string // names of the pods it started, in order
	all  []*kpod
}

// Logs is the output of every pod it ran (for failure messages).
func (k *Kubelet) Logs() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var b strings.Builder
	for _, p := range k.all {
		p.mu.Lock()
		fmt.Fprintf(&b, "--- pod %s\n%s%s\n", p.name, p.initLogs.String(), p.logs.String())
		p.mu.Unlock()
	}
	return b.String()
}

type kpod struct {
	name     string
	cancel   context.CancelFunc
	logs     bytes.Buffer  // the container's output (pods/log)
	initLogs bytes.Buffer  // the init containers' output
	ended    chan struct{} // the container's processes are gone
	mu       sync.Mutex
}

type initWriter struct{ p *kpod }

func (w initWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.initLogs.Write(b)
}

func (p *kpod) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.Write(b)
}

// StartKubelet runs a kubelet for namespace ns until the test ends: a
// Node named "node-<ns>" whose kubelet endpoint serves pods/log.
func StartKubelet(t testing.TB, kc *Kube, ns string) *Kubelet {
	ctx, cancel := context.WithCancel(context.Background())
	k := &Kubelet{t: t, client: kc.Client, ns: ns, node: "node-" + ns, ctx: ctx, cancel: cancel, pods: map[types.UID]*kpod{}, next: int(time.Now().UnixNano() % 200)}
	kc.kubeletMux.HandleFunc("/containerLogs/"+ns+"/", k.serveLogs)
	port := kc.kubelet.Listener.Addr().(*net.TCPAddr).Port
	node, err := k.client.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: k.node}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	node.Status = corev1.NodeStatus{
		Addresses:       []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: int32(port)}},
		Conditions:      []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: metav1.Now()}},
	}
	if _, err := k.client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	k.wg.Add(1)
	go k.loop()
	t.Cleanup(func() { k.cancel(); k.wg.Wait() })
	return k
}

// Started lists the pods the kubelet ran.
func (k *Kubelet) Started() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.Ran...)
}

func (k *Kubelet) loop() {
	defer k.wg.Done()
	pods := k.client.CoreV1().Pods(k.ns)
	rv := ""
	for k.ctx.Err() == nil {
		if rv == "" {
			l, err := pods.List(k.ctx, metav1.ListOptions{})
			if err != nil {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			for i := range l.Items {
				k.handle(watch.Added, &l.Items[i])
			}
			rv = l.ResourceVersion
		}
		w, err := pods.Watch(k.ctx, metav1.ListOptions{ResourceVersion: rv})
		if err != nil {
			rv = ""
			continue
		}
		for ev := range w.ResultChan() {
			p, ok := ev.Object.(*corev1.Pod)
			if !ok {
				rv = "" // an error event: list again
				break
			}
			rv = p.ResourceVersion
			k.handle(ev.Type, p)
		}
		w.Stop()
	}
}

func (k *Kubelet) handle(typ watch.EventType, p *corev1.Pod) {
	k.mu.Lock()
	defer k.mu.Unlock()
	kp := k.pods[p.UID]
	switch {
	case typ == watch.Deleted:
		if kp != nil {
			kp.cancel()
			delete(k.pods, p.UID)
		}
	case p.DeletionTimestamp != nil:
		if kp != nil {
			kp.cancel()
		}
		zero := int64(0)
		uid := p.UID
		go k.client.CoreV1().Pods(k.ns).Delete(context.Background(), p.Name, metav1.DeleteOptions{ //nolint:errcheck // may be gone
			GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &uid}})
	case kp == nil && p.Status.Phase == corev1.PodPending || kp == nil && p.Status.Phase == "":
		ctx, cancel := context.WithCancel(k.ctx)
		kp = &kpod{name: p.Name, cancel: cancel, ended: make(chan struct{})}
		k.all = append(k.all, kp)
		k.pods[p.UID] = kp
		k.next++
		ip := fmt.Sprintf("127.77.%d.%d", 1+k.next/250%250, 1+k.next%250)
		k.Ran = append(k.Ran, p.Name)
		k.wg.Add(1)
		go func() { defer k.wg.Done(); k.run(ctx, p.DeepCopy(), ip, kp) }()
	}
}

// run runs one pod until it ends or ctx ends (deletion).
func (k *Kubelet) run(ctx context.Context, p *corev1.Pod, ip string, kp *kpod) {
	defer close(kp.ended)
	// Scheduled here (a pod on a node is deleted gracefully: the kubelet
	// finishes the deletion).
	err := k.client.CoreV1().Pods(k.ns).Bind(ctx, &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: p.Name, UID: p.UID},
		Target: corev1.ObjectReference{Kind: "Node", Name: k.node}}, metav1.CreateOptions{})
	if err != nil {
		return // deleted before it was scheduled
	}
	var out io.Writer = kp
	dirs := map[string]string{} // mount path -> host dir
	vols := map[string]string{}
	for _, v := range p.Spec.Volumes {
		if v.EmptyDir != nil {
			d, err := os.MkdirTemp("", "kubelet-"+v.Name)
			if err != nil {
				k.status(p, corev1.PodFailed, ip, false, "volume: "+err.Error(), -1)
				return
			}
			defer os.RemoveAll(d)
			vols[v.Name] = d
		}
	}
	for _, c := range append(append([]corev1.Container(nil), p.Spec.InitContainers...), p.Spec.Containers...) {
		for _, m := range c.VolumeMounts {
			if vols[m.Name] != "" {
				dirs[m.MountPath] = vols[m.Name]
			}
		}
	}
	for _, c := range p.Spec.InitContainers {
		cmd := k.command(ctx, c, dirs, nil, nil)
		cmd.Stdout, cmd.Stderr = initWriter{kp}, initWriter{kp}
		if err := cmd.Run(); err != nil {
			k.status(p, corev1.PodFailed, "", false, "init container "+c.Name+": "+err.Error(), exitCode(err))
			return
		}
	}
	c := p.Spec.Containers[0]
	port, err := freeLocalPort()
	if err != nil {
		k.status(p, corev1.PodFailed, "", false, err.Error(), -1)
		return
	}
	var img *kubeletImage
	if pullable(c.Image) {
		if img, err = pullImage(c.Image); err != nil {
			k.status(p, corev1.PodFailed, "", false, "ErrImagePull: "+err.Error(), -1)
			return
		}
		defer os.RemoveAll(img.root)
	}
	cmd := k.command(ctx, c, dirs, img, []string{"PORT=" + strconv.Itoa(port)})
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		k.status(p, corev1.PodFailed, "", false, "start: "+err.Error(), 128)
		return
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for _, cp := range c.Ports {
		ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(int(cp.ContainerPort))))
		if err != nil {
			k.t.Logf("kubelet: pod %s: listen on its IP: %v", p.Name, err)
			continue
		}
		defer ln.Close()
		go forward(ln, "127.0.0.1:"+strconv.Itoa(port))
	}
	k.status(p, corev1.PodRunning, ip, false, "", 0)
	ready := time.NewTicker(50 * time.Millisecond)
	defer ready.Stop()
	for isReady := false; ; {
		select {
		case err := <-exited:
			phase := corev1.PodSucceeded
			if err != nil {
				phase = corev1.PodFailed
			}
			k.status(p, phase, ip, false, fmt.Sprint(err), exitCode(err))
			return
		case <-ctx.Done():
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) //nolint:errcheck // may have exited
			<-exited
			return
		case <-ready.C:
			if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second); err == nil && !isReady {
				c.Close()
				isReady = true
				k.status(p, corev1.PodRunning, ip, true, "", 0)
			}
		}
	}
}

// command is container c as a local process: volume mount paths replaced
// by their host directories, PORT and extra appended to its environment.
// With img (a pulled image) it runs chrooted in the image's root with the
// image's entrypoint, environment and working directory as defaults.
func (k *Kubelet) command(ctx context.Context, c corev1.Container, dirs map[string]string, img *kubeletImage, extra []string) *exec.Cmd {
	paths := make([]string, 0, len(dirs))
	for m := range dirs {
		paths = append(paths, m)
	}
	sort.Slice(paths, func(i, j int) bool { return len(paths[i]) > len(paths[j]) })
	sub := func(s string) string {
		for _, m := range paths {
			s = strings.ReplaceAll(s, m, dirs[m])
		}
		return s
	}
	argv := append(append([]string(nil), c.Command...), c.Args...)
	if img != nil {
		sub = func(s string) string { return s }
		if len(argv) == 0 {
			argv = img.entrypoint
		}
	}
	for i := range argv {
		argv[i] = sub(argv[i])
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + os.TempDir()}
	if img != nil {
		cmd.Env = append([]string{"HOME=/"}, img.env...)
	}
	for _, e := range c.Env {
		cmd.Env = append(cmd.Env, e.Name+"="+sub(e.Value))
	}
	cmd.Env = append(cmd.Env, extra...)
	if c.WorkingDir != "" {
		cmd.Dir = sub(c.WorkingDir)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if img != nil {
		cmd.SysProcAttr.Chroot = img.root
		if cmd.Dir == "" {
			cmd.Dir = img.workDir
		}
		if cmd.Dir == "" {
			cmd.Dir = "/"
		}
	}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	return cmd
}
