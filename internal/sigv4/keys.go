package sigv4

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"

	"sigs.k8s.io/yaml"
)

// Keys is the set of access keys the server accepts. Safe for concurrent use.
type Keys struct {
	mu   sync.RWMutex
	keys map[string]*Credential
}

// NewKeys returns a key set holding creds.
func NewKeys(creds ...Credential) (*Keys, error) {
	k := &Keys{keys: map[string]*Credential{}}
	for _, c := range creds {
		if err := k.Add(c); err != nil {
			return nil, err
		}
	}
	return k, nil
}

var (
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	keyIDRE   = regexp.MustCompile(`^[A-Za-z0-9]{4,128}$`)
)

// Add adds one credential.
func (k *Keys) Add(c Credential) error {
	switch {
	case !keyIDRE.MatchString(c.AccessKeyID):
		return fmt.Errorf("credential %q: accessKeyId must be 4-128 letters or digits", c.AccessKeyID)
	case len(c.SecretAccessKey) < 1:
		return fmt.Errorf("credential %s: secretAccessKey is empty", c.AccessKeyID)
	case !accountRE.MatchString(c.Account):
		return fmt.Errorf("credential %s: account %q must be a 12-digit AWS account id", c.AccessKeyID, c.Account)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, dup := k.keys[c.AccessKeyID]; dup {
		return fmt.Errorf("credential %s is listed twice", c.AccessKeyID)
	}
	cc := c
	k.keys[c.AccessKeyID] = &cc
	return nil
}

// Lookup implements Lookup.
func (k *Keys) Lookup(id string) *Credential {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.keys[id]
}

// Len is the number of keys.
func (k *Keys) Len() int {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return len(k.keys)
}

// Mint adds a fresh random key pair for account and returns it (the
// credentials the platform hands to hosted agents).
func (k *Keys) Mint(account string) (Credential, error) {
	id := make([]byte, 10)
	sec := make([]byte, 30)
	rand.Read(id)
	rand.Read(sec)
	c := Credential{AccessKeyID: "AKIAAC" + strings.ToUpper(hex.EncodeToString(id)), SecretAccessKey: hex.EncodeToString(sec), Account: account}
	return c, k.Add(c)
}

// fileShape accepts a list or {credentials: [...]}.
type fileShape struct {
	Credentials []Credential `json:"credentials"`
}

// LoadFile reads a JSON or YAML file holding a list of
// {accessKeyId, secretAccessKey, account} (or an object with such a list
// under "credentials").
func LoadFile(path string) ([]Credential, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list []Credential
	if err := yaml.UnmarshalStrict(b, &list); err == nil {
		return list, nil
	}
	var obj fileShape
	if err := yaml.UnmarshalStrict(b, &obj); err != nil {
		return nil, fmt.Errorf("credentials file %s: want a list of {accessKeyId, secretAccessKey, account}: %w", path, err)
	}
	return obj.Credentials, nil
}
