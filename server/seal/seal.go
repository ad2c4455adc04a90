// Package seal encrypts small secrets at rest (integration credentials) with AES-256-GCM.
//
// A sealed value is self-describing: a format byte, the 4-byte id of the key that sealed
// it, a random 12-byte nonce, then the ciphertext and its tag. A Keyring seals with its
// first key and opens with any of its keys, so keys rotate by putting the new key first
// and keeping the old ones until every value has been sealed again. Callers pass
// associated data (an account and provider, say) that must match on Open, so a sealed
// value copied to another row does not open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

// format is the first byte of every sealed value.
const format byte = 1

const (
	keyIDSize = 4
	nonceSize = 12
	header    = 1 + keyIDSize + nonceSize
)

// ErrOpen is returned when a sealed value cannot be opened: it was sealed with a key the
// keyring lacks, with other associated data, or it was altered.
var ErrOpen = errors.New("seal: cannot open: unknown key, wrong associated data or altered value")

// Keyring seals with its current key and opens with any of its keys. It is safe for
// concurrent use.
type Keyring struct {
	current [keyIDSize]byte
	aeads   map[[keyIDSize]byte]cipher.AEAD
}

// ParseKeys returns a keyring of the comma-separated, standard base64 encoded 32-byte
// keys in spec; the first seals, all open.
func ParseKeys(spec string) (*Keyring, error) {
	k := &Keyring{aeads: map[[keyIDSize]byte]cipher.AEAD{}}
	for i, part := range strings.Split(spec, ",") {
		key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(part))
		if err != nil || len(key) != KeySize {
			return nil, fmt.Errorf("encryption key %d is not %d bytes in standard base64 (generate one with `openssl rand -base64 32`)", i+1, KeySize)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := keyID(key)
		if i == 0 {
			k.current = id
		}
		k.aeads[id] = aead
	}
	return k, nil
}

// NewKey returns a fresh random key in the form ParseKeys reads.
func NewKey() string {
	return base64.StdEncoding.EncodeToString(randomKey())
}

// keyID identifies a key without revealing it: the first bytes of its SHA-256 hash.
func keyID(key []byte) [keyIDSize]byte {
	h := sha256.Sum256(key)
	return [keyIDSize]byte(h[:keyIDSize])
}

// Seal encrypts plaintext bound to associated data ad with the current key.
func (k *Keyring) Seal(plaintext, ad []byte) []byte {
	out := make([]byte, header, header+len(plaintext)+16)
	out[0] = format
	copy(out[1:], k.current[:])
	_, _ = rand.Read(out[1+keyIDSize : header])
	return k.aeads[k.current].Seal(out, out[1+keyIDSize:header], plaintext, ad)
}

// Open decrypts a value Seal returned for the same associated data, with whichever of
// the keyring's keys sealed it. Returns ErrOpen if it cannot.
func (k *Keyring) Open(sealed, ad []byte) ([]byte, error) {
	if len(sealed) < header || sealed[0] != format {
		return nil, ErrOpen
	}
	aead, ok := k.aeads[[keyIDSize]byte(sealed[1:1+keyIDSize])]
	if !ok {
		return nil, ErrOpen
	}
	plain, err := aead.Open(nil, sealed[1+keyIDSize:header], sealed[header:], ad)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// randomKey returns KeySize random bytes.
func randomKey() []byte {
	b := make([]byte, KeySize)
	_, _ = rand.Read(b)
	return b
}
