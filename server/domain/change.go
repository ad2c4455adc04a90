package domain

import "time"

// ConversationChange is one atomic change to a conversation: its new state and the events
// that record the change. Storage applies it only if the conversation's last sequence is
// still ExpectedSequence, so concurrent changes never interleave.
type ConversationChange struct {
	// Conversation is the conversation's new state; its LastSequence is the last event's.
	Conversation Conversation
	// ExpectedSequence is the LastSequence the change was computed from.
	ExpectedSequence int64
	// Events are the new events in sequence order, numbered from ExpectedSequence+1.
	Events []Event
	// IdempotencyKey, when set, is recorded on the first visitor message so a retried
	// turn finds the messages it wrote.
	IdempotencyKey string
	// Handoff, when set, is stored (inserted or updated) in the same transaction.
	Handoff *Handoff
	// Jobs are background jobs queued in the same transaction.
	Jobs []JobArgs
	// Metrics is what the change adds to the account's metrics:
	// MetricDeltas(conversation before, Conversation).
	Metrics []MetricRow
}

// ConversationFilter selects conversations to list, newest first.
type ConversationFilter struct {
	// Statuses keeps only these statuses (all when empty).
	Statuses []Status
	// Channels keeps only these channels (all when empty).
	Channels []Channel
	// Skills keeps only these active skills (all when empty).
	Skills []SkillID
	// From keeps conversations created at or after it (unless zero).
	From time.Time
	// To keeps conversations created before it (unless zero).
	To time.Time
	// VisitorEmail keeps conversations with this visitor email, case-insensitively.
	VisitorEmail string
	// After continues a listing after this conversation (nil starts at the newest).
	After *Position
	// Limit is the most to return.
	Limit int
}

// EventFilter selects events of the account-wide stream.
type EventFilter struct {
	// Channels keeps only these channels (all when empty).
	Channels []Channel
	// Types keeps only these event types (all when empty).
	Types []EventType
	// AfterCursor continues after this event's cursor (empty starts at the beginning).
	AfterCursor string
	// Limit is the most to return.
	Limit int
}
