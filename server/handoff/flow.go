package handoff

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/tandemhq/tandem/server/accountcache"
	"github.com/tandemhq/tandem/server/domain"
)

// The quick replies of the offer.
const (
	// QuickReplyYes accepts the offer of a person.
	QuickReplyYes = "handoff_yes"
	// QuickReplyNo declines it.
	QuickReplyNo = "handoff_no"
)

// FlowStore is what the flow reads (it never writes: the conversation service stores
// its reply atomically with the turn).
type FlowStore interface {
	SettingsStore
	// AnyAgentOnline reports whether an inbox agent is online.
	AnyAgentOnline(ctx context.Context, accountID string) (bool, error)
}

// Flow is the soft-handoff flow: a domain.Agent that wraps the AI agent. While the AI
// answers it passes turns through; when the AI signals a handoff it acts on the
// account's settings (offer a person, or show the brand's message); it then takes the
// turns of the offer (yes or no), of the email address, and stays silent while the
// team owns the conversation.
type Flow struct {
	ai       domain.Agent
	store    FlowStore
	settings accountcache.Loader[domain.HandoffSettings]
	now      func() time.Time
}

// NewFlow returns the flow around the AI agent ai, reading the account's handoff
// settings through cache (nil: from the store at every handoff).
func NewFlow(ai domain.Agent, store FlowStore, cache *accountcache.Cache) *Flow {
	settings := func(ctx context.Context, accountID string) (domain.HandoffSettings, error) {
		return loadSettings(ctx, store, accountID)
	}
	return &Flow{ai: ai, store: store, settings: accountcache.Cached(cache, "handoff settings", settings),
		now: func() time.Time { return time.Now().UTC() }}
}

// Respond answers the turn: by the flow while a handoff is under way, else by the AI.
func (f *Flow) Respond(ctx context.Context, t domain.Turn) (domain.Reply, error) {
	switch t.Conversation.Status {
	case domain.StatusWithTeam:
		// A person owns the conversation: the visitor's message is stored, the AI stays silent.
		return domain.Reply{Outcome: domain.TurnHandledByFlow}, nil
	case domain.StatusAwaitingHandoffConsent:
		return f.consent(ctx, t)
	case domain.StatusAwaitingEmail:
		return f.email(ctx, t)
	}
	return f.answer(ctx, t)
}

// answer lets the AI answer and acts on its handoff signal.
func (f *Flow) answer(ctx context.Context, t domain.Turn) (domain.Reply, error) {
	reply, err := f.ai.Respond(ctx, t)
	if err != nil || reply.Handoff == nil {
		return reply, err
	}
	hs, err := f.settings(ctx, t.Conversation.AccountID)
	if err != nil {
		return domain.Reply{}, err
	}
	if hs.Method == domain.MethodCustomMessage {
		reply.Messages = append(reply.Messages, domain.Message{Author: domain.AuthorAIAgent, Text: hs.CustomMessage, Links: hs.CustomLinks})
		return reply, nil
	}
	offer := domain.Message{Author: domain.AuthorAIAgent, Text: "Would you like me to connect you with a person from our team?",
		QuickReplies: []domain.QuickReply{{ID: QuickReplyYes, Label: "Yes, connect me"}, {ID: QuickReplyNo, Label: "No, thanks"}}}
	if t.Conversation.Channel != domain.ChannelWebchat {
		offer.Text += " Reply YES or NO."
	}
	reply.Messages = append(reply.Messages, offer)
	reply.Status = domain.StatusAwaitingHandoffConsent
	reply.Flow = &domain.HandoffFlowChange{Pending: reply.Handoff}
	return reply, nil
}

// consent takes the visitor's answer to the offer.
func (f *Flow) consent(ctx context.Context, t domain.Turn) (domain.Reply, error) {
	pending := t.Conversation.PendingHandoff
	switch answer(t) {
	case yes:
		if pending == nil {
			pending = &domain.SoftHandoff{Reason: domain.HandoffVisitorRequested, Question: t.Message.Text}
		}
		if needsEmail(t.Conversation.Visitor) {
			return domain.Reply{
				Messages: []domain.Message{{Author: domain.AuthorAIAgent,
					Text: "Happy to. What email address can our team reach you at?"}},
				Status: domain.StatusAwaitingEmail, Outcome: domain.TurnHandledByFlow,
				Flow: &domain.HandoffFlowChange{Pending: pending},
			}, nil
		}
		return f.handOff(ctx, t, *pending, "")
	case no:
		return declined(), nil
	}
	// Neither yes nor no: the visitor moved on, and the AI answers what they wrote.
	reply, err := f.answer(ctx, t)
	if err != nil {
		return domain.Reply{}, err
	}
	if reply.Flow == nil {
		reply.Flow = &domain.HandoffFlowChange{}
		reply.Status = domain.StatusAIActive
	}
	return reply, nil
}

