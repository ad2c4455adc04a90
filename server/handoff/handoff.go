// Package handoff hands conversations from the AI to the brand's people: the account's
// handoff settings, the in-conversation flow (offer a person, take the visitor's
// consent and email, create the ticket), Tandem's inbox (claim, reply, resolve, agent
// availability), ticket status reports from partner helpdesks, and the durable
// delivery of tickets to Zendesk and Gorgias.
package handoff

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/tandemhq/tandem/server/conversation"
	"github.com/tandemhq/tandem/server/domain"
)

// Integrations tells which integrations an account connected, with their credentials.
// The integrations service provides it.
type Integrations interface {
	// Connected returns the account's connected integrations with decrypted credentials.
	Connected(ctx context.Context, accountID string) ([]domain.Integration, error)
}

// SettingsStore reads the stored settings.
type SettingsStore interface {
	// Account returns the account, or ENotFound.
	Account(ctx context.Context, id string) (domain.Account, error)
	// HandoffSettings returns the saved settings, or ENotFound when none were saved.
	HandoffSettings(ctx context.Context, accountID string) (domain.HandoffSettings, error)
}

// Store is the storage the service needs.
type Store interface {
	FlowStore
	// SaveHandoffSettings replaces the settings.
	SaveHandoffSettings(ctx context.Context, accountID string, hs domain.HandoffSettings, now time.Time) error
	// SetAgentAvailability records an inbox agent's availability.
	SetAgentAvailability(ctx context.Context, accountID, keyID, name string, a domain.AgentAvailability, now time.Time) error
	// Handoff returns a handoff, or ENotFound.
	Handoff(ctx context.Context, accountID, id string) (domain.Handoff, error)
	// HandoffByExternalTicket returns the handoff of a helpdesk ticket, or ENotFound.
	HandoffByExternalTicket(ctx context.Context, accountID, externalTicketID string) (domain.Handoff, error)
	// ListHandoffs lists handoffs newest first.
	ListHandoffs(ctx context.Context, accountID string, f domain.HandoffFilter) ([]domain.Handoff, error)
	// SaveHandoff stores a handoff's new state.
	SaveHandoff(ctx context.Context, h domain.Handoff) error
	// SetTicketStatus records a ticket's status as the helpdesk reports it.
	SetTicketStatus(ctx context.Context, accountID, id string, status domain.TicketStatus, now time.Time) (domain.Handoff, error)
	// Conversation returns a conversation, or ENotFound.
	Conversation(ctx context.Context, accountID, id string) (domain.Conversation, error)
	// Messages returns a conversation's transcript.
	Messages(ctx context.Context, accountID, conversationID string) ([]domain.Message, error)
}

// Service serves HandoffService.
type Service struct {
	store         Store
	conversations *conversation.Service
	integrations  Integrations
	logger        *slog.Logger
	now           func() time.Time
}

