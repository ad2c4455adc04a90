package domain

import "time"

// EventType is the kind of change an event records.
type EventType string

// The event types.
const (
	// EventConversationStarted records a new conversation.
	EventConversationStarted EventType = "conversation_started"
	// EventMessageAdded records a new message.
	EventMessageAdded EventType = "message_added"
	// EventStatusChanged records a status change.
	EventStatusChanged EventType = "status_changed"
	// EventSkillChanged records the router switching skills.
	EventSkillChanged EventType = "skill_changed"
	// EventTypingStarted is live only: someone started typing.
	EventTypingStarted EventType = "typing_started"
	// EventTypingStopped is live only: someone stopped typing.
	EventTypingStopped EventType = "typing_stopped"
	// EventHandoffUpdated records a handoff's creation or change.
	EventHandoffUpdated EventType = "handoff_updated"
	// EventVisitorIdentified records the visitor logging in or giving an email.
	EventVisitorIdentified EventType = "visitor_identified"
)

// StatusChange is a move from one status to another.
type StatusChange struct {
	// From is the status before.
	From Status `json:"from"`
	// To is the status after.
	To Status `json:"to"`
}

// SkillChange is the router switching skills.
type SkillChange struct {
	// From is the skill before.
	From SkillID `json:"from"`
	// To is the skill now.
	To SkillID `json:"to"`
	// Confidence is the router's confidence in To.
	Confidence float32 `json:"confidence"`
}

// Event is one change to a conversation. Stored events have a sequence number unique
// within their conversation; typing events are live only and carry the latest one.
type Event struct {
	// AccountID is the owning account.
	AccountID string
	// ConversationID is the conversation that changed.
	ConversationID string
	// Sequence is the event's position in its conversation.
	Sequence int64
	// Type is what happened.
	Type EventType
	// Channel is the conversation's channel.
	Channel Channel
	// CreatedAt is when it happened.
	CreatedAt time.Time
	// Cursor is its position in the account-wide stream (stored events only).
	Cursor string
	// Conversation is set for EventConversationStarted.
	Conversation *Conversation
	// Message is set for EventMessageAdded.
	Message *Message
	// StatusChange is set for EventStatusChanged.
	StatusChange *StatusChange
	// SkillChange is set for EventSkillChanged.
	SkillChange *SkillChange
	// Typing is the author who types, for the typing events.
	Typing Author
	// Visitor is set for EventVisitorIdentified.
	Visitor *Visitor
	// Handoff is set for EventHandoffUpdated: the handoff as it is now.
	Handoff *Handoff
}

// Account is a brand: the tenant every row belongs to.
type Account struct {
	// ID identifies the account.
	ID string
	// Name is the brand's name.
	Name string
	// SiteKey is the public key the widget starts conversations with.
	SiteKey string
	// IdentitySecret signs the brand's visitor identity tokens (HS256).
	IdentitySecret string
	// Greeting is the agent's first message.
	Greeting string
	// TimeZone is the IANA zone for metrics and business hours.
	TimeZone string
	// AgentEnabled is true while the Customer Agent answers visitors.
	AgentEnabled bool
	// AgentChannels are the channels the Customer Agent answers on.
	AgentChannels []Channel
	// CreatedAt is when it was created.
	CreatedAt time.Time
}

// ZoneOrUTC returns the IANA time zone name, or UTC when it does not load.
func ZoneOrUTC(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// APIKey is an account's private key (never its secret, which is shown once).
type APIKey struct {
	// AccountID is the owning account.
	AccountID string
	// ID identifies the key.
	ID string
	// Name describes the key's holder.
	Name string
	// Role is what the key may do.
	Role Role
	// Prefix is the key's first characters, to recognise it.
	Prefix string
	// CreatedAt is when it was created.
	CreatedAt time.Time
	// RevokedAt is when it was revoked (zero while valid).
	RevokedAt time.Time
}
