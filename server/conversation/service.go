// Package conversation runs conversations: starting them, visitor turns through the
// agent, identification, listing, closing and watching their events.
package conversation

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/tandemhq/tandem/server/auth"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/hub"
)

// Store is the storage the service needs.
type Store interface {
	// Account returns the account, or ENotFound.
	Account(ctx context.Context, id string) (domain.Account, error)
	// CreateConversation stores a new conversation with its first events.
	CreateConversation(ctx context.Context, c domain.Conversation, events []domain.Event) error
	// ApplyChange stores a change; EConflict if the conversation moved or the turn exists.
	ApplyChange(ctx context.Context, ch domain.ConversationChange) error
	// Conversation returns a conversation of the account, or ENotFound.
	Conversation(ctx context.Context, accountID, id string) (domain.Conversation, error)
	// ListConversations returns the account's conversations matching the filter.
	ListConversations(ctx context.Context, accountID string, f domain.ConversationFilter) ([]domain.Conversation, error)
	// Messages returns a conversation's transcript in order.
	Messages(ctx context.Context, accountID, conversationID string) ([]domain.Message, error)
	// RecentMessages returns a conversation's last messages, oldest first.
	RecentMessages(ctx context.Context, accountID, conversationID string, limit int) ([]domain.Message, error)
	// Turn returns the messages of the turn with the idempotency key, or ENotFound.
	Turn(ctx context.Context, accountID, conversationID, idempotencyKey string) ([]domain.Message, error)
	// EventsAfter returns a conversation's events after a sequence number.
	EventsAfter(ctx context.Context, accountID, conversationID string, afterSequence int64, limit int) ([]domain.Event, error)
	// AccountEvents returns the account's events after a cursor.
	AccountEvents(ctx context.Context, accountID string, f domain.EventFilter) ([]domain.Event, error)
	// LatestCursor returns a cursor after which only events committed from now on follow.
	LatestCursor(ctx context.Context, accountID string) (string, error)
}

// LivePublisher sends live-only events (typing) to every replica's watchers.
type LivePublisher interface {
	// Publish sends the event; it is never stored.
	Publish(ctx context.Context, e domain.Event) error
}

// Config tunes the service.
type Config struct {
	// HistoryLength is how many earlier messages the agent sees.
	HistoryLength int
	// Heartbeat is how often idle streams get a heartbeat.
	Heartbeat time.Duration
	// MaxVisitorStreams caps the streams one visitor token may hold open on a replica.
	MaxVisitorStreams int
	// TypingDelay is how long the agent may think before watchers see it typing, so
	// fast answers never flicker an indicator.
	TypingDelay time.Duration
}

// Service runs conversations.
type Service struct {
	store  Store
	agent  domain.Agent
	tokens *auth.VisitorTokens
	hub    *hub.Hub
	live   LivePublisher
	logger *slog.Logger
	cfg    Config
	now    func() time.Time

	visitorStreams streamCounter
	beats          [beatClocks]beat
	nextBeat       atomic.Uint64
}

