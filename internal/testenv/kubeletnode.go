package testenv

import (
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// serveLogs is the kubelet's /containerLogs/NS/POD/CONTAINER (what the API
// server's pods/log proxies to), with ?follow=true.
func (k *Kubelet) serveLogs(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/containerLogs/"), "/")
	var kp *kpod
	k.mu.Lock()
	for _, p := range k.all {
		if len(parts) == 3 && p.name == parts[1] {
			kp = p
		}
	}
	k.mu.Unlock()
	if kp == nil {
		http.Error(w, "pod not found", http.StatusNotFound)
		return
	}
	follow := r.URL.Query().Get("follow") == "true"
	fl, _ := w.(http.Flusher)
	for off, last := 0, false; ; {
		kp.mu.Lock()
		chunk := append([]byte(nil), kp.logs.Bytes()[off:]...)
		kp.mu.Unlock()
		if len(chunk) > 0 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			off += len(chunk)
			if fl != nil {
				fl.Flush()
			}
		}
		if !follow || last {
			return
		}
		select {
		case <-kp.ended:
			last = true
		case <-r.Context().Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// status writes the pod's status as a kubelet reports it.
func (k *Kubelet) status(p *corev1.Pod, phase corev1.PodPhase, ip string, ready bool, msg string, code int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for try := 0; try < 20; try++ {
		cur, err := k.client.CoreV1().Pods(k.ns).Get(ctx, p.Name, metav1.GetOptions{})
		if err != nil || cur.UID != p.UID {
			return // deleted
		}
		st := corev1.ConditionFalse
		if ready {
			st = corev1.ConditionTrue
		}
		now := metav1.Now()
		cur.Status.Phase, cur.Status.Message = phase, msg
		cur.Status.HostIP = "127.0.0.1"
		if ip != "" {
			cur.Status.PodIP, cur.Status.PodIPs = ip, []corev1.PodIP{{IP: ip}}
		}
		if cur.Status.StartTime == nil {
			cur.Status.StartTime = &now
		}
		cur.Status.Conditions = []corev1.PodCondition{
			{Type: corev1.PodReady, Status: st, LastTransitionTime: now},
			{Type: corev1.ContainersReady, Status: st, LastTransitionTime: now},
		}
		cs := corev1.ContainerStatus{Name: p.Spec.Containers[0].Name, Image: p.Spec.Containers[0].Image, Ready: ready}
		if phase == corev1.PodFailed || phase == corev1.PodSucceeded {
			cs.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: int32(code), Reason: "Error", Message: msg, FinishedAt: now}
		} else {
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: now}
		}
		cur.Status.ContainerStatuses = []corev1.ContainerStatus{cs}
		if _, err = k.client.CoreV1().Pods(k.ns).UpdateStatus(ctx, cur, metav1.UpdateOptions{}); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func forward(ln net.Listener, to string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			up, err := net.Dial("tcp", to)
			if err != nil {
				return
			}
			defer up.Close()
			go func() { io.Copy(up, c); up.(*net.TCPConn).CloseWrite() }() //nolint:errcheck
			io.Copy(c, up)                                                 //nolint:errcheck
		}()
	}
}

func freeLocalPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return 128
	}
	return 0
}
