// Package tlsca keeps a small local certificate authority and the server
// certificate it issues, for the optional HTTPS listener (--tls-listen).
//
// Unmodified AWS SDK code builds some URLs only from an https:// endpoint
// whose host ends in .amazonaws.com (the bedrock-agentcore SDK's browser and
// runtime WebSocket helpers), so the server offers a certificate for names
// such as agentcore.local.amazonaws.com and the real regional host names,
// signed by a CA the user trusts once (AWS_CA_BUNDLE, SSL_CERT_FILE,
// NODE_EXTRA_CA_CERTS). Everything is made with crypto/x509: ECDSA P-256,
// the CA valid 10 years, the server certificate 1 year.
//
// Files under the directory given to Ensure (usually <data-dir>/tls):
//
//	ca.pem          the CA certificate: the file clients trust
//	ca-key.pem      the CA's private key (0600)
//	server.pem      the server certificate, then the CA certificate
//	server-key.pem  the server certificate's private key (0600)
//
// The CA is made once and kept; the server certificate is issued again when
// the names it must cover change, when it expires within 30 days, or when it
// was not signed by the CA on disk.
package tlsca

import (
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Lifetimes and the renewal margin.
const (
	CAValidity     = 10 * 365 * 24 * time.Hour
	ServerValidity = 365 * 24 * time.Hour
	RenewBefore    = 30 * 24 * time.Hour
)

// LocalHost is the name under .amazonaws.com that the one-time set-up maps
// to the server (a hosts entry), for BEDROCK_AGENTCORE_DP_ENDPOINT.
const LocalHost = "agentcore.local.amazonaws.com"

// File names inside the directory.
const (
	CAFile        = "ca.pem"
	CAKeyFile     = "ca-key.pem"
	ServerFile    = "server.pem"
	ServerKeyFile = "server-key.pem"
)

// Files is the state of a directory after Ensure.
type Files struct {
	Dir                  string
	CA, CAKey, Cert, Key string   // absolute paths
	Hosts                []string // the names the server certificate covers, sorted
	NewCA, NewCert       bool     // made by this call
	NotAfter, CANotAfter time.Time
	caCert               *x509.Certificate
}

// Hosts is the list of names the server certificate covers for the given
// regions, plus extra names (DNS names or IP addresses): localhost, the
// loopback addresses, LocalHost and the regional data- and control-plane
// host names. Duplicates and empty names are dropped; the result is sorted.
func Hosts(regions []string, extra ...string) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1", LocalHost}
	for _, r := range regions {
		if r = strings.TrimSpace(r); r != "" {
			hosts = append(hosts, "bedrock-agentcore."+r+".amazonaws.com", "bedrock-agentcore-control."+r+".amazonaws.com")
		}
	}
	for _, h := range extra {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			hosts = append(hosts, h)
		}
	}
	slices.Sort(hosts)
	return slices.Compact(hosts)
}

// CheckHost reports whether h can be a certificate name (a DNS name,
// possibly with one leading wildcard label, or an IP address).
func CheckHost(h string) error {
	if net.ParseIP(h) != nil {
		return nil
	}
	name := strings.TrimPrefix(h, "*.")
	if name == "" || len(name) > 253 {
		return fmt.Errorf("%q is not a host name", h)
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%q is not a host name", h)
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("%q is not a host name", h)
			}
		}
	}
	return nil
}

// Ensure makes dir's CA if it has none and (re)issues the server
// certificate for hosts when needed (see the package doc). Concurrent
// callers on one directory wait for each other.
func Ensure(dir string, hosts []string, now time.Time) (*Files, error) {
	if len(hosts) == 0 {
		return nil, errors.New("tlsca: no host names")
	}
	hosts = slices.Clone(hosts)
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	for _, h := range hosts {
		if err := CheckHost(h); err != nil {
			return nil, fmt.Errorf("tlsca: %w", err)
		}
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lock(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	f := &Files{Dir: dir, CA: filepath.Join(dir, CAFile), CAKey: filepath.Join(dir, CAKeyFile),
		Cert: filepath.Join(dir, ServerFile), Key: filepath.Join(dir, ServerKeyFile), Hosts: hosts}
	caCert, caKey, err := f.loadCA(now)
	if err != nil {
		return nil, err
	}
	if caCert == nil {
		if caCert, caKey, err = f.newCA(now); err != nil {
			return nil, err
		}
		f.NewCA = true
	}
	f.caCert, f.CANotAfter = caCert, caCert.NotAfter
	if leaf := f.currentLeaf(now); leaf != nil {
		f.NotAfter = leaf.NotAfter
		return f, nil
	}
	if err := f.issue(caCert, caKey, now); err != nil {
		return nil, err
	}
	f.NewCert = true
	return f, nil
}

// loadCA reads the CA (nil when absent, unreadable, or expiring within
// RenewBefore: a new one is then made) and keeps its key's mode at 0600.
func (f *Files) loadCA(now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certs, err := readCerts(f.CA)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil || len(certs) != 1 {
		return nil, nil, nil // replaced
	}
	key, err := readKey(f.CAKey)
	if err != nil {
		return nil, nil, nil
	}
	ca := certs[0]
	if !ca.IsCA || now.Add(RenewBefore).After(ca.NotAfter) || !key.PublicKey.Equal(ca.PublicKey) {
		return nil, nil, nil
	}
	if err := keepPrivate(f.CAKey); err != nil {
		return nil, nil, err
	}
	return ca, key, nil
}

// currentLeaf is the server certificate on disk when it is still good for
// the hosts: issued by the CA, names equal, not expiring soon, key matching.
func (f *Files) currentLeaf(now time.Time) *x509.Certificate {
	pair, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil || pair.Leaf == nil {
		return nil
	}
	leaf := pair.Leaf
	if now.Add(RenewBefore).After(leaf.NotAfter) || now.Before(leaf.NotBefore) || !slices.Equal(names(leaf), f.Hosts) {
		return nil
	}
	if leaf.CheckSignatureFrom(f.caCert) != nil {
		return nil
	}
	if keepPrivate(f.Key) != nil {
		return nil
	}
	return leaf
}

// names is the sorted list of a certificate's DNS and IP names.
func names(c *x509.Certificate) []string {
	out := slices.Clone(c.DNSNames)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	slices.Sort(out)
	return out
}

// CertPool is a pool holding the CA certificate (for clients in tests).
func (f *Files) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(f.caCert)
	return p
}

// Load reads the server key pair for a tls.Config.
func (f *Files) Load() (tls.Certificate, error) { return tls.LoadX509KeyPair(f.Cert, f.Key) }