// NewService returns a Service.
func NewService(store Store, agent domain.Agent, tokens *auth.VisitorTokens, h *hub.Hub, live LivePublisher, logger *slog.Logger, cfg Config) *Service {
	if cfg.HistoryLength == 0 {
		cfg.HistoryLength = 20
	}
	if cfg.Heartbeat == 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	if cfg.MaxVisitorStreams == 0 {
		cfg.MaxVisitorStreams = 5
	}
	if cfg.TypingDelay == 0 {
		cfg.TypingDelay = 300 * time.Millisecond
	}
	svc := &Service{store: store, agent: agent, tokens: tokens, hub: h, live: live, logger: logger, cfg: cfg,
		now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
	for i := range svc.beats {
		svc.beats[i].every = cfg.Heartbeat
		svc.beats[i].phase = cfg.Heartbeat * time.Duration(i+1) / beatClocks
	}
	return svc
}

// StartInput describes a conversation to start.
type StartInput struct {
	// Channel is where it takes place.
	Channel domain.Channel
	// SenderAddress is the sender's phone number or email on gateway channels.
	SenderAddress string
	// IdentityToken optionally authenticates the visitor.
	IdentityToken string
	// PageURL is the page the widget runs on.
	PageURL string
	// Locale is the visitor's language tag.
	Locale string
}

// Started is a new conversation with the visitor's credential.
type Started struct {
	// Conversation is the new conversation.
	Conversation domain.Conversation
	// VisitorToken is the credential for this conversation only.
	VisitorToken string
	// VisitorTokenExpiry is when the token expires.
	VisitorTokenExpiry time.Time
	// Messages are the opening messages.
	Messages []domain.Message
}

// Start opens a conversation for the principal: the site key starts web chat, a SERVICE
// key starts gateway channels. Returns EPermission for the wrong channel and EInvalid
// for a bad identity token.
func (s *Service) Start(ctx context.Context, p domain.Principal, in StartInput) (Started, error) {
	switch {
	case p.Kind == domain.PrincipalSiteKey && in.Channel != domain.ChannelWebchat:
		return Started{}, domain.Errorf(domain.EPermission, "the site key starts web chat conversations only; SMS, WhatsApp and email conversations come from the messaging gateway's SERVICE key")
	case p.Kind == domain.PrincipalAPIKey && in.Channel == domain.ChannelWebchat:
		return Started{}, domain.Errorf(domain.EPermission, "web chat conversations start from the widget with the account's site key")
	}
	acc, err := s.store.Account(ctx, p.AccountID)
	if err != nil {
		return Started{}, err
	}
	visitor := domain.Visitor{Address: in.SenderAddress}
	if in.Channel == domain.ChannelEmail {
		visitor.Email = in.SenderAddress
	}
	if in.IdentityToken != "" {
		id, err := auth.VerifyIdentity(in.IdentityToken, acc.IdentitySecret)
		if err != nil {
			return Started{}, err
		}
		id.Address = visitor.Address
		if id.Email == "" {
			id.Email = visitor.Email
		}
		visitor = id
	}
	now := s.now()
	c := domain.Conversation{
		AccountID: acc.ID, ID: uuid.NewString(), Channel: in.Channel, Status: domain.StatusAIActive,
		Visitor: visitor, Locale: in.Locale, PageURL: in.PageURL, CreatedAt: now, UpdatedAt: now,
	}
	greeting := domain.Message{Author: domain.AuthorAIAgent, Text: acc.Greeting}
	started := c
	b := newChange(c, now)
	b.add(domain.Event{Type: domain.EventConversationStarted, Conversation: &started})
	b.addMessage(greeting)
	ch := b.build()
	if err := s.store.CreateConversation(ctx, ch.Conversation, ch.Events); err != nil {
		return Started{}, err
	}
	token, exp := s.tokens.Issue(acc.ID, c.ID)
	return Started{Conversation: ch.Conversation, VisitorToken: token, VisitorTokenExpiry: exp, Messages: messagesOf(ch.Events)}, nil
}

// SendInput is one visitor turn.
type SendInput struct {
	// ConversationID is the conversation.
	ConversationID string
	// IdempotencyKey makes retries safe.
	IdempotencyKey string
	// Text is the typed text (or empty when QuickReplyID is set).
	Text string
	// QuickReplyID is the pressed quick reply.
	QuickReplyID string
}

// MaxMessageLength is the longest visitor message, in characters, after trimming.
const MaxMessageLength = 4000

// Send stores the visitor's message, runs the agent and stores its reply, atomically.
// A retry with the same idempotency key returns the original messages and writes
// nothing. Returns EFailedPrecondition on a closed conversation.
func (s *Service) Send(ctx context.Context, p domain.Principal, in SendInput) (domain.Conversation, []domain.Message, error) {
	if err := p.CheckConversation(in.ConversationID); err != nil {
		return domain.Conversation{}, nil, err
	}
	text := strings.TrimSpace(in.Text)
	if in.QuickReplyID == "" && (text == "" || utf8.RuneCountInString(text) > MaxMessageLength) {
		return domain.Conversation{}, nil, domain.Errorf(domain.EInvalid, "text must be 1 to %d characters after trimming spaces", MaxMessageLength)
	}
	for attempt := 0; ; attempt++ {
		c, err := s.store.Conversation(ctx, p.AccountID, in.ConversationID)
		if err != nil {
			return domain.Conversation{}, nil, err
		}
		if c.Status == domain.StatusClosed {
			if msgs, err := s.store.Turn(ctx, p.AccountID, c.ID, in.IdempotencyKey); err == nil {
				return c, msgs, nil
			}
			return domain.Conversation{}, nil, domain.Errorf(domain.EFailedPrecondition, "conversation is closed: start a new conversation to keep chatting")
		}
		history, err := s.store.RecentMessages(ctx, p.AccountID, c.ID, s.cfg.HistoryLength)
		if err != nil {
			return domain.Conversation{}, nil, err
		}
		now := s.now()
		visitorMsg := domain.Message{Author: domain.AuthorVisitor, Text: text}
		if text == "" {
			visitorMsg.Text = quickReplyLabel(history, in.QuickReplyID)
		}
		stopTyping := s.typing(ctx, c)
		reply, err := s.agent.Respond(ctx, domain.Turn{Conversation: c, History: history, Message: visitorMsg, QuickReplyID: in.QuickReplyID})
		if err != nil {
			stopTyping()
			return domain.Conversation{}, nil, err
		}
		b := newChange(c, now)
		b.setSkill(reply.Skill, reply.Decision.Confidence)
		visitorMsg.Skill = b.conv.ActiveSkill
		visitorMsg.Decision = domain.RoutingDecision{Kind: reply.Decision.Kind, Skill: reply.Decision.Skill, Confidence: reply.Decision.Confidence}
		visitorMsg.TurnOutcome = reply.Outcome
		b.addMessage(visitorMsg)
		for _, m := range reply.Messages {
			if m.Skill == "" && m.Author == domain.AuthorAIAgent {
				m.Skill = b.conv.ActiveSkill
			}
			b.addMessage(m)
		}
		b.applyFlow(reply.Flow)
		if reply.Status == domain.StatusClosed {
			b.close(domain.Actor{Kind: domain.ActorSystem}, "handed off to the team by email")
		} else {
			b.setStatus(reply.Status)
		}
		ch := b.build()
		ch.IdempotencyKey = in.IdempotencyKey
		err = s.store.ApplyChange(ctx, ch)
		stopTyping()
		switch {
		case err == nil:
			return ch.Conversation, messagesOf(ch.Events), nil
		case domain.CodeOf(err) != domain.EConflict:
			return domain.Conversation{}, nil, err
		}
		if msgs, terr := s.store.Turn(ctx, p.AccountID, c.ID, in.IdempotencyKey); terr == nil {
			cur, cerr := s.store.Conversation(ctx, p.AccountID, c.ID)
			return cur, msgs, cerr
		}
		if attempt == 2 {
			return domain.Conversation{}, nil, domain.Errorf(domain.EUnavailable, "the conversation is busy with other messages: retry with the same idempotency key")
		}
	}
}

// quickReplyLabel is what the transcript says for a pressed quick reply or card button:
// the label of the latest offered button with that id ("Yes, connect me"), else the id.
func quickReplyLabel(history []domain.Message, id string) string {
	for i := len(history) - 1; i >= 0; i-- {
		m := history[i]
		for _, q := range m.QuickReplies {
			if q.ID == id && q.Label != "" {
				return q.Label
			}
		}
		if m.Card == nil {
			continue
		}
		for _, a := range m.Card.Actions {
			if a.QuickReplyID == id && a.Label != "" {
				return a.Label
			}
		}
	}
	return id
}

// typing shows watchers the agent typing if it thinks longer than the typing delay; the
// returned stop ends the indicator.
func (s *Service) typing(ctx context.Context, c domain.Conversation) (stop func()) {
	started := make(chan struct{})
	t := time.AfterFunc(s.cfg.TypingDelay, func() {
		s.publishTyping(ctx, c, domain.EventTypingStarted)
		close(started)
	})
	return func() {
		if !t.Stop() {
			<-started
			s.publishTyping(context.WithoutCancel(ctx), c, domain.EventTypingStopped)
		}
	}
}

func (s *Service) publishTyping(ctx context.Context, c domain.Conversation, t domain.EventType) {
	e := domain.Event{AccountID: c.AccountID, ConversationID: c.ID, Sequence: c.LastSequence, Type: t,
		Channel: c.Channel, Typing: domain.AuthorAIAgent, CreatedAt: s.now()}
	if err := s.live.Publish(ctx, e); err != nil {
		s.logger.WarnContext(ctx, "publishing a typing indicator", "error", err)
	}
}

// IdentifyInput identifies the visitor: exactly one of the fields is set.
type IdentifyInput struct {
	// ConversationID is the conversation.
	ConversationID string
	// IdentityToken logs the visitor in.
	IdentityToken string
	// Email records the visitor's email address.
	Email string
}

// Identify logs the visitor in or records their email.
func (s *Service) Identify(ctx context.Context, p domain.Principal, in IdentifyInput) (domain.Conversation, error) {
	if err := p.CheckConversation(in.ConversationID); err != nil {
		return domain.Conversation{}, err
	}
	return s.change(ctx, p, in.ConversationID, func(c domain.Conversation, b *change) error {
		v := c.Visitor
		if in.IdentityToken != "" {
			acc, err := s.store.Account(ctx, p.AccountID)
			if err != nil {
				return err
			}
			id, err := auth.VerifyIdentity(in.IdentityToken, acc.IdentitySecret)
			if err != nil {
				return err
			}
			id.Address = v.Address
			if id.Email == "" {
				id.Email = v.Email
			}
			v = id
		} else {
			v.Email = in.Email
		}
		b.conv.Visitor = v
		b.add(domain.Event{Type: domain.EventVisitorIdentified, Visitor: &v})
		return nil
	})
}

// Close ends a conversation and records who closed it and why.
func (s *Service) Close(ctx context.Context, p domain.Principal, conversationID, reason string) (domain.Conversation, error) {
	if err := p.CheckConversation(conversationID); err != nil {
		return domain.Conversation{}, err
	}
	return s.change(ctx, p, conversationID, func(c domain.Conversation, b *change) error {
		b.close(p.Actor(), strings.TrimSpace(reason))
		return nil
	})
}

// errNotIdle stops CloseIdle's change: the conversation moved on since it was listed.
var errNotIdle = errors.New("conversation: not idle")

// CloseIdle closes conversation id of account accountID for inactivity (actor SYSTEM,
// close reason "inactivity"; outcome RESOLVED, or ROUTED_TO_TEAM if a handoff is open),
// provided nothing changed in it after idleSince and no person owns it (WITH_TEAM).
// It reports whether it closed it: a conversation that moved on meanwhile (a message,
// a person taking it, another close) is left as it is, so closing twice is harmless.
func (s *Service) CloseIdle(ctx context.Context, accountID, id string, idleSince time.Time) (bool, error) {
	_, _, err := s.apply(ctx, accountID, id, "", func(c domain.Conversation, b *change) error {
		if c.Status == domain.StatusWithTeam || c.UpdatedAt.After(idleSince) {
			return errNotIdle
		}
		b.close(domain.Actor{Kind: domain.ActorSystem}, domain.CloseReasonInactivity)
		return nil
	})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errNotIdle), domain.CodeOf(err) == domain.EFailedPrecondition:
		return false, nil
	}
	return false, err
}

