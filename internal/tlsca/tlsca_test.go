package tlsca

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHosts(t *testing.T) {
	got := Hosts([]string{"us-east-1", "", "us-east-1"}, "Example.TEST", " ", "127.0.0.1")
	want := []string{"127.0.0.1", "::1", LocalHost, "bedrock-agentcore-control.us-east-1.amazonaws.com",
		"bedrock-agentcore.us-east-1.amazonaws.com", "example.test", "localhost"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Hosts = %v, want %v", got, want)
	}
	for _, bad := range []string{"", "a b", "-x.test", "x..test", "x/y"} {
		if CheckHost(bad) == nil {
			t.Errorf("CheckHost(%q) accepted", bad)
		}
	}
	for _, good := range []string{"*.local.test", "a-b.c", "::1", "10.0.0.1"} {
		if err := CheckHost(good); err != nil {
			t.Errorf("CheckHost(%q): %v", good, err)
		}
	}
	if _, err := Ensure(t.TempDir(), []string{"ok.test", "not a host"}, time.Now()); err == nil {
		t.Fatal("Ensure accepted a bad host name")
	}
}

// TestEnsure: made once with private keys, kept while good, the server
// certificate reissued (same CA) when its names change, and both verify
// for every name.
func TestEnsure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	now := time.Now()
	hosts := Hosts([]string{"us-east-1"})
	f, err := Ensure(dir, hosts, now)
	if err != nil {
		t.Fatal(err)
	}
	if !f.NewCA || !f.NewCert {
		t.Fatalf("first Ensure: NewCA=%v NewCert=%v", f.NewCA, f.NewCert)
	}
	for path, want := range map[string]os.FileMode{f.CA: 0o644, f.CAKey: 0o600, f.Cert: 0o644, f.Key: 0o600} {
		if got := mode(t, path); got != want {
			t.Errorf("%s: mode %o, want %o", filepath.Base(path), got, want)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 4 {
		t.Errorf("dir holds %d entries, want the 4 files (no lock or temporary file left)", len(ents))
	}
	ca := read(t, f.CA)
	verifyAll(t, f, hosts)
	if f.CANotAfter.Sub(now) < CAValidity-2*time.Hour || f.NotAfter.Sub(now) < ServerValidity-2*time.Hour || f.NotAfter.Sub(now) > ServerValidity {
		t.Errorf("validity: CA until %s, server until %s", f.CANotAfter, f.NotAfter)
	}

	// Unchanged: nothing rewritten.
	leaf := read(t, f.Cert)
	f2, err := Ensure(dir, hosts, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if f2.NewCA || f2.NewCert || !bytes.Equal(read(t, f2.Cert), leaf) {
		t.Fatalf("second Ensure rewrote: NewCA=%v NewCert=%v", f2.NewCA, f2.NewCert)
	}

	// A widened CA key mode is put back.
	os.Chmod(f.CAKey, 0o644)
	os.Chmod(f.Key, 0o640)
	if _, err := Ensure(dir, hosts, now); err != nil {
		t.Fatal(err)
	}
	if mode(t, f.CAKey) != 0o600 || mode(t, f.Key) != 0o600 {
		t.Errorf("key modes after Ensure: %o %o", mode(t, f.CAKey), mode(t, f.Key))
	}

	// New names: new server certificate, same CA.
	hosts2 := Hosts([]string{"us-east-1", "eu-west-1"}, "box.example.test", "192.0.2.7")
	f3, err := Ensure(dir, hosts2, now)
	if err != nil {
		t.Fatal(err)
	}
	if f3.NewCA || !f3.NewCert || !bytes.Equal(read(t, f3.CA), ca) {
		t.Fatalf("names changed: NewCA=%v NewCert=%v", f3.NewCA, f3.NewCert)
	}
	verifyAll(t, f3, hosts2)

	// Near expiry: reissued, CA kept.
	f4, err := Ensure(dir, hosts2, now.Add(ServerValidity-RenewBefore+time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if f4.NewCA || !f4.NewCert {
		t.Fatalf("near expiry: NewCA=%v NewCert=%v", f4.NewCA, f4.NewCert)
	}

	// A CA that is replaced (removed) gets a new server certificate.
	os.Remove(f.CAKey)
	f5, err := Ensure(dir, hosts2, now)
	if err != nil {
		t.Fatal(err)
	}
	if !f5.NewCA || !f5.NewCert || bytes.Equal(read(t, f5.CA), ca) {
		t.Fatalf("CA removed: NewCA=%v NewCert=%v", f5.NewCA, f5.NewCert)
	}
	verifyAll(t, f5, hosts2)
}

// verifyAll checks the chain for every name with crypto/x509 and, when
// openssl is installed, with `openssl verify -x509_strict` (the checks
// Python >= 3.13 applies by default).
func verifyAll(t *testing.T, f *Files, hosts []string) {
	t.Helper()
	pair, err := f.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		if _, err := pair.Leaf.Verify(x509.VerifyOptions{DNSName: h, Roots: f.CertPool()}); err != nil {
			t.Errorf("verify for %s: %v", h, err)
		}
	}
	if _, err := pair.Leaf.Verify(x509.VerifyOptions{DNSName: "other.example.test", Roots: f.CertPool()}); err == nil {
		t.Error("verified for a name it does not cover")
	}
	if openssl, err := exec.LookPath("openssl"); err == nil {
		leaf := filepath.Join(t.TempDir(), "leaf.pem")
		os.WriteFile(leaf, pemBlock("CERTIFICATE", pair.Leaf.Raw), 0o644)
		out, err := exec.Command(openssl, "verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", f.CA, leaf).CombinedOutput()
		if err != nil {
			t.Errorf("openssl verify -x509_strict: %v\n%s", err, out)
		}
	}
}

// TestHandshake serves with the issued certificate and connects by name
// and by address trusting only the CA.
func TestHandshake(t *testing.T) {
	f, err := Ensure(t.TempDir(), Hosts([]string{"us-west-2"}), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pair, err := f.Load()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	for _, name := range []string{LocalHost, "bedrock-agentcore.us-west-2.amazonaws.com", "127.0.0.1", "localhost"} {
		c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: f.CertPool(), ServerName: name})
		if err != nil {
			t.Errorf("dial as %s: %v", name, err)
			continue
		}
		c.Close()
	}
	if c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: x509.NewCertPool(), ServerName: LocalHost}); err == nil {
		c.Close()
		t.Error("handshake succeeded without trusting the CA")
	}
}

// TestEnsureConcurrent: parallel callers on one directory end with one CA
// and a server certificate it signed.
func TestEnsureConcurrent(t *testing.T) {
	dir := t.TempDir()
	hosts := Hosts([]string{"us-east-1"})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := Ensure(dir, hosts, time.Now())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	f, err := Ensure(dir, hosts, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if f.NewCA || f.NewCert {
		t.Fatalf("after concurrent calls: NewCA=%v NewCert=%v", f.NewCA, f.NewCert)
	}
	verifyAll(t, f, hosts)
}
