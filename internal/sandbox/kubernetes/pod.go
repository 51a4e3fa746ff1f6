package kubernetes

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// podName is the pod (and NetworkPolicy) name of environment id: a DNS
// label ("agentcore-" and the id, lower-cased, invalid characters as "-").
func podName(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > 50 {
		s = s[:50]
	}
	return strings.TrimRight("agentcore-"+s, "-")
}

// labelValue is s when it is a valid label value, else "h-" and a hash.
func labelValue(s string) string {
	if validLabelValue(s) == "" {
		return s
	}
	h := sha256.Sum256([]byte(s))
	return "h-" + hex.EncodeToString(h[:16])
}

func validLabelValue(s string) string {
	if errs := validation.IsValidLabelValue(s); len(errs) > 0 {
		return strings.Join(errs, "; ")
	}
	return ""
}

// labelsFor are the labels of an environment's pod and policy.
func (d *Driver) labelsFor(spec sandbox.Spec) map[string]string {
	l := map[string]string{
		LabelManagedBy: managedBy,
		LabelServer:    d.opts.ServerID,
		LabelEnv:       labelValue(spec.ID),
	}
	if spec.Owner.Account != "" {
		l[LabelAccount] = labelValue(spec.Owner.Account)
	}
	if spec.Owner.Runtime != "" {
		l[LabelRuntime] = labelValue(spec.Owner.Runtime)
	}
	if spec.Owner.Session != "" {
		l[LabelSession] = labelValue(spec.Owner.Session)
	} else {
		l[LabelPool] = "true"
	}
	return l
}

// podFor builds the pod of spec; bundleURL is set for a code runtime.
func (d *Driver) podFor(name string, spec sandbox.Spec, bundleURL string) *corev1.Pod {
	lim := spec.Limits.WithDefaults()
	res := corev1.ResourceList{
		corev1.ResourceCPU:    *resource.NewMilliQuantity(int64(lim.CPUMillis), resource.DecimalSI),
		corev1.ResourceMemory: *resource.NewQuantity(lim.MemoryBytes, resource.BinarySI),
	}
	no := false
	grace := int64(d.opts.Grace.Seconds())
	c := corev1.Container{
		Name:            "agent",
		ImagePullPolicy: corev1.PullIfNotPresent,
		Resources:       corev1.ResourceRequirements{Limits: res, Requests: res},
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: &no,
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
	}
	for _, p := range spec.Ports {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: "p" + strconv.Itoa(p), ContainerPort: int32(p), Protocol: corev1.ProtocolTCP})
	}
	if len(spec.Ports) > 0 {
		c.ReadinessProbe = &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: *intOrPort(spec.Ports[0])}},
			PeriodSeconds: 1, FailureThreshold: 1,
		}
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: d.opts.Namespace, Labels: d.labelsFor(spec),
			Annotations: map[string]string{AnnotPids: strconv.Itoa(lim.Pids)}},
		Spec: corev1.PodSpec{
			RestartPolicy:                 corev1.RestartPolicyNever,
			AutomountServiceAccountToken:  &no,
			EnableServiceLinks:            &no,
			TerminationGracePeriodSeconds: &grace,
			SecurityContext:               &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
		},
	}
	if spec.Owner.Session != "" {
		pod.Annotations[AnnotSession] = spec.Owner.Session
	}
	if d.opts.RuntimeClass != "" {
		rc := d.opts.RuntimeClass
		pod.Spec.RuntimeClassName = &rc
	}
	if spec.Image != "" {
		c.Image, c.Command, c.WorkingDir = spec.Image, spec.Command, spec.WorkDir
		c.Env = envVars(append(spec.Env, portEnv(spec)...))
		pod.Spec.Containers = []corev1.Container{c}
		return pod
	}
	// A code runtime: the bundle is fetched into an emptyDir at
	// sandbox.BundlePath by an init container; the agent runs from there
	// in the code image, its host paths rewritten (sandbox.Relocate).
	rs, _ := sandbox.Relocate(spec)
	cmd := append([]string(nil), rs.Command...)
	switch {
	case !filepath.IsAbs(cmd[0]) && isExec(filepath.Join(spec.Dir, cmd[0])):
		cmd[0] = sandbox.BundlePath + "/" + cmd[0]
	case filepath.IsAbs(cmd[0]) && !strings.HasPrefix(cmd[0], sandbox.BundlePath+"/"):
		// A host interpreter (python3.12 under the server's prefix): the
		// code image has its own in PATH.
		cmd[0] = filepath.Base(cmd[0])
	}
	c.Image, c.Command, c.WorkingDir = d.opts.CodeImage, cmd, defaultString(rs.WorkDir, sandbox.BundlePath)
	c.Env = envVars(append(rs.Env, portEnv(spec)...))
	vol := corev1.VolumeMount{Name: "bundle", MountPath: sandbox.BundlePath}
	ro := vol
	ro.ReadOnly = true
	c.VolumeMounts = []corev1.VolumeMount{ro}
	pod.Spec.Volumes = []corev1.Volume{{Name: "bundle", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	pod.Spec.InitContainers = []corev1.Container{{
		Name:            "fetch-bundle",
		Image:           d.opts.FetchImage,
		Command:         []string{"sh", "-c", `set -e; wget -q -O - "$AGENTCORE_BUNDLE_URL" | tar -xzf - -C "$AGENTCORE_BUNDLE_DIR"`},
		Env:             []corev1.EnvVar{{Name: "AGENTCORE_BUNDLE_URL", Value: bundleURL}, {Name: "AGENTCORE_BUNDLE_DIR", Value: sandbox.BundlePath}},
		VolumeMounts:    []corev1.VolumeMount{vol},
		SecurityContext: c.SecurityContext,
		Resources:       c.Resources,
	}}
	pod.Spec.Containers = []corev1.Container{c}
	return pod
}

// portEnv is PORT, the first contract port (the agent listens on it).
func portEnv(spec sandbox.Spec) []string {
	if len(spec.Ports) == 0 {
		return nil
	}
	return []string{"PORT=" + strconv.Itoa(spec.Ports[0])}
}

// envVars turns "K=V" entries into env vars (later entries win).
func envVars(env []string) []corev1.EnvVar {
	idx := map[string]int{}
	var out []corev1.EnvVar
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			continue
		}
		if i, seen := idx[k]; seen {
			out[i].Value = v
			continue
		}
		idx[k] = len(out)
		out = append(out, corev1.EnvVar{Name: k, Value: v})
	}
	return out
}

func isExec(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}