// change applies fn's change to an open conversation, retrying when it moved meanwhile.
func (s *Service) change(ctx context.Context, p domain.Principal, id string, fn func(domain.Conversation, *change) error) (domain.Conversation, error) {
	c, _, err := s.apply(ctx, p.AccountID, id, "", fn)
	return c, err
}

// Update is a change that the brand's team makes to a conversation through Apply.
type Update struct{ b *change }

// Now is the time the update is stamped with.
func (u *Update) Now() time.Time { return u.b.now }

// AddMessage adds m to the transcript; its id, sequence and time are assigned.
func (u *Update) AddMessage(m domain.Message) { u.b.addMessage(m) }

// SetStatus moves the conversation to status.
func (u *Update) SetStatus(status domain.Status) { u.b.setStatus(status) }

// SetHandoff stores h with the update and records an EventHandoffUpdated; the
// conversation's open handoff becomes h, or none once h is resolved.
func (u *Update) SetHandoff(h domain.Handoff) { u.b.setHandoff(h) }

// Apply applies fn's update to open conversation id of account accountID atomically,
// calling fn again on the fresh conversation when another change came first. With an
// idempotencyKey (the update must add a message), a retry of an update that was
// applied writes nothing and returns the messages the first one added. Returns the
// conversation and the messages the update added; EFailedPrecondition if the
// conversation is closed, and fn's errors.
func (s *Service) Apply(ctx context.Context, accountID, id, idempotencyKey string, fn func(domain.Conversation, *Update) error) (domain.Conversation, []domain.Message, error) {
	return s.apply(ctx, accountID, id, idempotencyKey, func(c domain.Conversation, b *change) error {
		return fn(c, &Update{b: b})
	})
}

