package store

import (
	"context"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store/internal/dbsqlc"
)

// FoldMetrics moves up to max recorded metric deltas, of every account, into the hour and
// day rollups, and returns how many it moved. Concurrent folds (other replicas) take
// other deltas. Figures read the same before and after a fold.
func (s *Store) FoldMetrics(ctx context.Context, max int) (int, error) {
	r, err := s.queries.MetricFold(ctx, s.pool, int32(max))
	if err != nil {
		return 0, interpret(err, "metrics")
	}
	return int(r.Folded), nil
}

// MetricFigures returns the figures of account accountID's conversations that started
// in span, per skill (empty Skill: every conversation) and channel, from the rollups and
// the deltas not yet folded. Rows may hold zeros.
func (s *Store) MetricFigures(ctx context.Context, accountID string, span domain.MetricSpan) ([]domain.MetricRow, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	rows, err := s.queries.MetricOverview(ctx, s.pool, dbsqlc.MetricOverviewParams{
		AccountID: account, FirstDay: dateParam(span.FirstDay), EndDay: dateParam(span.EndDay),
		StartTime: span.Start, DaysStart: span.DaysStart, DaysEnd: span.DaysEnd, EndTime: span.End,
	})
	if err != nil {
		return nil, interpret(err, "metrics")
	}
	out := make([]domain.MetricRow, len(rows))
	for i, r := range rows {
		out[i] = domain.MetricRow{Skill: domain.SkillID(r.Skill), Channel: domain.Channel(r.Channel),
			MetricCounts: domain.MetricCounts{Conversations: r.Conversations, Resolved: r.Resolved, RoutedToTeam: r.RoutedToTeam}}
	}
	return out, nil
}

// SkillMetricBuckets returns skill's figures for the conversations of account accountID
// that started in span, per rollup bucket, oldest first: a bucket starts at a day of the
// day rollup or at an hour.
func (s *Store) SkillMetricBuckets(ctx context.Context, accountID string, skill domain.SkillID, span domain.MetricSpan) ([]domain.MetricBucket, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	rows, err := s.queries.MetricSkillBuckets(ctx, s.pool, dbsqlc.MetricSkillBucketsParams{
		TimeZone: span.TimeZone, AccountID: account, FirstDay: dateParam(span.FirstDay), EndDay: dateParam(span.EndDay),
		Skill: string(skill), StartTime: span.Start, DaysStart: span.DaysStart, DaysEnd: span.DaysEnd, EndTime: span.End,
	})
	if err != nil {
		return nil, interpret(err, "metrics")
	}
	out := make([]domain.MetricBucket, len(rows))
	for i, r := range rows {
		out[i] = domain.MetricBucket{Start: r.Bucket.UTC(),
			MetricCounts: domain.MetricCounts{Conversations: r.Conversations, Resolved: r.Resolved, RoutedToTeam: r.RoutedToTeam}}
	}
	return out, nil
}

// SkillQuestions returns the visitor messages of account accountID that skill handled,
// stored in [from, to), newest first, continuing after position after (nil: from the
// newest), at most limit of them (bounded as in ListConversations).
func (s *Store) SkillQuestions(ctx context.Context, accountID string, skill domain.SkillID, from, to time.Time, after *domain.QuestionPosition, limit int) ([]domain.SkillQuestion, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	p := dbsqlc.MetricSkillQuestionsParams{
		AccountID: account, Skill: string(skill), StartTime: from, Max: limitParam(limit),
		BeforeCreatedAt: to, BeforeConversationID: pgtype.UUID{Bytes: uuid.Max, Valid: true}, BeforeSequence: math.MaxInt64,
	}
	if after != nil && after.CreatedAt.Before(to) {
		if p.BeforeConversationID, err = parseID("page token", after.ConversationID); err != nil {
			return nil, err
		}
		p.BeforeCreatedAt, p.BeforeSequence = after.CreatedAt, after.Sequence
	}
	rows, err := s.queries.MetricSkillQuestions(ctx, s.pool, p)
	if err != nil {
		return nil, interpret(err, "question")
	}
	out := make([]domain.SkillQuestion, len(rows))
	for i, r := range rows {
		out[i] = domain.SkillQuestion{ConversationID: idString(r.ConversationID), MessageID: idString(r.ID), Sequence: r.Sequence,
			Text: r.Body, CreatedAt: r.CreatedAt.UTC(), Channel: domain.Channel(r.Channel)}
	}
	return out, nil
}

