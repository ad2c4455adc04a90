package auth

import (
	"errors"
	"net/mail"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tandemhq/tandem/server/domain"
)

type identityClaims struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	jwt.RegisteredClaims
}

// VerifyIdentity checks a brand's visitor identity token: a JWT signed with HS256 and the
// account's identity secret, with an expiry, `sub` (the brand's profile id) and optionally
// `email` and `name`. It returns the authenticated visitor, or EInvalid saying what is wrong.
func VerifyIdentity(token, secret string) (domain.Visitor, error) {
	var c identityClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return domain.Visitor{}, domain.Errorf(domain.EInvalid, "identity_token expired: sign a fresh one for this visitor")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return domain.Visitor{}, domain.Errorf(domain.EInvalid, "identity_token signature does not match the account's identity secret")
	case err != nil:
		return domain.Visitor{}, domain.Errorf(domain.EInvalid, "identity_token is not a valid HS256 JWT with an expiry: %v", err)
	}
	if c.Subject == "" {
		return domain.Visitor{}, domain.Errorf(domain.EInvalid, "identity_token has no sub claim: put the customer's profile id in sub")
	}
	if c.Email != "" {
		if _, err := mail.ParseAddress(c.Email); err != nil {
			return domain.Visitor{}, domain.Errorf(domain.EInvalid, "identity_token email claim is not an email address")
		}
	}
	return domain.Visitor{Authenticated: true, ProfileID: c.Subject, Email: c.Email, Name: c.Name}, nil
}

// SignIdentity signs an identity token for v (its ProfileID as `sub`, Email and Name)
// valid for ttl, as a brand's back end does for VerifyIdentity. Tandem itself uses it
// only for the demo store's profiles.
func SignIdentity(v domain.Visitor, secret string, ttl time.Duration) (string, error) {
	now := time.Now()
	return jwt.NewWithClaims(jwt.SigningMethodHS256, identityClaims{
		Email: v.Email, Name: v.Name,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject: v.ProfileID, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}).SignedString([]byte(secret))
}
