// Package vault encrypts secrets at rest (client secrets, API keys, OAuth2
// tokens) with AES-256-GCM under a local master keyring.
//
// The keyring comes from a fixed key (FromKey: base64 of 32 bytes, no
// rotation; the server's AGENTCORE_VAULT_KEY) or from a key file in the data directory (created with
// mode 0600 on first start). Rotate adds a fresh key that seals from then on;
// older keys stay to open what they sealed until it is re-sealed.
// Ciphertexts are "v1.<keyId>.<base64url(nonce|sealed)>"; the additional data
// binds each ciphertext to the record it belongs to.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrDecrypt is returned for ciphertexts that do not open.
var ErrDecrypt = errors.New("vault: ciphertext does not decrypt with any key of the keyring")

// Keyring holds the master keys.
type Keyring struct {
	mu      sync.RWMutex
	path    string // "" = not persisted (env key)
	current string
	keys    map[string][]byte
	rotated time.Time
}

type fileForm struct {
	Current string            `json:"current"`
	Keys    map[string]string `json:"keys"`
	Rotated time.Time         `json:"rotated"`
}

// FromKey is a keyring of one fixed key (base64 of 32 bytes), not
// persisted and not rotated.
func FromKey(b64 string) (*Keyring, error) {
	k, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(k) != 32 {
		return nil, fmt.Errorf("the vault key must be the base64 encoding of 32 random bytes")
	}
	return &Keyring{current: "env", keys: map[string][]byte{"env": k}}, nil
}

// Open loads the keyring from path (created when missing).
func Open(path string) (*Keyring, error) {
	kr := &Keyring{path: path, keys: map[string][]byte{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		return kr, kr.Rotate()
	}
	if err != nil {
		return nil, err
	}
	var f fileForm
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("vault key file %s: %w", path, err)
	}
	for id, s := range f.Keys {
		k, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("vault key file %s: key %s is not 32 bytes of base64", path, id)
		}
		kr.keys[id] = k
	}
	if kr.keys[f.Current] == nil {
		return nil, fmt.Errorf("vault key file %s: current key %q is missing", path, f.Current)
	}
	kr.current, kr.rotated = f.Current, f.Rotated
	return kr, nil
}

// Rotate makes a fresh key current (persisted before use).
func (k *Keyring) Rotate() error {
	if k.path == "" && k.current != "" {
		return errors.New("the vault key is fixed (AGENTCORE_VAULT_KEY); rotate it by changing the key and re-sealing")
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	idb := make([]byte, 6)
	rand.Read(idb)
	id := base64.RawURLEncoding.EncodeToString(idb)
	k.mu.Lock()
	defer k.mu.Unlock()
	keys := map[string][]byte{id: key}
	for kid, v := range k.keys {
		keys[kid] = v
	}
	f := fileForm{Current: id, Keys: map[string]string{}, Rotated: time.Now().UTC()}
	for kid, v := range keys {
		f.Keys[kid] = base64.StdEncoding.EncodeToString(v)
	}
	b, _ := json.MarshalIndent(f, "", "  ")
	tmp := k.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, k.path); err != nil {
		return err
	}
	k.keys, k.current, k.rotated = keys, id, f.Rotated
	return nil
}

// Current is the id of the key that seals, and when it was made.
func (k *Keyring) Current() (string, time.Time) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.current, k.rotated
}

// Seal encrypts plaintext bound to aad.
func (k *Keyring) Seal(plaintext, aad []byte) (string, error) {
	k.mu.RLock()
	id, key := k.current, k.keys[k.current]
	k.mu.RUnlock()
	g, err := gcm(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := g.Seal(nonce, nonce, plaintext, aad)
	return "v1." + id + "." + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a Seal result with the same aad.
func (k *Keyring) Open(ciphertext string, aad []byte) ([]byte, error) {
	parts := strings.SplitN(ciphertext, ".", 3)
	if len(parts) != 3 || parts[0] != "v1" {
		return nil, ErrDecrypt
	}
	k.mu.RLock()
	key := k.keys[parts[1]]
	k.mu.RUnlock()
	if key == nil {
		return nil, ErrDecrypt
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, ErrDecrypt
	}
	g, err := gcm(key)
	if err != nil {
		return nil, err
	}
	if len(raw) < g.NonceSize() {
		return nil, ErrDecrypt
	}
	pt, err := g.Open(nil, raw[:g.NonceSize()], raw[g.NonceSize():], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// KeyIDOf returns the key id a ciphertext was sealed with.
func KeyIDOf(ciphertext string) string {
	parts := strings.SplitN(ciphertext, ".", 3)
	if len(parts) != 3 {
		return ""
	}
	return parts[1]
}

func gcm(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// Derive returns a 32-byte subkey for label from the oldest-stable key
// material: the current key (so rotation also rotates derived keys).
func (k *Keyring) Derive(label string) []byte {
	k.mu.RLock()
	key := k.keys[k.current]
	k.mu.RUnlock()
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}