// HandoffLog returns the handoffs of account accountID's conversations routed to the
// team that f selects, newest first, at most f.Limit (bounded as in ListConversations).
func (s *Store) HandoffLog(ctx context.Context, accountID string, f domain.HandoffLogFilter) ([]domain.HandoffLogEntry, error) {
	account, err := parseID("account id", accountID)
	if err != nil {
		return nil, err
	}
	p := dbsqlc.HandoffLogListParams{
		AccountID: account, StartTime: f.From, Max: limitParam(f.Limit),
		BeforeCreatedAt: f.To, BeforeID: pgtype.UUID{Bytes: uuid.Max, Valid: true},
	}
	if f.After != nil && f.After.CreatedAt.Before(f.To) {
		if p.BeforeID, err = parseID("page token", f.After.ID); err != nil {
			return nil, err
		}
		p.BeforeCreatedAt = f.After.CreatedAt
	}
	if f.Skill != "" {
		p.Skill = new(string(f.Skill))
	}
	if f.Reason != "" {
		p.Reason = new(string(f.Reason))
	}
	rows, err := s.queries.HandoffLogList(ctx, s.pool, p)
	if err != nil {
		return nil, interpret(err, "handoff")
	}
	out := make([]domain.HandoffLogEntry, len(rows))
	for i, r := range rows {
		out[i] = domain.HandoffLogEntry{HandoffID: idString(r.ID), ConversationID: idString(r.ConversationID),
			Question: r.TriggerQuestion, Skill: domain.SkillID(r.Skill), Reason: domain.HandoffReason(r.Reason),
			Destination: domain.HandoffDestination(r.Destination), Channel: domain.Channel(r.Channel), CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

// RebuildMetrics recomputes account accountID's rollups from its conversations and
// messages, in the account's current time zone, replacing the rollups and the deltas
// not yet folded. Run it after the account's time zone changes or after loading data
// in bulk. Changes committed meanwhile keep their deltas, so nothing is lost or counted
// twice; a fold running at the same moment makes it fail with EConflict (retry).
func (s *Store) RebuildMetrics(ctx context.Context, accountID string) error {
	account, err := parseID("account id", accountID)
	if err != nil {
		return err
	}
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		if err := s.queries.MetricDeleteRollups(ctx, tx, account); err != nil {
			return err
		}
		return s.queries.MetricRebuild(ctx, tx, account)
	})
	if isSerializationFailure(err) {
		return domain.Errorf(domain.EConflict, "the metrics changed during the rebuild; retry")
	}
	return interpret(err, "metrics")
}

// dateParam returns the date of t (a midnight UTC).
func dateParam(t time.Time) pgtype.Date {
	return pgtype.Date{Time: t, Valid: true}
}

// GenerateConversations seeds count synthetic conversations of ten messages each into
// account accountID, started at random times in [from, to), for load tests and
// benchmarks (see queries/generate.sql). It writes no events and leaves the rollups
// alone: call RebuildMetrics once the data is in.
func (s *Store) GenerateConversations(ctx context.Context, accountID string, count int, from, to time.Time) error {
	account, err := parseID("account id", accountID)
	if err != nil {
		return err
	}
	err = s.queries.ConversationGenerate(ctx, s.pool, dbsqlc.ConversationGenerateParams{AccountID: account, StartTime: from, EndTime: to, Count: int32(count)})
	return interpret(err, "conversation")
}
