// Package auth turns bearer credentials into principals: account API keys, the public
// site key and visitor tokens, plus the brands' signed visitor identity tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

// Credential prefixes tell the kinds of bearer credentials apart at a glance.
const (
	// SecretKeyPrefix starts every private account API key.
	SecretKeyPrefix = "tdm_sk_"
	// SiteKeyPrefix starts every public site key.
	SiteKeyPrefix = "tdm_pk_"
	// VisitorTokenPrefix starts every visitor token.
	VisitorTokenPrefix = "tdm_vt_"
)

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewKey returns a fresh random credential with the prefix (160 bits of entropy).
func NewKey(prefix string) string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	return prefix + strings.ToLower(keyEncoding.EncodeToString(b))
}

// NewSecret returns a random secret suitable for HMAC signing (256 bits, base32).
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return strings.ToLower(keyEncoding.EncodeToString(b))
}

// HashKey returns the SHA-256 digest under which a secret key is stored. Keys are long
// random strings, so a fast hash is as strong as a slow one here.
func HashKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// KeyPrefix returns the part of a key that may be shown to recognise it.
func KeyPrefix(key string) string {
	if len(key) > len(SecretKeyPrefix)+4 {
		return key[:len(SecretKeyPrefix)+4]
	}
	return key
}
