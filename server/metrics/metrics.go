// Package metrics reports how well the agent does: conversations, resolution and
// routed-to-team rates, per-skill and per-channel figures, a skill's volume over time and
// the questions it handled, and the handoff log.
//
// The figures come from rollups that the conversation writes keep up to date (see
// queries/migrations/00005_metrics.sql): each change appends what it adds to the figures,
// and Service.RunFolder moves those deltas into hour and day rollups in the account's
// time zone. A conversation belongs to the hour and day it started in; it counts once it
// has a visitor message; a skill counts it once the skill handled one of its visitor
// messages; its outcome counts for the conversation and for the skill it ended with.
package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/skill"
)

// Store is the storage the service needs.
type Store interface {
	// Account returns the account, or ENotFound.
	Account(ctx context.Context, id string) (domain.Account, error)
	// MetricFigures returns the figures per skill and channel of the conversations that
	// started in span.
	MetricFigures(ctx context.Context, accountID string, span domain.MetricSpan) ([]domain.MetricRow, error)
	// SkillMetricBuckets returns a skill's figures per rollup bucket, oldest first.
	SkillMetricBuckets(ctx context.Context, accountID string, skill domain.SkillID, span domain.MetricSpan) ([]domain.MetricBucket, error)
	// SkillQuestions returns the visitor messages a skill handled, newest first.
	SkillQuestions(ctx context.Context, accountID string, skill domain.SkillID, from, to time.Time, after *domain.QuestionPosition, limit int) ([]domain.SkillQuestion, error)
	// HandoffLog returns handoffs of conversations routed to the team, newest first.
	HandoffLog(ctx context.Context, accountID string, f domain.HandoffLogFilter) ([]domain.HandoffLogEntry, error)
	// FoldMetrics moves up to max deltas into the rollups and returns how many.
	FoldMetrics(ctx context.Context, max int) (int, error)
}

// Service answers metrics questions for an account.
type Service struct {
	store  Store
	logger *slog.Logger
}

// NewService returns a Service.
func NewService(store Store, logger *slog.Logger) *Service {
	return &Service{store: store, logger: logger}
}

// MaxPeriod is the longest period a question may span.
const MaxPeriod = 366 * 24 * time.Hour

// hourBucketsBelow is the period length under which volumes come in hour buckets.
const hourBucketsBelow = 48 * time.Hour

// Period is the time a question is about: conversations that started in [Start, End),
// rounded outward to whole hours of the account's time zone.
type Period struct {
	// Start is the start, inclusive.
	Start time.Time
	// End is the end, exclusive.
	End time.Time
	// TimeZone is the IANA zone for day buckets; empty uses the account's.
	TimeZone string
}

// SkillFigures are one skill's figures.
type SkillFigures struct {
	// Skill is the skill.
	Skill domain.SkillID
	domain.MetricCounts
}

// ChannelFigures are one channel's figures.
type ChannelFigures struct {
	// Channel is the channel.
	Channel domain.Channel
	domain.MetricCounts
}

// Overview is an account's figures for a period.
type Overview struct {
	// Totals counts the conversations with a visitor message and their outcomes.
	Totals domain.MetricCounts
	// ResolutionRate is resolved ÷ ended conversations (open ones are excluded), 0 to 1.
	ResolutionRate float64
	// RoutedToTeamRate is routed to the team ÷ ended conversations, 0 to 1.
	RoutedToTeamRate float64
	// Skills are the catalog's skills, in catalog order.
	Skills []SkillFigures
	// Channels are the four channels.
	Channels []ChannelFigures
}

// Overview returns the account's figures for the period. Returns EInvalid for a bad
// period or time zone.
func (s *Service) Overview(ctx context.Context, p domain.Principal, period Period) (Overview, error) {
	account, _, err := s.zones(ctx, p, period)
	if err != nil {
		return Overview{}, err
	}
	rows, err := s.store.MetricFigures(ctx, p.AccountID, spanOf(period, account, true))
	if err != nil {
		return Overview{}, err
	}
	bySkill := map[domain.SkillID]*domain.MetricCounts{}
	byChannel := map[domain.Channel]*domain.MetricCounts{}
	var o Overview
	for _, sk := range skill.Catalog() {
		o.Skills = append(o.Skills, SkillFigures{Skill: sk.ID})
	}
	for _, ch := range skill.AllChannels() {
		o.Channels = append(o.Channels, ChannelFigures{Channel: ch})
	}
	for i := range o.Skills {
		bySkill[o.Skills[i].Skill] = &o.Skills[i].MetricCounts
	}
	for i := range o.Channels {
		byChannel[o.Channels[i].Channel] = &o.Channels[i].MetricCounts
	}
	for _, r := range rows {
		if r.Skill != "" {
			if c := bySkill[r.Skill]; c != nil {
				c.Add(r.MetricCounts)
			}
			continue
		}
		o.Totals.Add(r.MetricCounts)
		if c := byChannel[r.Channel]; c != nil {
			c.Add(r.MetricCounts)
		}
	}
	if ended := o.Totals.Resolved + o.Totals.RoutedToTeam; ended > 0 {
		o.ResolutionRate = float64(o.Totals.Resolved) / float64(ended)
		o.RoutedToTeamRate = float64(o.Totals.RoutedToTeam) / float64(ended)
	}
	return o, nil
}

// BucketWidth is the width of a volume bucket.
type BucketWidth string

