package conversation

import (
	"time"

	"github.com/google/uuid"

	"github.com/tandemhq/tandem/server/domain"
)

// change builds a domain.ConversationChange: the conversation's new state, the
// numbered, timestamped events that record it and what it adds to the metrics.
type change struct {
	before   domain.Conversation
	conv     domain.Conversation
	expected int64
	now      time.Time
	events   []domain.Event
}

func newChange(c domain.Conversation, now time.Time) *change {
	return &change{before: c, conv: c, expected: c.LastSequence, now: now}
}

func (b *change) add(e domain.Event) {
	b.conv.LastSequence++
	e.AccountID, e.ConversationID, e.Channel = b.conv.AccountID, b.conv.ID, b.conv.Channel
	e.Sequence, e.CreatedAt = b.conv.LastSequence, b.now
	b.events = append(b.events, e)
}

func (b *change) addMessage(m domain.Message) {
	m.ID = uuid.NewString()
	m.ConversationID = b.conv.ID
	m.Sequence = b.conv.LastSequence + 1
	m.CreatedAt = b.now
	b.conv.MessageCount++
	if m.Author == domain.AuthorVisitor {
		b.conv.CountVisitorMessage(m.Skill)
	}
	b.add(domain.Event{Type: domain.EventMessageAdded, Message: &m})
}

func (b *change) setStatus(to domain.Status) {
	if to == "" || to == b.conv.Status {
		return
	}
	b.add(domain.Event{Type: domain.EventStatusChanged, StatusChange: &domain.StatusChange{From: b.conv.Status, To: to}})
	b.conv.Status = to
}

func (b *change) setSkill(to domain.SkillID, confidence float32) {
	if to == "" || to == b.conv.ActiveSkill {
		return
	}
	b.add(domain.Event{Type: domain.EventSkillChanged, SkillChange: &domain.SkillChange{From: b.conv.ActiveSkill, To: to, Confidence: confidence}})
	b.conv.ActiveSkill = to
}

func (b *change) build() domain.ConversationChange {
	b.conv.UpdatedAt = b.now
	return domain.ConversationChange{Conversation: b.conv, ExpectedSequence: b.expected, Events: b.events,
		Metrics: domain.MetricDeltas(b.before, b.conv)}
}
