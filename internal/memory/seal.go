package memory

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
)

// sealer encrypts content at rest with AES-256-GCM under a key derived from
// the server's master key and the memory's encryptionKeyArn. A memory
// without one is encrypted too, under the platform's own key (as AgentCore
// uses an AWS-owned key): content is plaintext at rest only when the service
// runs without a master key (tests of the service alone).
type sealer struct{ aead cipher.AEAD }

// platformKeyLabel derives the key of memories without encryptionKeyArn.
const platformKeyLabel = "agentcore-memory-platform-key"

func newSealer(master []byte, keyARN string) (*sealer, error) {
	label := "agentcore-memory|" + keyARN
	if keyARN == "" {
		if len(master) == 0 {
			return nil, nil
		}
		label = platformKeyLabel
	}
	if len(master) == 0 {
		return nil, errors.New("no master key configured for encryption at rest")
	}
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	blk, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(plain []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plain, nil)
}

func (s *sealer) open(box []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(box) < n {
		return nil, errors.New("sealed content is truncated")
	}
	return s.aead.Open(nil, box[:n], box[n:], nil)
}
