package kubernetes

import (
	"fmt"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// PrivateV4 and PrivateV6 are the ranges a PUBLIC session may not reach,
// as under linuxns (whose firewall drops traffic to the host, to other
// sandboxes, to link-local metadata addresses and to private networks): the
// cluster's pod, service and node networks are among them.
var (
	PrivateV4 = []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"}
	PrivateV6 = []string{"::1/128", "fc00::/7", "fe80::/10"}
)

// policyFor is the NetworkPolicy of environment name: ingress only from the
// server's pods on the contract ports; egress to the public internet and
// cluster DNS (PUBLIC) or nowhere (NONE), plus the server's bundle port for
// a code runtime's init container.
func (d *Driver) policyFor(name string, spec sandbox.Spec, bundle bool) *networkingv1.NetworkPolicy {
	server := networkingv1.NetworkPolicyPeer{
		PodSelector:       &metav1.LabelSelector{MatchLabels: d.opts.ServerLabels},
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": d.opts.ServerNamespace}},
	}
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	var in []networkingv1.NetworkPolicyPort
	for _, p := range spec.Ports {
		in = append(in, networkingv1.NetworkPolicyPort{Protocol: &tcp, Port: intOrPort(p)})
	}
	np := &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: d.opts.Namespace, Labels: d.labelsFor(spec)},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{LabelEnv: labelValue(spec.ID), LabelServer: d.opts.ServerID}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			Ingress:     []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{server}, Ports: in}},
			Egress:      []networkingv1.NetworkPolicyEgressRule{},
		},
	}
	if bundle {
		if p := d.bundlePort(); p > 0 {
			np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{
				To: []networkingv1.NetworkPolicyPeer{server}, Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: intOrPort(p)}}})
		}
	}
	if spec.Network != "NONE" {
		dns := networkingv1.NetworkPolicyPeer{
			NamespaceSelector: &metav1.LabelSelector{},
			PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}},
		}
		np.Spec.Egress = append(np.Spec.Egress,
			networkingv1.NetworkPolicyEgressRule{To: []networkingv1.NetworkPolicyPeer{dns},
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: intOrPort(53)}, {Protocol: &tcp, Port: intOrPort(53)}}},
			networkingv1.NetworkPolicyEgressRule{To: []networkingv1.NetworkPolicyPeer{
				{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: PrivateV4}},
				{IPBlock: &networkingv1.IPBlock{CIDR: "::/0", Except: PrivateV6}},
			}})
	}
	return np
}

func intOrPort(p int) *intstr.IntOrString {
	v := intstr.FromInt32(int32(p))
	return &v
}

// ParseOptions reads the driver's options as the server passes them
// (the --kube-* settings without the prefix).
func ParseOptions(m map[string]string) (Options, error) {
	o := Options{
		Kubeconfig: m["config"], Namespace: m["namespace"], RuntimeClass: m["runtime-class"],
		CodeImage: m["code-image"], FetchImage: m["fetch-image"],
		BundleListen: m["bundle-listen"], BundleURL: m["bundle-url"],
		ServerID: m["server-id"], ServerNamespace: m["server-namespace"],
		ServerLabels: map[string]string{}, CollectPeers: m["collect-peers"] == "true",
	}
	for _, kv := range strings.Split(m["server-labels"], ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return o, fmt.Errorf("kubernetes: server labels: %q is not KEY=VALUE", kv)
		}
		o.ServerLabels[k] = v
	}
	if len(o.ServerLabels) == 0 {
		o.ServerLabels["app.kubernetes.io/name"] = "agentcore"
	}
	if g := m["grace"]; g != "" {
		d, err := time.ParseDuration(g)
		if err != nil {
			return o, fmt.Errorf("kubernetes: grace: %w", err)
		}
		o.Grace = d
	}
	return o, nil
}
