package domain

import "time"

// Channel is where a conversation takes place.
type Channel string

// The channels.
const (
	// ChannelWebchat is the brand's web chat widget.
	ChannelWebchat Channel = "webchat"
	// ChannelSMS is text messaging through the brand's gateway.
	ChannelSMS Channel = "sms"
	// ChannelWhatsApp is WhatsApp through the brand's gateway.
	ChannelWhatsApp Channel = "whatsapp"
	// ChannelEmail is email through the brand's gateway.
	ChannelEmail Channel = "email"
)

// Status is the stage a conversation is in.
type Status string

// The statuses.
const (
	// StatusAIActive means the AI agent answers.
	StatusAIActive Status = "ai_active"
	// StatusAwaitingHandoffConsent means the agent offered a person and waits for yes or no.
	StatusAwaitingHandoffConsent Status = "awaiting_handoff_consent"
	// StatusAwaitingEmail means the agent waits for the visitor's email address.
	StatusAwaitingEmail Status = "awaiting_email"
	// StatusWithTeam means a person on the brand's team owns the conversation.
	StatusWithTeam Status = "with_team"
	// StatusClosed means the conversation ended.
	StatusClosed Status = "closed"
)

// Outcome is how a conversation ended.
type Outcome string

// The outcomes.
const (
	// OutcomeResolved means it closed without a ticket.
	OutcomeResolved Outcome = "resolved"
	// OutcomeRoutedToTeam means a ticket was created.
	OutcomeRoutedToTeam Outcome = "routed_to_team"
)

// SkillID names a skill of the catalog.
type SkillID string

// The skills.
const (
	// SkillOrderTracking answers where an order is.
	SkillOrderTracking SkillID = "order_tracking"
	// SkillReturnsExchanges handles returns and exchanges.
	SkillReturnsExchanges SkillID = "returns_exchanges"
	// SkillOrderEditing changes or cancels orders.
	SkillOrderEditing SkillID = "order_editing"
	// SkillSubscriptions handles subscriptions.
	SkillSubscriptions SkillID = "subscriptions"
	// SkillLoyalty answers about loyalty points and tiers.
	SkillLoyalty SkillID = "loyalty"
	// SkillCouponsDiscounts finds coupons and explains discounts.
	SkillCouponsDiscounts SkillID = "coupons_discounts"
	// SkillGeneralQA answers from the knowledge base.
	SkillGeneralQA SkillID = "general_qa"
	// SkillProductRecommendations recommends products.
	SkillProductRecommendations SkillID = "product_recommendations"
)

// Author is who wrote a message.
type Author string

// The authors.
const (
	// AuthorVisitor is the shopper.
	AuthorVisitor Author = "visitor"
	// AuthorAIAgent is Tandem's AI agent.
	AuthorAIAgent Author = "ai_agent"
	// AuthorHumanAgent is a person on the brand's team.
	AuthorHumanAgent Author = "human_agent"
	// AuthorSystem is a notice from the system.
	AuthorSystem Author = "system"
)

// ActorKind is the kind of party that performed an action.
type ActorKind string

// The actor kinds.
const (
	// ActorVisitor is the visitor.
	ActorVisitor ActorKind = "visitor"
	// ActorStaff is a holder of an account API key.
	ActorStaff ActorKind = "staff"
	// ActorSystem is Tandem itself.
	ActorSystem ActorKind = "system"
)

// Actor is the party that performed an action.
type Actor struct {
	// Kind is the kind of party.
	Kind ActorKind
	// KeyID is the API key id for staff.
	KeyID string
	// Name is a display name.
	Name string
}

// Visitor is the shopper of a conversation.
type Visitor struct {
	// Authenticated is true when the brand vouched for the visitor.
	Authenticated bool
	// ProfileID is the brand's customer profile id.
	ProfileID string
	// Email is the visitor's email address.
	Email string
	// Address is the sender address on SMS, WhatsApp and email.
	Address string
	// Name is the visitor's name.
	Name string
}

// Conversation is one exchange between a visitor and the brand.
type Conversation struct {
	// AccountID is the owning account.
	AccountID string
	// ID identifies the conversation.
	ID string
	// Channel is where it takes place.
	Channel Channel
	// Status is its stage.
	Status Status
	// Visitor is the shopper.
	Visitor Visitor
	// Locale is the visitor's language tag.
	Locale string
	// PageURL is the page the widget runs on.
	PageURL string
	// ActiveSkill is the skill handling it now.
	ActiveSkill SkillID
	// LastSequence is the sequence number of its latest stored event.
	LastSequence int64
	// MessageCount is the number of messages in the transcript.
	MessageCount int
	// VisitorMessages is the number of visitor messages, for metrics: a conversation
	// counts once it has one.
	VisitorMessages int
	// HandledSkills are the skills that handled a visitor message, sorted, for metrics.
	HandledSkills []SkillID
	// CreatedAt is when it started.
	CreatedAt time.Time
	// UpdatedAt is when it last changed.
	UpdatedAt time.Time
	// ClosedAt is when it closed (zero while open).
	ClosedAt time.Time
	// ClosedBy is who closed it.
	ClosedBy Actor
	// CloseReason is why it was closed.
	CloseReason string
	// Outcome is how it ended.
	Outcome Outcome
	// HandoffID is the open handoff, if any.
	HandoffID string
	// PendingHandoff is the handoff offered to the visitor and waiting for their consent
	// or email address, if any.
	PendingHandoff *SoftHandoff
}

// QuickReply is a button the visitor can press instead of typing.
type QuickReply struct {
	// ID is sent back when pressed.
	ID string `json:"id"`
	// Label is what the button says.
	Label string `json:"label"`
}

// Link is a labelled address.
type Link struct {
	// Label is what the visitor reads.
	Label string `json:"label"`
	// URL is where it points.
	URL string `json:"url"`
}

// Message is one entry of a transcript.
type Message struct {
	// ID identifies the message.
	ID string
	// ConversationID is the conversation it belongs to.
	ConversationID string
	// Sequence is its position among the conversation's events.
	Sequence int64
	// Author is who wrote it.
	Author Author
	// AuthorName is the name of a human author.
	AuthorName string
	// Text is the message, rendered for the channel.
	Text string
	// Card is an optional structured card.
	Card *Card
	// Skill is the skill that produced or handled it.
	Skill SkillID
	// QuickReplies are buttons offered with it.
	QuickReplies []QuickReply
	// Links are addresses offered with it.
	Links []Link
	// Decision is the router's decision for a visitor message (its Alternatives are
	// not stored), recorded for metrics.
	Decision RoutingDecision
	// TurnOutcome is what the turn a visitor message started came to.
	TurnOutcome TurnOutcome
	// CreatedAt is when the server stored it.
	CreatedAt time.Time
}
