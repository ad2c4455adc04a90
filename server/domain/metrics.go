package domain

import (
	"slices"
	"time"
)

// MetricCounts are the figures of a set of conversations with a visitor message.
type MetricCounts struct {
	// Conversations is how many there are (for a skill: how many it handled a message of).
	Conversations int64
	// Resolved is how many ended closed without a ticket (for a skill: ending with it).
	Resolved int64
	// RoutedToTeam is how many ended with a ticket (for a skill: ending with it).
	RoutedToTeam int64
}

// Add adds o to c.
func (c *MetricCounts) Add(o MetricCounts) {
	c.Conversations += o.Conversations
	c.Resolved += o.Resolved
	c.RoutedToTeam += o.RoutedToTeam
}

// MetricRow is the figures of one skill on one channel; Skill is empty for the
// conversations' totals.
type MetricRow struct {
	// Skill is the skill, or empty for every conversation.
	Skill SkillID
	// Channel is the channel.
	Channel Channel
	MetricCounts
}

// MetricBucket is the figures of one time bucket.
type MetricBucket struct {
	// Start is the bucket's start.
	Start time.Time
	MetricCounts
}

// MetricSpan is a period of conversation starts as the rollups store it: whole hours of
// the account's time zone, the whole days of that zone inside them read from the day
// rollup and the hours around those days from the hour rollup.
type MetricSpan struct {
	// Start and End are the period, whole hours of the account's time zone.
	Start, End time.Time
	// DaysStart and DaysEnd are the whole days inside the period (equal when none).
	DaysStart, DaysEnd time.Time
	// FirstDay and EndDay are the dates of DaysStart and DaysEnd, at midnight UTC.
	FirstDay, EndDay time.Time
	// TimeZone is the account's time zone, in which the rollups are kept.
	TimeZone string
}

// SkillQuestion is a visitor message a skill handled.
type SkillQuestion struct {
	// ConversationID is the conversation.
	ConversationID string
	// MessageID is the message.
	MessageID string
	// Sequence is the message's position in the conversation.
	Sequence int64
	// Text is what the visitor wrote.
	Text string
	// CreatedAt is when.
	CreatedAt time.Time
	// Channel is the conversation's channel.
	Channel Channel
}

// QuestionPosition is a place in the newest-first order of a skill's questions.
type QuestionPosition struct {
	// CreatedAt is the message's time.
	CreatedAt time.Time
	// ConversationID is the message's conversation.
	ConversationID string
	// Sequence is the message's sequence number.
	Sequence int64
}

// HandoffLogEntry is a handoff of a conversation that was routed to the team.
type HandoffLogEntry struct {
	// HandoffID is the handoff.
	HandoffID string
	// ConversationID is the conversation.
	ConversationID string
	// Question is the visitor question that triggered it.
	Question string
	// Skill is the skill handling the conversation then (empty if none).
	Skill SkillID
	// Reason is why.
	Reason HandoffReason
	// Destination is where it went.
	Destination HandoffDestination
	// Channel is the conversation's channel.
	Channel Channel
	// CreatedAt is when.
	CreatedAt time.Time
}

// HandoffLogFilter selects handoff log entries, newest first.
type HandoffLogFilter struct {
	// From and To bound the handoffs' times, [From, To).
	From, To time.Time
	// Skill keeps one skill (all when empty).
	Skill SkillID
	// Reason keeps one reason (all when empty).
	Reason HandoffReason
	// After continues after this entry (nil starts at the newest).
	After *Position
	// Limit is the most to return.
	Limit int
}

// metricContribution is what conversation c counts for in the metrics, per skill (empty
// for the totals): once it has a visitor message it counts in the totals and in each
// skill that handled one; once it ended, its outcome counts in the totals and in the
// skill it ended with.
func metricContribution(c Conversation) map[SkillID]MetricCounts {
	if c.VisitorMessages == 0 {
		return nil
	}
	out := make(map[SkillID]MetricCounts, len(c.HandledSkills)+1)
	for _, s := range append([]SkillID{""}, c.HandledSkills...) {
		counts := MetricCounts{Conversations: 1}
		if s == "" || s == c.ActiveSkill {
			switch c.Outcome {
			case OutcomeResolved:
				counts.Resolved = 1
			case OutcomeRoutedToTeam:
				counts.RoutedToTeam = 1
			}
		}
		out[s] = counts
	}
	return out
}

// MetricDeltas returns what changing a conversation from before to after adds to the
// metrics, per skill (empty: the totals), on after's channel; nil when nothing.
func MetricDeltas(before, after Conversation) []MetricRow {
	was, is := metricContribution(before), metricContribution(after)
	var out []MetricRow
	for _, s := range append([]SkillID{""}, after.HandledSkills...) {
		d := MetricCounts{
			Conversations: is[s].Conversations - was[s].Conversations,
			Resolved:      is[s].Resolved - was[s].Resolved,
			RoutedToTeam:  is[s].RoutedToTeam - was[s].RoutedToTeam,
		}
		if d != (MetricCounts{}) {
			out = append(out, MetricRow{Skill: s, Channel: after.Channel, MetricCounts: d})
		}
	}
	return out
}

// CountVisitorMessage records in c's metric counters that skill (empty: none) handled
// one more of its visitor messages.
func (c *Conversation) CountVisitorMessage(skill SkillID) {
	c.VisitorMessages++
	if i, found := slices.BinarySearch(c.HandledSkills, skill); skill != "" && !found {
		c.HandledSkills = slices.Insert(slices.Clone(c.HandledSkills), i, skill)
	}
}
