package auth_test

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/domain"
)

func TestSignIdentityRoundTrip(t *testing.T) {
	t.Parallel()
	in := domain.Visitor{ProfileID: "cust_1001", Email: "ava.chen@example.com", Name: "Ava Chen"}
	tok, err := auth.SignIdentity(in, "secret-1", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := auth.VerifyIdentity(tok, "secret-1")
	if err != nil {
		t.Fatal(err)
	}
	want := in
	want.Authenticated = true
	if got != want {
		t.Fatalf("VerifyIdentity = %+v, want %+v", got, want)
	}
	if _, err := auth.VerifyIdentity(tok, "another-secret"); domain.CodeOf(err) != domain.EInvalid {
		t.Fatalf("another account's secret: err = %v, want EInvalid", err)
	}
	expired, err := auth.SignIdentity(in, "secret-1", -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.VerifyIdentity(expired, "secret-1"); domain.CodeOf(err) != domain.EInvalid {
		t.Fatalf("expired token: err = %v, want EInvalid", err)
	}
}
