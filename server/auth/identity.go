package auth

import (
	"errors"
	"net/mail"

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
