package kubernetes

import (
	"context"
	"fmt"
	"maps"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// ownSelector selects everything this server created.
func (d *Driver) ownSelector() string {
	return labels.SelectorFromSet(labels.Set{LabelManagedBy: managedBy, LabelServer: d.opts.ServerID}).String()
}

// collect deletes the pods and policies labelled with this server's id that
// this driver does not run (at start: all of them).
func (d *Driver) collect(ctx context.Context) error {
	pods, err := d.client.CoreV1().Pods(d.opts.Namespace).List(ctx, metav1.ListOptions{LabelSelector: d.ownSelector()})
	if err != nil {
		return fmt.Errorf("kubernetes: list own pods: %w", err)
	}
	d.mu.Lock()
	known := maps.Clone(d.live)
	d.mu.Unlock()
	zero := int64(0)
	for _, p := range pods.Items {
		if known[p.Name] != nil {
			continue
		}
		err := d.client.CoreV1().Pods(d.opts.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("kubernetes: delete orphan pod %s: %w", p.Name, err)
		}
		d.log.Info("kubernetes: deleted a pod of this server's previous run", "pod", p.Name)
	}
	nps, err := d.client.NetworkingV1().NetworkPolicies(d.opts.Namespace).List(ctx, metav1.ListOptions{LabelSelector: d.ownSelector()})
	if err != nil {
		return fmt.Errorf("kubernetes: list own network policies: %w", err)
	}
	for _, np := range nps.Items {
		if known[np.Name] != nil {
			continue
		}
		err := d.client.NetworkingV1().NetworkPolicies(d.opts.Namespace).Delete(ctx, np.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("kubernetes: delete orphan network policy %s: %w", np.Name, err)
		}
	}
	return nil
}

// collectPeers deletes the session pods and policies of servers that are
// gone: with CollectPeers, a server's id is its pod's name in
// ServerNamespace, and a Deployment's replacement pod has a new name, so
// the sessions of a replica that died (node lost, kill -9) would otherwise
// stay forever. A server whose pod exists keeps its sessions.
func (d *Driver) collectPeers(ctx context.Context) error {
	sel := labels.SelectorFromSet(labels.Set{LabelManagedBy: managedBy}).String()
	pods, err := d.client.CoreV1().Pods(d.opts.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return fmt.Errorf("kubernetes: list session pods: %w", err)
	}
	checked := map[string]bool{} // server id -> gone
	for _, p := range pods.Items {
		id := p.Labels[LabelServer]
		if id == "" || id == d.opts.ServerID {
			continue
		}
		gone, seen := checked[id]
		if !seen {
			_, err := d.client.CoreV1().Pods(d.opts.ServerNamespace).Get(ctx, id, metav1.GetOptions{})
			if err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("kubernetes: look up server pod %s: %w", id, err)
			}
			gone = apierrors.IsNotFound(err)
			checked[id] = gone
		}
		if !gone {
			continue
		}
		zero := int64(0)
		if err := d.client.CoreV1().Pods(d.opts.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("kubernetes: delete pod %s of gone server %s: %w", p.Name, id, err)
		}
		if err := d.client.NetworkingV1().NetworkPolicies(d.opts.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("kubernetes: delete policy %s of gone server %s: %w", p.Name, id, err)
		}
		d.log.Info("kubernetes: deleted a session pod of a server that is gone", "pod", p.Name, "server", id)
	}
	return nil
}

// sweepPeers runs collectPeers every interval until the driver closes.
func (d *Driver) sweepPeers(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-d.ctx.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(d.ctx, time.Minute)
			if err := d.collectPeers(ctx); err != nil && d.ctx.Err() == nil {
				d.log.Warn("kubernetes: collecting gone servers' pods", "err", err)
			}
			cancel()
		}
	}
}
