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
	handoff  *domain.Handoff
	jobs     []domain.JobArgs
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

// setHandoff stores h with the change and records it: the conversation's open handoff
// becomes h, or none once h is resolved. A handoff without a creation time is created now.
func (b *change) setHandoff(h domain.Handoff) {
	if h.CreatedAt.IsZero() {
		h.CreatedAt = b.now
	}
	b.conv.HandoffID = h.ID
	if h.Status == domain.HandoffResolved {
		b.conv.HandoffID = ""
	}
	b.handoff = &h
	b.add(domain.Event{Type: domain.EventHandoffUpdated, Handoff: &h})
}

// applyFlow applies the handoff flow's part of a reply.
func (b *change) applyFlow(f *domain.HandoffFlowChange) {
	if f == nil {
		return
	}
	b.conv.PendingHandoff = f.Pending
	if f.Email != "" && f.Email != b.conv.Visitor.Email {
		b.conv.Visitor.Email = f.Email
		v := b.conv.Visitor
		b.add(domain.Event{Type: domain.EventVisitorIdentified, Visitor: &v})
	}
	if f.Handoff != nil {
		b.setHandoff(*f.Handoff)
	}
	b.jobs = append(b.jobs, f.Jobs...)
}

// close ends the conversation: routed to the team when a handoff is open, else resolved.
func (b *change) close(by domain.Actor, reason string) {
	b.conv.ClosedAt = b.now
	b.conv.ClosedBy = by
	b.conv.CloseReason = reason
	b.conv.Outcome = domain.OutcomeResolved
	if b.conv.Status == domain.StatusWithTeam || b.conv.HandoffID != "" {
		b.conv.Outcome = domain.OutcomeRoutedToTeam
	}
	b.setStatus(domain.StatusClosed)
}

func (b *change) build() domain.ConversationChange {
	b.conv.UpdatedAt = b.now
	return domain.ConversationChange{Conversation: b.conv, ExpectedSequence: b.expected, Events: b.events,
		Handoff: b.handoff, Jobs: b.jobs, Metrics: domain.MetricDeltas(b.before, b.conv)}
}
