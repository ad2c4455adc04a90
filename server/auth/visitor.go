package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// VisitorTokens issues and verifies visitor tokens: HMAC-SHA256 signed, expiring
// credentials scoped to one conversation. Every replica must share the secret.
type VisitorTokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
}

// NewVisitorTokens returns a token issuer signing with secret; tokens live for ttl.
func NewVisitorTokens(secret string, ttl time.Duration) *VisitorTokens {
	return &VisitorTokens{secret: []byte(secret), ttl: ttl, now: time.Now}
}

type visitorClaims struct {
	AccountID      string `json:"a"`
	ConversationID string `json:"c"`
	ExpiresAt      int64  `json:"e"`
}

// Issue returns a token for the conversation and its expiry time.
func (v *VisitorTokens) Issue(accountID, conversationID string) (string, time.Time) {
	exp := v.now().Add(v.ttl).Truncate(time.Second)
	payload, _ := json.Marshal(visitorClaims{AccountID: accountID, ConversationID: conversationID, ExpiresAt: exp.Unix()})
	body := base64.RawURLEncoding.EncodeToString(payload)
	return VisitorTokenPrefix + body + "." + v.sign(body), exp
}

// Verify checks a token's signature and expiry and returns its principal.
func (v *VisitorTokens) Verify(token string) (domain.Principal, error) {
	body, sig, ok := strings.Cut(strings.TrimPrefix(token, VisitorTokenPrefix), ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(v.sign(body))) {
		return domain.Principal{}, domain.Errorf(domain.EUnauthenticated, "visitor token is not valid: start a new conversation")
	}
	payload, err := base64.RawURLEncoding.DecodeString(body)
	var c visitorClaims
	if err != nil || json.Unmarshal(payload, &c) != nil {
		return domain.Principal{}, domain.Errorf(domain.EUnauthenticated, "visitor token is not valid: start a new conversation")
	}
	if v.now().Unix() >= c.ExpiresAt {
		return domain.Principal{}, domain.Errorf(domain.EUnauthenticated, "visitor token expired: start a new conversation")
	}
	return domain.Principal{Kind: domain.PrincipalVisitor, AccountID: c.AccountID, ConversationID: c.ConversationID}, nil
}

func (v *VisitorTokens) sign(body string) string {
	m := hmac.New(sha256.New, v.secret)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
