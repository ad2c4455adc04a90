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
	// Confidence is the router's confidence in Skill, 0 to 1.
	Confidence float32
}

// Agent answers visitor turns. It must not write anything itself: everything it decides
// is in the Reply, which the conversation service stores atomically with the turn.
type Agent interface {
	// Respond returns the agent's reply to the turn.
	Respond(ctx context.Context, t Turn) (Reply, error)
}