// apply is Apply with the change builder.
func (s *Service) apply(ctx context.Context, accountID, id, idempotencyKey string, fn func(domain.Conversation, *change) error) (domain.Conversation, []domain.Message, error) {
	for attempt := 0; ; attempt++ {
		c, err := s.store.Conversation(ctx, accountID, id)
		if err != nil {
			return domain.Conversation{}, nil, err
		}
		if msgs, ok := s.replay(ctx, c, idempotencyKey); ok {
			return c, msgs, nil
		}
		if c.Status == domain.StatusClosed {
			return domain.Conversation{}, nil, domain.Errorf(domain.EFailedPrecondition, "conversation is already closed")
		}
		b := newChange(c, s.now())
		if err := fn(c, b); err != nil {
			return domain.Conversation{}, nil, err
		}
		ch := b.build()
		ch.IdempotencyKey = idempotencyKey
		err = s.store.ApplyChange(ctx, ch)
		switch {
		case err == nil:
			return ch.Conversation, messagesOf(ch.Events), nil
		case domain.CodeOf(err) != domain.EConflict:
			return domain.Conversation{}, nil, err
		case attempt == 2:
			return domain.Conversation{}, nil, domain.Errorf(domain.EUnavailable, "the conversation is busy with other changes: retry")
		}
	}
}