// NewService returns a Service.
func NewService(store Store, conversations *conversation.Service, integrations Integrations, logger *slog.Logger) *Service {
	return &Service{store: store, conversations: conversations, integrations: integrations, logger: logger,
		now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// The messages shown when an account left them empty.
const (
	// DefaultAutoReply is shown when the inbox has the conversation but no agent is online.
	DefaultAutoReply = "Everyone on our team is busy right now. Stay in this chat: a person will reply here as soon as one is free."
	// DefaultOutOfHours is shown when the inbox has the conversation outside business hours.
	DefaultOutOfHours = "Our team is away right now. Leave your question here and a person will reply in this chat when we're back."
)

// DefaultSettings are the settings of an account that saved none: offer a person in
// Tandem's inbox, open Monday to Friday 09:00–17:00 in the account's time zone; idle
// conversations close after domain.DefaultInactivityTimeout.
func DefaultSettings(timeZone string) domain.HandoffSettings {
	hours := &domain.BusinessHours{TimeZone: timeZone}
	for d := time.Monday; d <= time.Friday; d++ {
		hours.Weekly = append(hours.Weekly, domain.OpeningHours{Day: d, Open: "09:00", Close: "17:00"})
	}
	return domain.HandoffSettings{Method: domain.MethodHelpdesk, Destination: domain.DestinationInbox, BusinessHours: hours,
		AutoReplyMessage: DefaultAutoReply, OutOfHoursMessage: DefaultOutOfHours, InactivityTimeout: domain.DefaultInactivityTimeout}
}

// loadSettings returns the account's settings, the defaults when it saved none, with
// the default messages where it left them empty.
func loadSettings(ctx context.Context, st SettingsStore, accountID string) (domain.HandoffSettings, error) {
	hs, err := st.HandoffSettings(ctx, accountID)
	if domain.CodeOf(err) == domain.ENotFound {
		acc, err := st.Account(ctx, accountID)
		if err != nil {
			return domain.HandoffSettings{}, err
		}
		return DefaultSettings(acc.TimeZone), nil
	}
	if err != nil {
		return domain.HandoffSettings{}, err
	}
	if hs.AutoReplyMessage == "" {
		hs.AutoReplyMessage = DefaultAutoReply
	}
	if hs.OutOfHoursMessage == "" {
		hs.OutOfHoursMessage = DefaultOutOfHours
	}
	if hs.InactivityTimeout == 0 {
		hs.InactivityTimeout = domain.DefaultInactivityTimeout
	}
	return hs, nil
}

// Settings returns the account's handoff settings.
func (s *Service) Settings(ctx context.Context, p domain.Principal) (domain.HandoffSettings, error) {
	return loadSettings(ctx, s.store, p.AccountID)
}

// UpdateSettings replaces the account's handoff settings. Returns EInvalid for business
// hours that do not make sense or an inactivity timeout out of bounds, and
// EFailedPrecondition when the destination is a helpdesk the account has not connected.
func (s *Service) UpdateSettings(ctx context.Context, p domain.Principal, hs domain.HandoffSettings) (domain.HandoffSettings, error) {
	if err := validateHours(hs.BusinessHours); err != nil {
		return domain.HandoffSettings{}, err
	}
	hs.InactivityTimeout = hs.InactivityTimeout.Truncate(time.Second)
	if err := domain.CheckInactivityTimeout(hs.InactivityTimeout); err != nil {
		return domain.HandoffSettings{}, err
	}
	if hs.Method == domain.MethodCustomMessage && strings.TrimSpace(hs.CustomMessage) == "" {
		return domain.HandoffSettings{}, domain.Errorf(domain.EInvalid, "custom_message.text is required when the method is CUSTOM_MESSAGE")
	}
	if provider := hs.Destination.Provider(); provider != "" && hs.Method == domain.MethodHelpdesk {
		if _, err := connectedIntegration(ctx, s.integrations, p.AccountID, provider); err != nil {
			return domain.HandoffSettings{}, err
		}
	}
	if err := s.store.SaveHandoffSettings(ctx, p.AccountID, hs, s.now()); err != nil {
		return domain.HandoffSettings{}, err
	}
	return loadSettings(ctx, s.store, p.AccountID)
}

// connectedIntegration returns the account's connected integration of provider, or
// EFailedPrecondition saying which one to connect.
func connectedIntegration(ctx context.Context, integrations Integrations, accountID string, provider domain.IntegrationProvider) (domain.Integration, error) {
	connected, err := integrations.Connected(ctx, accountID)
	if err != nil {
		return domain.Integration{}, err
	}
	for _, in := range connected {
		if in.Provider == provider && in.Connected {
			return in, nil
		}
	}
	label := map[domain.IntegrationProvider]string{domain.ProviderZendesk: "Zendesk", domain.ProviderGorgias: "Gorgias"}[provider]
	return domain.Integration{}, domain.Errorf(domain.EFailedPrecondition,
		"connect the %s integration first (SkillService.ConnectIntegration with provider %s)", label, strings.ToUpper(string(provider)))
}

// validateHours checks the business hours' time zone and windows.
func validateHours(bh *domain.BusinessHours) error {
	if bh == nil {
		return nil
	}
	if _, err := time.LoadLocation(bh.TimeZone); err != nil || bh.TimeZone == "" {
		return domain.Errorf(domain.EInvalid, "business_hours.time_zone %q is not an IANA time zone such as Europe/Paris", bh.TimeZone)
	}
	for _, w := range bh.Weekly {
		open, err := domain.ClockMinutes(w.Open)
		if err != nil {
			return err
		}
		closing, err := domain.ClockMinutes(w.Close)
		if err != nil {
			return err
		}
		if closing <= open {
			return domain.Errorf(domain.EInvalid, "business hours on %s close at %s, not after they open at %s", w.Day, w.Close, w.Open)
		}
	}
	return nil
}

// List returns a page of the account's handoffs, newest first, and where the next
// page starts (nil on the last page).
func (s *Service) List(ctx context.Context, p domain.Principal, f domain.HandoffFilter) ([]domain.Handoff, *domain.Position, error) {
	limit := f.Limit
	f.Limit = limit + 1
	hs, err := s.store.ListHandoffs(ctx, p.AccountID, f)
	if err != nil {
		return nil, nil, err
	}
	page, next := domain.Page(hs, limit, func(h domain.Handoff) domain.Position {
		return domain.Position{CreatedAt: h.CreatedAt, ID: h.ID}
	})
	return page, next, nil
}

// Get returns a handoff with its conversation and full transcript.
func (s *Service) Get(ctx context.Context, p domain.Principal, id string) (domain.Handoff, domain.Conversation, []domain.Message, error) {
	h, err := s.store.Handoff(ctx, p.AccountID, id)
	if err != nil {
		return domain.Handoff{}, domain.Conversation{}, nil, err
	}
	c, err := s.store.Conversation(ctx, p.AccountID, h.ConversationID)
	if err != nil {
		return domain.Handoff{}, domain.Conversation{}, nil, err
	}
	msgs, err := s.store.Messages(ctx, p.AccountID, h.ConversationID)
	return h, c, msgs, err
}

// Claim assigns an inbox handoff to the calling agent and tells the visitor a person
// joined. Only one claim wins: the others get EFailedPrecondition.
func (s *Service) Claim(ctx context.Context, p domain.Principal, id string) (domain.Handoff, error) {
	var claimed domain.Handoff
	_, err := s.update(ctx, p, id, "", func(h domain.Handoff, _ domain.Conversation, u *conversation.Update) error {
		if h.Destination != domain.DestinationInbox {
			return domain.Errorf(domain.EFailedPrecondition, "this handoff went to %s: answer it there", h.Destination)
		}
		if h.Status != domain.HandoffPending {
			return domain.Errorf(domain.EFailedPrecondition, "this handoff is already %s%s", h.Status, byWhom(h))
		}
		h.Status, h.Assignee, h.ClaimedAt = domain.HandoffClaimed, p.Actor(), u.Now()
		u.SetHandoff(h)
		u.AddMessage(domain.Message{Author: domain.AuthorSystem, Text: p.KeyName + " from our team joined the chat."})
		claimed = h
		return nil
	})
	return claimed, err
}

// byWhom names who claimed h, for messages.
func byWhom(h domain.Handoff) string {
	if h.Assignee.Name == "" {
		return ""
	}
	return " (by " + h.Assignee.Name + ")"
}

// SendAgentMessage posts the claiming agent's reply in the visitor's chat. A retry
// with the same idempotency key returns the first message. Returns EPermission when
// another agent claimed the handoff and EFailedPrecondition when it is not claimed.
func (s *Service) SendAgentMessage(ctx context.Context, p domain.Principal, id, text, idempotencyKey string) (domain.Message, error) {
	text = strings.TrimSpace(text)
	msgs, err := s.update(ctx, p, id, idempotencyKey, func(h domain.Handoff, c domain.Conversation, u *conversation.Update) error {
		switch {
		case h.Status == domain.HandoffPending && h.Destination == domain.DestinationInbox:
			return domain.Errorf(domain.EFailedPrecondition, "claim the handoff (ClaimHandoff) before replying")
		case h.Status != domain.HandoffClaimed || c.Status != domain.StatusWithTeam:
			return domain.Errorf(domain.EFailedPrecondition, "this handoff is %s: there is no live chat to reply in", h.Status)
		case h.Assignee.KeyID != p.KeyID:
			return domain.Errorf(domain.EPermission, "%s claimed this handoff: only they reply in its chat", h.Assignee.Name)
		}
		u.AddMessage(domain.Message{Author: domain.AuthorHumanAgent, AuthorName: p.KeyName, Text: text})
		return nil
	})
	if err != nil {
		return domain.Message{}, err
	}
	return msgs[0], nil
}

// Resolve closes the handoff's ticket. An inbox conversation goes back to the AI,
// which answers the visitor's next message.
func (s *Service) Resolve(ctx context.Context, p domain.Principal, id, note string) (domain.Handoff, error) {
	h, err := s.store.Handoff(ctx, p.AccountID, id)
	if err != nil {
		return domain.Handoff{}, err
	}
	if h.Status == domain.HandoffResolved {
		return domain.Handoff{}, domain.Errorf(domain.EFailedPrecondition, "this handoff is already resolved")
	}
	resolve := func(h domain.Handoff, now time.Time) domain.Handoff {
		h.Status, h.TicketStatus, h.ResolvedAt, h.ResolutionNote = domain.HandoffResolved, domain.TicketSolved, now, strings.TrimSpace(note)
		return h
	}
	c, err := s.store.Conversation(ctx, p.AccountID, h.ConversationID)
	if err != nil {
		return domain.Handoff{}, err
	}
	if c.Status == domain.StatusClosed || c.HandoffID != h.ID {
		h = resolve(h, s.now())
		return h, s.store.SaveHandoff(ctx, h)
	}
	var resolved domain.Handoff
	_, err = s.update(ctx, p, id, "", func(h domain.Handoff, c domain.Conversation, u *conversation.Update) error {
		if h.Status == domain.HandoffResolved {
			return domain.Errorf(domain.EFailedPrecondition, "this handoff is already resolved")
		}
		resolved = resolve(h, u.Now())
		u.SetHandoff(resolved)
		u.AddMessage(domain.Message{Author: domain.AuthorSystem,
			Text: "Our team marked this conversation resolved. Write again any time and our assistant will help."})
		u.SetStatus(domain.StatusAIActive)
		return nil
	})
	return resolved, err
}

// update applies fn to the handoff and its conversation atomically, reading the
// handoff afresh on every attempt, and returns the messages the update added.
func (s *Service) update(ctx context.Context, p domain.Principal, id, idempotencyKey string,
	fn func(domain.Handoff, domain.Conversation, *conversation.Update) error) ([]domain.Message, error) {
	h, err := s.store.Handoff(ctx, p.AccountID, id)
	if err != nil {
		return nil, err
	}
	_, msgs, err := s.conversations.Apply(ctx, p.AccountID, h.ConversationID, idempotencyKey, func(c domain.Conversation, u *conversation.Update) error {
		h, err := s.store.Handoff(ctx, p.AccountID, id)
		if err != nil {
			return err
		}
		return fn(h, c, u)
	})
	return msgs, err
}

// SetAvailability records whether the calling agent takes conversations.
func (s *Service) SetAvailability(ctx context.Context, p domain.Principal, a domain.AgentAvailability) error {
	if p.Kind != domain.PrincipalAPIKey {
		return domain.Errorf(domain.EPermission, "only inbox agents' API keys have an availability")
	}
	return s.store.SetAgentAvailability(ctx, p.AccountID, p.KeyID, p.KeyName, a, s.now())
}

// UpdateTicketStatus records a ticket's status as the partner helpdesk reports it,
// finding the ticket by handoff id or, when handoffID is empty, by the helpdesk's own
// ticket id. Returns ENotFound for a ticket of another account.
func (s *Service) UpdateTicketStatus(ctx context.Context, p domain.Principal, handoffID, externalTicketID string, status domain.TicketStatus) (domain.Handoff, error) {
	if handoffID == "" {
		h, err := s.store.HandoffByExternalTicket(ctx, p.AccountID, externalTicketID)
		if err != nil {
			return domain.Handoff{}, err
		}
		handoffID = h.ID
	}
	return s.store.SetTicketStatus(ctx, p.AccountID, handoffID, status, s.now())
}