// email takes the visitor's email address, asking again when it is not one.
func (f *Flow) email(ctx context.Context, t domain.Turn) (domain.Reply, error) {
	if answer(t) == no {
		return declined(), nil
	}
	pending := t.Conversation.PendingHandoff
	if pending == nil {
		pending = &domain.SoftHandoff{Reason: domain.HandoffVisitorRequested}
	}
	addr, ok := findEmail(t.Message.Text)
	if !ok {
		return domain.Reply{
			Messages: []domain.Message{{Author: domain.AuthorAIAgent,
				Text: "That doesn't look like an email address. Please type it like name@example.com, or say no to keep chatting with me."}},
			Status: domain.StatusAwaitingEmail, Outcome: domain.TurnHandledByFlow,
			Flow: &domain.HandoffFlowChange{Pending: pending},
		}, nil
	}
	return f.handOff(ctx, t, *pending, addr)
}

// handOff creates the handoff (the ticket) for the trigger and the visitor, with the
// email address they just gave if any.
func (f *Flow) handOff(ctx context.Context, t domain.Turn, trigger domain.SoftHandoff, email string) (domain.Reply, error) {
	c := t.Conversation
	hs, err := f.settings(ctx, c.AccountID)
	if err != nil {
		return domain.Reply{}, err
	}
	if email == "" {
		email = c.Visitor.Email
	}
	h := domain.Handoff{
		AccountID: c.AccountID, ID: uuid.NewString(), ConversationID: c.ID, Channel: c.Channel,
		Status: domain.HandoffPending, Destination: hs.Destination, Reason: trigger.Reason,
		TriggerQuestion: trigger.Question, Skill: trigger.Skill, Email: email,
		ProfileID: c.Visitor.ProfileID, VisitorName: c.Visitor.Name,
	}
	if h.Destination == "" {
		h.Destination = domain.DestinationInbox
	}
	reply := domain.Reply{Outcome: domain.TurnHandledByFlow, Flow: &domain.HandoffFlowChange{Handoff: &h}}
	if email != c.Visitor.Email {
		reply.Flow.Email = email
	}
	if h.Destination != domain.DestinationInbox {
		reply.Flow.Jobs = []domain.JobArgs{DeliverArgs{AccountID: c.AccountID, HandoffID: h.ID}}
		reply.Status = domain.StatusClosed
		reply.Messages = []domain.Message{{Author: domain.AuthorAIAgent,
			Text: "Thanks! I've passed our whole conversation to our team. A person will follow up by email at " + email + ". This chat is now closed."}}
		return reply, nil
	}
	reply.Status = domain.StatusWithTeam
	reply.Messages = []domain.Message{{Author: domain.AuthorAIAgent,
		Text: "Thanks! I've passed our conversation to our team; a person will reply right here."}}
	switch notice, err := f.inboxNotice(ctx, c.AccountID, hs); {
	case err != nil:
		return domain.Reply{}, err
	case notice != "":
		reply.Messages = append(reply.Messages, domain.Message{Author: domain.AuthorSystem, Text: notice})
	}
	return reply, nil
}

// inboxNotice is the out-of-hours or auto-reply message to show at once, or "" when
// the inbox is open and an agent is online.
func (f *Flow) inboxNotice(ctx context.Context, accountID string, hs domain.HandoffSettings) (string, error) {
	if !hs.BusinessHours.Open(f.now()) {
		return hs.OutOfHoursMessage, nil
	}
	online, err := f.store.AnyAgentOnline(ctx, accountID)
	if err != nil || online {
		return "", err
	}
	return hs.AutoReplyMessage, nil
}

// declined is the reply to a visitor who does not want a person: the AI goes on.
func declined() domain.Reply {
	return domain.Reply{
		Messages: []domain.Message{{Author: domain.AuthorAIAgent, Text: "No problem, I'm still here. What else can I help you with?"}},
		Status:   domain.StatusAIActive, Outcome: domain.TurnHandledByFlow, Flow: &domain.HandoffFlowChange{},
	}
}

// needsEmail reports whether the team has no way to reach the visitor: neither logged
// in nor an email address.
func needsEmail(v domain.Visitor) bool {
	return !v.Authenticated && v.Email == ""
}

// consentAnswer is a visitor's answer to the offer.
type consentAnswer int

const (
	unclear consentAnswer = iota
	yes
	no
)

// answer reads the visitor's answer from the pressed quick reply or the text.
func answer(t domain.Turn) consentAnswer {
	switch t.QuickReplyID {
	case QuickReplyYes:
		return yes
	case QuickReplyNo:
		return no
	}
	text := strings.Trim(strings.ToLower(strings.TrimSpace(t.Message.Text)), ".!")
	switch text {
	case "yes", "y", "yes please", "yeah", "yep", "sure", "ok", "okay", "please", "connect me", "yes, connect me":
		return yes
	case "no", "n", "no thanks", "no, thanks", "nope", "not now", "cancel":
		return no
	}
	return unclear
}

// findEmail returns the first word of text that is a plain email address with a
// dotted domain.
func findEmail(text string) (string, bool) {
	for _, w := range strings.Fields(text) {
		w = strings.Trim(w, "<>()[],;:.!?\"'")
		if !strings.Contains(w, "@") || len(w) > 254 {
			continue
		}
		a, err := mail.ParseAddress(w)
		if err != nil || a.Address != w {
			continue
		}
		_, host, _ := strings.Cut(w, "@")
		if strings.Contains(host, ".") && !strings.HasPrefix(host, ".") && !strings.HasSuffix(host, ".") {
			return w, true
		}
	}
	return "", false
}
