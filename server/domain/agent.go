package domain

import "context"

// Turn is what the agent sees of one visitor turn.
type Turn struct {
	// Conversation is the conversation before the turn.
	Conversation Conversation
	// History is the most recent messages before the turn, oldest first.
	History []Message
	// Message is the visitor's new message.
	Message Message
	// QuickReplyID is the quick reply the visitor pressed, if any.
	QuickReplyID string
}

// Reply is the agent's answer to a turn.
type Reply struct {
	// Messages are the agent's messages, in order; storage numbers and stamps them.
	Messages []Message
	// Status is the conversation's new status (empty keeps it).
	Status Status
	// Skill is the skill that handled the turn (empty keeps the active one).
	Skill SkillID
	// Decision is the router's decision for the visitor's message, recorded for metrics.
	Decision RoutingDecision
	// Outcome is what the turn came to, recorded for metrics.
	Outcome TurnOutcome
	// Handoff, when set, signals that people should take over (a soft handoff); the
	// handoff flow acts on it according to the account's handoff settings.
	Handoff *SoftHandoff
	// Flow is the handoff flow's change to the conversation (consent, email, the
	// ticket); only the handoff flow, which wraps the AI agent, sets it.
	Flow *HandoffFlowChange
}

// Agent answers visitor turns. It must not write anything itself: everything it decides
// is in the Reply, which the conversation service stores atomically with the turn.
type Agent interface {
	// Respond returns the agent's reply to the turn.
	Respond(ctx context.Context, t Turn) (Reply, error)
}

// RouteKind is what the router found a visitor message to be about.
type RouteKind string

// The route kinds.
const (
	// RouteSkill means one of the eight skills.
	RouteSkill RouteKind = "skill"
	// RouteHuman means the visitor wants a person.
	RouteHuman RouteKind = "human"
	// RouteNone means none of the skills.
	RouteNone RouteKind = "none"
)

// ScoredSkill is a skill with the router's confidence in it.
type ScoredSkill struct {
	// Skill is the skill.
	Skill SkillID
	// Confidence is between 0 and 1.
	Confidence float32
}

// RoutingDecision is the router's answer for one visitor message.
type RoutingDecision struct {
	// Kind is what the message is about.
	Kind RouteKind
	// Skill is the chosen skill when Kind is RouteSkill.
	Skill SkillID
	// Confidence is the router's confidence in Kind (and Skill), between 0 and 1.
	Confidence float32
	// Alternatives are the next most likely skills, most likely first.
	Alternatives []ScoredSkill
}

// Router decides which skill a visitor message is for, reading the conversation so far.
type Router interface {
	// Route classifies message; history is the conversation before it, oldest first.
	Route(ctx context.Context, history []Message, message string) (RoutingDecision, error)
}

// TurnOutcome is what one visitor turn came to.
type TurnOutcome string

// The turn outcomes.
const (
	// TurnAnswered means a skill answered.
	TurnAnswered TurnOutcome = "answered"
	// TurnLoginRequested means the skill needs login and the agent asked for it.
	TurnLoginRequested TurnOutcome = "login_requested"
	// TurnRephraseRequested means the agent was not sure and asked to rephrase.
	TurnRephraseRequested TurnOutcome = "rephrase_requested"
	// TurnHandoff means the agent signalled a soft handoff.
	TurnHandoff TurnOutcome = "handoff"
	// TurnHandledByFlow means the handoff flow (consent, email, a person) took the turn.
	TurnHandledByFlow TurnOutcome = "handoff_flow"
)

// HandoffReason is why the agent wants people to take over.
type HandoffReason string

// The handoff reasons.
const (
	// HandoffVisitorRequested means the visitor asked for a person.
	HandoffVisitorRequested HandoffReason = "visitor_requested"
	// HandoffSkillUnavailable means the skill the question needs is unavailable.
	HandoffSkillUnavailable HandoffReason = "skill_unavailable"
	// HandoffLowConfidence means the router was not confident enough, twice.
	HandoffLowConfidence HandoffReason = "low_confidence"
	// HandoffToolFailure means a tool the skill called failed.
	HandoffToolFailure HandoffReason = "tool_failure"
	// HandoffNoAnswer means the skill found nothing to answer with.
	HandoffNoAnswer HandoffReason = "no_answer"
)

// SoftHandoff is the agent's signal that it cannot resolve the question itself.
type SoftHandoff struct {
	// Reason is why.
	Reason HandoffReason
	// Question is the visitor's question that triggered it.
	Question string
	// Skill is the skill that could not resolve it (empty if none was chosen).
	Skill SkillID
}
