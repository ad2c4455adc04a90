package store_test

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/storetest"
)

// testBundle is what a test works with: a store on a fresh database and its pool.
type testBundle struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	store *store.Store
}

// setup gives t a store on a fresh, migrated database.
func setup(t testing.TB) *testBundle {
	t.Helper()
	return setupTB(t)
}

// setupTB is setup for tests and benchmarks.
func setupTB(t testing.TB) *testBundle {
	t.Helper()
	pool := storetest.Pool(t)
	return &testBundle{ctx: t.Context(), pool: pool, store: store.New(pool)}
}

// newID returns a random UUID (version 4).
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// base is the time the fixtures start from; it has no monotonic reading, so stored
// times compare equal.
var base = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// createAccount stores an account with one OWNER key and returns both and the key's
// secret.
func createAccount(t testing.TB, b *testBundle) (domain.Account, domain.APIKey, string) {
	t.Helper()
	a := domain.Account{
		ID:             newID(),
		Name:           "Acme",
		SiteKey:        "site_" + newID(),
		IdentitySecret: "secret",
		Greeting:       "Hi!",
		TimeZone:       "Europe/Paris",
		CreatedAt:      base,
	}
	secret := "tk_" + newID()
	key := domain.APIKey{AccountID: a.ID, ID: newID(), Name: "owner", Role: domain.RoleOwner, Prefix: secret[:8], CreatedAt: base}
	if err := b.store.CreateAccount(b.ctx, a, []store.NewAPIKey{{Key: key, Hash: hash(secret)}}); err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	return a, key, secret
}

// hash returns the SHA-256 hash of an API key's secret.
func hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// conversationOpts are the options of createConversation; zero fields take defaults.
type conversationOpts struct {
	Channel   domain.Channel
	Status    domain.Status
	Skill     domain.SkillID
	Email     string
	CreatedAt time.Time
}

// createConversation stores a conversation of account accountID with two events: its
// start and the visitor's first message.
func createConversation(t testing.TB, b *testBundle, accountID string, opts *conversationOpts) domain.Conversation {
	t.Helper()
	if opts == nil {
		opts = &conversationOpts{}
	}
	c := domain.Conversation{
		AccountID:   accountID,
		ID:          newID(),
		Channel:     cmp.Or(opts.Channel, domain.ChannelWebchat),
		Status:      cmp.Or(opts.Status, domain.StatusAIActive),
		Visitor:     domain.Visitor{Email: opts.Email, Name: "Ann"},
		ActiveSkill: opts.Skill,
		CreatedAt:   opts.CreatedAt,
		UpdatedAt:   opts.CreatedAt,
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt, c.UpdatedAt = base, base
	}
	started := c
	events := []domain.Event{
		{Sequence: 1, Type: domain.EventConversationStarted, CreatedAt: c.CreatedAt, Conversation: &started},
		messageEvent(c, 2, domain.AuthorVisitor, "Where is my order?"),
	}
	if err := b.store.CreateConversation(b.ctx, c, events); err != nil {
		t.Fatalf("CreateConversation: %v", err)
	}
	c.LastSequence, c.MessageCount = 2, 1
	return c
}

// messageEvent returns the event of a new message of c.
func messageEvent(c domain.Conversation, seq int64, author domain.Author, text string) domain.Event {
	at := c.CreatedAt.Add(time.Duration(seq) * time.Second)
	return domain.Event{
		Sequence:  seq,
		Type:      domain.EventMessageAdded,
		CreatedAt: at,
		Message: &domain.Message{
			ID:             newID(),
			ConversationID: c.ID,
			Sequence:       seq,
			Author:         author,
			Text:           text,
			CreatedAt:      at,
		},
	}
}

// wantCode fails t unless err is a domain error with code.
func wantCode(t *testing.T, err error, code domain.ErrorCode) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %s", code)
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != code {
		t.Fatalf("err = %v (%s), want %s", err, domain.CodeOf(err), code)
	}
}

func TestUnavailable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.pool.Close()
	_, err := b.store.Account(b.ctx, newID())
	wantCode(t, err, domain.EUnavailable)
}