// The bucket widths.
const (
	// BucketHour is one hour.
	BucketHour BucketWidth = "hour"
	// BucketDay is one day of the period's time zone.
	BucketDay BucketWidth = "day"
)

// SkillPerformanceInput asks for one skill's figures.
type SkillPerformanceInput struct {
	// Skill is the skill.
	Skill domain.SkillID
	// Period is the period.
	Period Period
	// After continues the questions after this one (nil starts at the newest).
	After *domain.QuestionPosition
	// Limit is the most questions to return.
	Limit int
}

// SkillPerformance is one skill's figures for a period.
type SkillPerformance struct {
	// Totals are the skill's figures for the whole period.
	Totals domain.MetricCounts
	// Width is the buckets' width: hours for periods under two days, else days.
	Width BucketWidth
	// Buckets cover the period, oldest first, empty ones included.
	Buckets []domain.MetricBucket
	// Questions are the visitor messages it handled, newest first.
	Questions []domain.SkillQuestion
	// Next is where the next page of questions starts (nil on the last page).
	Next *domain.QuestionPosition
}

// SkillPerformance returns one skill's volume over time and a page of the questions it
// handled. Returns EInvalid for an unknown skill, a bad period or time zone.
func (s *Service) SkillPerformance(ctx context.Context, p domain.Principal, in SkillPerformanceInput) (SkillPerformance, error) {
	if _, ok := skill.Lookup(in.Skill); !ok {
		return SkillPerformance{}, domain.Errorf(domain.EInvalid, "skill %q is not in the catalog", in.Skill)
	}
	account, zone, err := s.zones(ctx, p, in.Period)
	if err != nil {
		return SkillPerformance{}, err
	}
	out := SkillPerformance{Width: BucketDay}
	if in.Period.End.Sub(in.Period.Start) < hourBucketsBelow {
		out.Width = BucketHour
	}
	// The day rollup is kept in the account's zone: it answers day buckets of that zone.
	span := spanOf(in.Period, account, out.Width == BucketDay && zone.String() == account.String())
	rows, err := s.store.SkillMetricBuckets(ctx, p.AccountID, in.Skill, span)
	if err != nil {
		return SkillPerformance{}, err
	}
	out.Buckets = emptyBuckets(span, out.Width, zone)
	index := make(map[time.Time]int, len(out.Buckets))
	for i, b := range out.Buckets {
		index[b.Start] = i
	}
	for _, r := range rows {
		start := r.Start
		if out.Width == BucketDay {
			start = floorDay(start, zone)
		}
		if i, ok := index[start]; ok {
			out.Buckets[i].Add(r.MetricCounts)
		}
		out.Totals.Add(r.MetricCounts)
	}
	questions, err := s.store.SkillQuestions(ctx, p.AccountID, in.Skill, in.Period.Start, in.Period.End, in.After, in.Limit+1)
	if err != nil {
		return SkillPerformance{}, err
	}
	out.Questions, out.Next = domain.Page(questions, in.Limit, func(q domain.SkillQuestion) domain.QuestionPosition {
		return domain.QuestionPosition{CreatedAt: q.CreatedAt, ConversationID: q.ConversationID, Sequence: q.Sequence}
	})
	return out, nil
}

// HandoffLog returns a page of the handoffs of conversations routed to the team, newest
// first, and where the next page starts (nil on the last page). Returns EInvalid for a
// bad period.
func (s *Service) HandoffLog(ctx context.Context, p domain.Principal, f domain.HandoffLogFilter) ([]domain.HandoffLogEntry, *domain.Position, error) {
	if err := checkPeriod(f.From, f.To); err != nil {
		return nil, nil, err
	}
	limit := f.Limit
	f.Limit = limit + 1
	entries, err := s.store.HandoffLog(ctx, p.AccountID, f)
	if err != nil {
		return nil, nil, err
	}
	entries, next := domain.Page(entries, limit, func(e domain.HandoffLogEntry) domain.Position {
		return domain.Position{CreatedAt: e.CreatedAt, ID: e.HandoffID}
	})
	return entries, next, nil
}

// zones checks the period and returns the account's time zone and the period's.
func (s *Service) zones(ctx context.Context, p domain.Principal, period Period) (account, zone *time.Location, err error) {
	if err := checkPeriod(period.Start, period.End); err != nil {
		return nil, nil, err
	}
	acc, err := s.store.Account(ctx, p.AccountID)
	if err != nil {
		return nil, nil, err
	}
	if account, err = time.LoadLocation(acc.TimeZone); err != nil {
		return nil, nil, domain.Errorf(domain.EFailedPrecondition, "the account's time zone %q is unknown: set an IANA time zone such as Europe/Paris", acc.TimeZone)
	}
	if period.TimeZone == "" {
		return account, account, nil
	}
	if zone, err = time.LoadLocation(period.TimeZone); err != nil || period.TimeZone == "Local" {
		return nil, nil, domain.Errorf(domain.EInvalid, "time_zone %q is not an IANA time zone such as Europe/Paris", period.TimeZone)
	}
	return account, zone, nil
}

// checkPeriod returns EInvalid unless [start, end) is a period of at most MaxPeriod.
func checkPeriod(start, end time.Time) error {
	switch {
	case !end.After(start):
		return domain.Errorf(domain.EInvalid, "the range's end_time must be after its start_time")
	case end.Sub(start) > MaxPeriod:
		return domain.Errorf(domain.EInvalid, "the range may span at most 366 days")
	}
	return nil
}
