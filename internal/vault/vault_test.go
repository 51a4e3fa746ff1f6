package vault_test

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/vault"
)

func TestSealOpenRotate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.key")
	kr, err := vault.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	ct, err := kr.Seal([]byte("client-secret-1"), []byte("rec-a"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ct, "client-secret-1") {
		t.Fatal("plaintext in ciphertext")
	}
	if pt, err := kr.Open(ct, []byte("rec-a")); err != nil || string(pt) != "client-secret-1" {
		t.Fatalf("open: %q %v", pt, err)
	}
	if _, err := kr.Open(ct, []byte("rec-b")); !errors.Is(err, vault.ErrDecrypt) {
		t.Fatalf("other record's aad opened it: %v", err)
	}
	tampered := ct[:len(ct)-2] + "AA"
	if _, err := kr.Open(tampered, []byte("rec-a")); !errors.Is(err, vault.ErrDecrypt) {
		t.Fatalf("tampered ciphertext opened: %v", err)
	}
	old, _ := kr.Current()
	d1 := kr.Derive("x")
	if err := kr.Rotate(); err != nil {
		t.Fatal(err)
	}
	if cur, _ := kr.Current(); cur == old || string(kr.Derive("x")) == string(d1) {
		t.Fatal("rotation did not change the current key")
	}
	if pt, err := kr.Open(ct, []byte("rec-a")); err != nil || string(pt) != "client-secret-1" {
		t.Fatalf("old ciphertext after rotation: %v", err)
	}
	kr2, err := vault.Open(path) // reload from disk
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := kr2.Open(ct, []byte("rec-a")); err != nil || string(pt) != "client-secret-1" {
		t.Fatalf("after reload: %v", err)
	}
}

func TestFixedKey(t *testing.T) {
	k := make([]byte, 32)
	rand.Read(k)
	kr, err := vault.FromKey(base64.StdEncoding.EncodeToString(k))
	if err != nil {
		t.Fatal(err)
	}
	ct, _ := kr.Seal([]byte("x"), nil)
	if pt, err := kr.Open(ct, nil); err != nil || string(pt) != "x" {
		t.Fatal(err)
	}
	if err := kr.Rotate(); err == nil {
		t.Fatal("a fixed key cannot rotate")
	}
	if _, err := vault.FromKey("short"); err == nil {
		t.Fatal("bad fixed key accepted")
	}
}