// replay returns the messages of the earlier change with idempotencyKey in c, if any.
func (s *Service) replay(ctx context.Context, c domain.Conversation, idempotencyKey string) ([]domain.Message, bool) {
	if idempotencyKey == "" {
		return nil, false
	}
	msgs, err := s.store.Turn(ctx, c.AccountID, c.ID, idempotencyKey)
	return msgs, err == nil
}

// Get returns a conversation and its transcript.
func (s *Service) Get(ctx context.Context, p domain.Principal, id string) (domain.Conversation, []domain.Message, error) {
	if err := p.CheckConversation(id); err != nil {
		return domain.Conversation{}, nil, err
	}
	c, err := s.store.Conversation(ctx, p.AccountID, id)
	if err != nil {
		return domain.Conversation{}, nil, err
	}
	msgs, err := s.store.Messages(ctx, p.AccountID, id)
	return c, msgs, err
}

// List returns a page of the account's conversations, newest first, and the position to
// continue from (nil on the last page).
func (s *Service) List(ctx context.Context, p domain.Principal, f domain.ConversationFilter) ([]domain.Conversation, *domain.Position, error) {
	limit := f.Limit
	f.Limit = limit + 1
	cs, err := s.store.ListConversations(ctx, p.AccountID, f)
	if err != nil {
		return nil, nil, err
	}
	cs, next := domain.Page(cs, limit, func(c domain.Conversation) domain.Position {
		return domain.Position{CreatedAt: c.CreatedAt, ID: c.ID}
	})
	return cs, next, nil
}

func messagesOf(events []domain.Event) []domain.Message {
	var msgs []domain.Message
	for _, e := range events {
		if e.Message != nil {
			msgs = append(msgs, *e.Message)
		}
	}
	return msgs
}
