package seal

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealOpenRoundTripAndRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := NewKey(), NewKey()
	old, err := ParseKeys(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte(`{"access_token":"shpat_0123456789abcdef"}`)
	ad := []byte("account/shopify")
	sealed := old.Seal(secret, ad)
	if bytes.Contains(sealed, []byte("shpat_0123456789abcdef")) {
		t.Fatal("the sealed value contains the secret in the clear")
	}
	if again := old.Seal(secret, ad); bytes.Equal(again, sealed) {
		t.Fatal("sealing twice gave the same bytes: the nonce is not random")
	}
	got, err := old.Open(sealed, ad)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v; want the secret", got, err)
	}

	rotated, err := ParseKeys(newKey + ", " + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open(sealed, ad); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("after rotation, Open of an old value = %q, %v; want the secret", got, err)
	}
	resealed := rotated.Seal(secret, ad)
	if _, err := old.Open(resealed, ad); !errors.Is(err, ErrOpen) {
		t.Fatalf("the old keyring opened a value sealed with the new key: %v", err)
	}

	if _, err := old.Open(sealed, []byte("other-account/shopify")); !errors.Is(err, ErrOpen) {
		t.Fatalf("Open with other associated data = %v, want ErrOpen", err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	if _, err := old.Open(tampered, ad); !errors.Is(err, ErrOpen) {
		t.Fatalf("Open of an altered value = %v, want ErrOpen", err)
	}
}

func TestParseKeysRejectsBadKeys(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"", "not base64!", "c2hvcnQ=", NewKey() + ",short"} {
		if _, err := ParseKeys(spec); err == nil {
			t.Errorf("ParseKeys(%q) accepted it", spec)
		}
	}
}
