package kubernetes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
)

// instance is one session pod, followed through a watch.
type instance struct {
	d      *Driver
	name   string
	token  string // bundle token, "" for images
	ctx    context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	ip    string
	ready bool
	err   error

	done     chan struct{} // the agent exited, the pod vanished, or Stop
	doneOnce sync.Once
	gone     chan struct{} // the pod is no longer in the API
	goneOnce sync.Once
	stopOnce sync.Once
	stopErr  error
	logsDone chan struct{} // copyLogs returned
}

func newInstance(d *Driver, pod *corev1.Pod, token string) *instance {
	ctx, cancel := context.WithCancel(d.ctx)
	return &instance{d: d, name: pod.Name, token: token, ctx: ctx, cancel: cancel,
		done: make(chan struct{}), gone: make(chan struct{}), logsDone: make(chan struct{})}
}

// follow watches the pod from resource version rv until it is deleted or
// the instance stops, re-listing when the watch ends.
func (in *instance) follow(rv string) {
	pods := in.d.client.CoreV1().Pods(in.d.opts.Namespace)
	sel := fields.OneTermEqualSelector("metadata.name", in.name).String()
	for in.ctx.Err() == nil {
		w, err := pods.Watch(in.ctx, metav1.ListOptions{FieldSelector: sel, ResourceVersion: rv, AllowWatchBookmarks: true})
		if err == nil {
			rv = in.consume(w)
			if rv == "" {
				return
			}
			continue
		}
		select { // the API server is unreachable or the version expired: re-read
		case <-in.ctx.Done():
			return
		case <-time.After(time.Second):
		}
		p, err := pods.Get(in.ctx, in.name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			in.vanished()
			return
		}
		if err == nil {
			in.apply(p)
			rv = p.ResourceVersion
		}
	}
}

// consume applies the watch's events; it returns the last resource
// version, or "" once the pod is gone.
func (in *instance) consume(w watch.Interface) string {
	defer w.Stop()
	rv := ""
	for ev := range w.ResultChan() {
		switch ev.Type {
		case watch.Deleted:
			in.vanished()
			return ""
		case watch.Added, watch.Modified, watch.Bookmark:
			if p, ok := ev.Object.(*corev1.Pod); ok {
				rv = p.ResourceVersion
				if ev.Type != watch.Bookmark {
					in.apply(p)
				}
			}
		case watch.Error:
			return rv
		}
	}
	if in.ctx.Err() != nil {
		return ""
	}
	return rv
}

// apply records the pod's address, readiness and end.
func (in *instance) apply(p *corev1.Pod) {
	ready := false
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			ready = true
		}
	}
	in.mu.Lock()
	in.ip, in.ready = p.Status.PodIP, ready && p.DeletionTimestamp == nil
	in.mu.Unlock()
	switch p.Status.Phase {
	case corev1.PodSucceeded:
		in.finish(nil)
	case corev1.PodFailed:
		in.finish(fmt.Errorf("kubernetes: pod %s failed: %s", p.Name, terminated(p)))
	}
}

// terminated describes how the pod's containers ended.
func terminated(p *corev1.Pod) string {
	for _, s := range append(p.Status.InitContainerStatuses, p.Status.ContainerStatuses...) {
		if t := s.State.Terminated; t != nil && t.ExitCode != 0 {
			return fmt.Sprintf("container %s exited with status %d (%s) %s", s.Name, t.ExitCode, t.Reason, t.Message)
		}
	}
	return p.Status.Reason + " " + p.Status.Message
}

func (in *instance) vanished() {
	in.goneOnce.Do(func() { close(in.gone) })
	in.finish(fmt.Errorf("kubernetes: pod %s was deleted", in.name))
}

func (in *instance) finish(err error) {
	in.doneOnce.Do(func() {
		in.mu.Lock()
		in.err, in.ready = err, false
		in.mu.Unlock()
		close(in.done)
	})
}

// Dial implements sandbox.Instance: podIP:port once the pod is Ready.
func (in *instance) Dial(ctx context.Context, port int) (net.Conn, error) {
	in.mu.Lock()
	ip, ready := in.ip, in.ready
	in.mu.Unlock()
	if ip == "" || !ready {
		return nil, fmt.Errorf("kubernetes: pod %s is not ready", in.name)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
}

// Done implements sandbox.Instance.
func (in *instance) Done() <-chan struct{} { return in.done }

// Err implements sandbox.Instance.
func (in *instance) Err() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.err
}

// Stop implements sandbox.Instance: it deletes the pod and its policy and
// waits until the pod is gone from the API (or ctx ends).
func (in *instance) Stop(ctx context.Context) error {
	in.stopOnce.Do(func() { in.stopErr = in.stop(ctx) })
	return in.stopErr
}

func (in *instance) stop(ctx context.Context) error {
	d := in.d
	defer d.forget(in.name)
	defer in.cancel()
	if in.token != "" {
		defer d.bundles.remove(in.token)
	}
	grace := int64(d.opts.Grace.Seconds())
	var errs []error
	err := d.client.CoreV1().Pods(d.opts.Namespace).Delete(ctx, in.name, metav1.DeleteOptions{GracePeriodSeconds: &grace})
	if apierrors.IsNotFound(err) {
		in.vanished()
	} else if err != nil {
		errs = append(errs, fmt.Errorf("kubernetes: delete pod %s: %w", in.name, err))
	}
	err = d.client.NetworkingV1().NetworkPolicies(d.opts.Namespace).Delete(ctx, in.name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		errs = append(errs, fmt.Errorf("kubernetes: delete network policy %s: %w", in.name, err))
	}
	if len(errs) == 0 {
		wait := time.NewTimer(d.opts.Grace + 30*time.Second)
		defer wait.Stop()
		select {
		case <-in.gone:
		case <-ctx.Done():
		case <-wait.C:
		}
	}
	in.finish(nil)
	return errors.Join(errs...)
}

// Bind implements sandbox.Binder: a warm-pool pod is labelled with the
// session it now serves.
func (in *instance) Bind(ctx context.Context, sessionID string) error {
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{
		"labels":      map[string]any{LabelSession: labelValue(sessionID), LabelPool: nil},
		"annotations": map[string]any{AnnotSession: sessionID},
	}})
	_, err := in.d.client.CoreV1().Pods(in.d.opts.Namespace).Patch(ctx, in.name, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		in.d.log.Warn("kubernetes: label pooled pod with its session", "pod", in.name, "err", err)
	}
	return err
}
