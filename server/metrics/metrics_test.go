package metrics_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/metrics"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/storetest"
)

// bundle is a test's database, storage, metrics service and account.
type bundle struct {
	ctx     context.Context
	pool    *pgxpool.Pool
	store   *store.Store
	svc     *metrics.Service
	account domain.Account
	owner   domain.Principal
}

func setup(t *testing.T, timeZone string) *bundle {
	t.Helper()
	pool := storetest.Pool(t)
	b := &bundle{ctx: t.Context(), pool: pool, store: store.New(pool)}
	b.svc = metrics.NewService(b.store, slog.New(slog.DiscardHandler))
	b.account = domain.Account{ID: uuid.NewString(), Name: "Acme", SiteKey: "site_" + uuid.NewString(),
		IdentitySecret: "s", Greeting: "Hi!", TimeZone: timeZone, CreatedAt: time.Now().UTC()}
	if err := b.store.CreateAccount(b.ctx, b.account, nil); err != nil {
		t.Fatal(err)
	}
	b.owner = domain.Principal{Kind: domain.PrincipalAPIKey, AccountID: b.account.ID, Role: domain.RoleOwner}
	return b
}

// conv is a conversation under test and the time of its next change.
type conv struct {
	c   domain.Conversation
	now time.Time
}

// start stores a conversation that starts at at, with the greeting.
func (b *bundle) start(t *testing.T, ch domain.Channel, at time.Time) *conv {
	t.Helper()
	c := domain.Conversation{AccountID: b.account.ID, ID: uuid.NewString(), Channel: ch, Status: domain.StatusAIActive, CreatedAt: at, UpdatedAt: at}
	k := &conv{c: c, now: at}
	started := c
	events := []domain.Event{{Sequence: 1, Type: domain.EventConversationStarted, CreatedAt: at, Conversation: &started}, k.message(2, domain.AuthorAIAgent, "Hi!", "")}
	if err := b.store.CreateConversation(b.ctx, c, events); err != nil {
		t.Fatal(err)
	}
	k.c.LastSequence, k.c.MessageCount = 2, 1
	return k
}

func (k *conv) message(seq int64, author domain.Author, text string, skill domain.SkillID) domain.Event {
	return domain.Event{Sequence: seq, Type: domain.EventMessageAdded, CreatedAt: k.now, Message: &domain.Message{
		ID: uuid.NewString(), ConversationID: k.c.ID, Sequence: seq, Author: author, Text: text, Skill: skill, CreatedAt: k.now}}
}

// turn stores a visitor message that skill handles (empty: none chosen) and the answer.
func (b *bundle) turn(t *testing.T, k *conv, skill domain.SkillID, text string) {
	t.Helper()
	k.now = k.now.Add(time.Minute)
	next := k.c
	if skill != "" {
		next.ActiveSkill = skill
	}
	visitor := k.message(k.c.LastSequence+1, domain.AuthorVisitor, text, next.ActiveSkill)
	visitor.Message.Decision = domain.RoutingDecision{Kind: domain.RouteSkill, Skill: skill, Confidence: 0.8}
	visitor.Message.TurnOutcome = domain.TurnAnswered
	answer := k.message(k.c.LastSequence+2, domain.AuthorAIAgent, "Sure.", next.ActiveSkill)
	next.LastSequence += 2
	next.MessageCount += 2
	next.CountVisitorMessage(next.ActiveSkill)
	next.UpdatedAt = k.now
	b.apply(t, k, next, visitor, answer)
}

// end closes the conversation with the outcome.
func (b *bundle) end(t *testing.T, k *conv, outcome domain.Outcome) {
	t.Helper()
	k.now = k.now.Add(time.Minute)
	next := k.c
	next.Status, next.Outcome, next.ClosedAt, next.UpdatedAt = domain.StatusClosed, outcome, k.now, k.now
	next.LastSequence++
	b.apply(t, k, next, domain.Event{Sequence: next.LastSequence, Type: domain.EventStatusChanged, CreatedAt: k.now,
		StatusChange: &domain.StatusChange{From: k.c.Status, To: domain.StatusClosed}})
}

func (b *bundle) apply(t *testing.T, k *conv, next domain.Conversation, events ...domain.Event) {
	t.Helper()
	ch := domain.ConversationChange{Conversation: next, ExpectedSequence: k.c.LastSequence, Events: events, Metrics: domain.MetricDeltas(k.c, next)}
	if err := b.store.ApplyChange(b.ctx, ch); err != nil {
		t.Fatal(err)
	}
	k.c = next
}

func (b *bundle) fold(t *testing.T) {
	t.Helper()
	if _, err := b.svc.Fold(b.ctx); err != nil {
		t.Fatal(err)
	}
}

func (b *bundle) overview(t *testing.T, start, end time.Time) metrics.Overview {
	t.Helper()
	o, err := b.svc.Overview(b.ctx, b.owner, metrics.Period{Start: start, End: end})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func skillFigures(o metrics.Overview, s domain.SkillID) domain.MetricCounts {
	for _, f := range o.Skills {
		if f.Skill == s {
			return f.MetricCounts
		}
	}
	return domain.MetricCounts{}
}

func channelFigures(o metrics.Overview, ch domain.Channel) domain.MetricCounts {
	for _, f := range o.Channels {
		if f.Channel == ch {
			return f.MetricCounts
		}
	}
	return domain.MetricCounts{}
}

func TestRatesOnKnownOutcomes(t *testing.T) {
	t.Parallel()
	b := setup(t, "UTC")
	day := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	// Resolved by order tracking after a detour through general Q&A.
	r1 := b.start(t, domain.ChannelWebchat, day)
	b.turn(t, r1, domain.SkillGeneralQA, "Do you ship to Canada?")
	b.turn(t, r1, domain.SkillOrderTracking, "Where is my order?")
	b.end(t, r1, domain.OutcomeResolved)
	// Resolved by order tracking, on SMS.
	r2 := b.start(t, domain.ChannelSMS, day.Add(time.Hour))
	b.turn(t, r2, domain.SkillOrderTracking, "Where is order 1002?")
	b.end(t, r2, domain.OutcomeResolved)
	// Routed to the team from returns.
	h1 := b.start(t, domain.ChannelWebchat, day.Add(2*time.Hour))
	b.turn(t, h1, domain.SkillReturnsExchanges, "I want to return my boots")
	b.end(t, h1, domain.OutcomeRoutedToTeam)
	// Still open: counts in volume, not in rates.
	open := b.start(t, domain.ChannelWebchat, day.Add(3*time.Hour))
	b.turn(t, open, domain.SkillOrderTracking, "Has it shipped?")
	// Closed without a visitor message: not a conversation for metrics.
	silent := b.start(t, domain.ChannelWebchat, day.Add(4*time.Hour))
	b.end(t, silent, domain.OutcomeResolved)
	// Another day: outside the period.
	b.turn(t, b.start(t, domain.ChannelWebchat, day.AddDate(0, 0, 2)), domain.SkillLoyalty, "Points?")

	check := func(t *testing.T) {
		o := b.overview(t, day.Truncate(24*time.Hour), day.Truncate(24*time.Hour).AddDate(0, 0, 1))
		if want := (domain.MetricCounts{Conversations: 4, Resolved: 2, RoutedToTeam: 1}); o.Totals != want {
			t.Errorf("totals = %+v, want %+v", o.Totals, want)
		}
		if o.ResolutionRate != 2.0/3 || o.RoutedToTeamRate != 1.0/3 {
			t.Errorf("rates = %v, %v, want 2/3 and 1/3 (the open conversation excluded)", o.ResolutionRate, o.RoutedToTeamRate)
		}
		wantSkills := map[domain.SkillID]domain.MetricCounts{
			domain.SkillOrderTracking:    {Conversations: 3, Resolved: 2},
			domain.SkillGeneralQA:        {Conversations: 1},
			domain.SkillReturnsExchanges: {Conversations: 1, RoutedToTeam: 1},
		}
		if len(o.Skills) != 8 || o.Skills[0].Skill != domain.SkillReturnsExchanges {
			t.Errorf("skills = %+v, want the eight in catalog order", o.Skills)
		}
		for _, f := range o.Skills {
			if f.MetricCounts != wantSkills[f.Skill] {
				t.Errorf("%s = %+v, want %+v", f.Skill, f.MetricCounts, wantSkills[f.Skill])
			}
		}
		if got, want := channelFigures(o, domain.ChannelWebchat), (domain.MetricCounts{Conversations: 3, Resolved: 1, RoutedToTeam: 1}); got != want {
			t.Errorf("webchat = %+v, want %+v", got, want)
		}
		if got, want := channelFigures(o, domain.ChannelSMS), (domain.MetricCounts{Conversations: 1, Resolved: 1}); got != want {
			t.Errorf("sms = %+v, want %+v", got, want)
		}
	}
	t.Run("before the fold", check)
	b.fold(t)
	t.Run("after the fold", check)
}

func TestTimeZoneBuckets(t *testing.T) {
	t.Parallel()
	b := setup(t, "America/New_York")
	ny, _ := time.LoadLocation("America/New_York")
	lateEvening := time.Date(2026, 7, 3, 23, 30, 0, 0, ny) // 03:30 UTC on July 4th
	justAfterMidnight := time.Date(2026, 7, 4, 0, 30, 0, 0, ny)
	b.turn(t, b.start(t, domain.ChannelWebchat, lateEvening), domain.SkillOrderTracking, "Where is it?")
	b.turn(t, b.start(t, domain.ChannelWebchat, justAfterMidnight), domain.SkillOrderTracking, "And mine?")
	weekStart := time.Date(2026, 6, 30, 0, 0, 0, 0, ny)

	check := func(t *testing.T) {
		perf, err := b.svc.SkillPerformance(b.ctx, b.owner, metrics.SkillPerformanceInput{Skill: domain.SkillOrderTracking,
			Period: metrics.Period{Start: weekStart, End: weekStart.AddDate(0, 0, 7)}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if perf.Width != metrics.BucketDay || len(perf.Buckets) != 7 {
			t.Fatalf("width %s with %d buckets, want 7 days", perf.Width, len(perf.Buckets))
		}
		for i, bk := range perf.Buckets {
			want := int64(0)
			if i == 3 || i == 4 { // July 3rd and 4th, New York time
				want = 1
			}
			if !bk.Start.Equal(weekStart.AddDate(0, 0, i)) || bk.Conversations != want {
				t.Errorf("bucket %d = %s %d, want %s %d", i, bk.Start.In(ny), bk.Conversations, weekStart.AddDate(0, 0, i), want)
			}
		}
		// In UTC both conversations fall on July 4th.
		perf, err = b.svc.SkillPerformance(b.ctx, b.owner, metrics.SkillPerformanceInput{Skill: domain.SkillOrderTracking,
			Period: metrics.Period{Start: weekStart, End: weekStart.AddDate(0, 0, 7), TimeZone: "UTC"}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, bk := range perf.Buckets {
			if bk.Conversations != 0 && (bk.Conversations != 2 || !bk.Start.Equal(time.Date(2026, 7, 4, 0, 0, 0, 0, time.UTC))) {
				t.Errorf("UTC bucket %s = %d, want both conversations on July 4th", bk.Start, bk.Conversations)
			}
		}
		// The local day of July 3rd holds the 23:30 conversation only.
		july3 := time.Date(2026, 7, 3, 0, 0, 0, 0, ny)
		if got := b.overview(t, july3, july3.AddDate(0, 0, 1)).Totals.Conversations; got != 1 {
			t.Errorf("July 3rd (New York) has %d conversations, want 1", got)
		}
		// Under two days: hour buckets.
		perf, err = b.svc.SkillPerformance(b.ctx, b.owner, metrics.SkillPerformanceInput{Skill: domain.SkillOrderTracking,
			Period: metrics.Period{Start: july3.Add(22 * time.Hour), End: july3.Add(26 * time.Hour)}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, bk := range perf.Buckets {
			got = append(got, bk.Conversations)
		}
		if perf.Width != metrics.BucketHour || !reflect.DeepEqual(got, []int64{0, 1, 1, 0}) {
			t.Errorf("hours: %s %v, want hour buckets [0 1 1 0]", perf.Width, got)
		}
	}
	t.Run("before the fold", check)
	b.fold(t)
	t.Run("after the fold", check)
}

// rollups returns an account's rollup rows that hold a figure, as text.
func (b *bundle) rollups(t *testing.T) []string {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `
		SELECT format('hour %s %s %s %s/%s/%s', hour, skill, channel, conversations, resolved, routed_to_team)
		FROM metric_hours WHERE account_id = $1 AND (conversations, resolved, routed_to_team) <> (0, 0, 0)
		UNION ALL
		SELECT format('day %s %s %s %s/%s/%s', day, skill, channel, conversations, resolved, routed_to_team)
		FROM metric_days WHERE account_id = $1 AND (conversations, resolved, routed_to_team) <> (0, 0, 0)
		ORDER BY 1`, b.account.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRollupsEqualRecomputation(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"America/New_York", "Asia/Kolkata"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			b := setup(t, zone)
			rng := rand.New(rand.NewPCG(1, 2))
			skills := []domain.SkillID{"", domain.SkillOrderTracking, domain.SkillGeneralQA, domain.SkillLoyalty, domain.SkillReturnsExchanges}
			channels := []domain.Channel{domain.ChannelWebchat, domain.ChannelSMS, domain.ChannelEmail}
			// Around the March DST change in New York, so days of 23 hours are included.
			first := time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)
			for i := range 120 {
				k := b.start(t, channels[rng.IntN(len(channels))], first.Add(time.Duration(rng.IntN(10*24*60))*time.Minute))
				for range rng.IntN(4) {
					b.turn(t, k, skills[rng.IntN(len(skills))], fmt.Sprintf("question %d", i))
				}
				switch rng.IntN(3) {
				case 0:
					b.end(t, k, domain.OutcomeResolved)
				case 1:
					b.end(t, k, domain.OutcomeRoutedToTeam)
				}
				if rng.IntN(10) == 0 {
					b.fold(t)
				}
			}
			period := metrics.Period{Start: first.AddDate(0, 0, -1), End: first.AddDate(0, 0, 12)}
			before, err := b.svc.Overview(b.ctx, b.owner, period)
			if err != nil {
				t.Fatal(err)
			}
			b.fold(t)
			folded := b.rollups(t)
			if len(folded) == 0 {
				t.Fatal("no rollups after folding")
			}
			if err := b.store.RebuildMetrics(b.ctx, b.account.ID); err != nil {
				t.Fatal(err)
			}
			rebuilt := b.rollups(t)
			if !reflect.DeepEqual(folded, rebuilt) {
				t.Errorf("folded rollups differ from the recomputation:\nfolded  %q\nrebuilt %q", folded, rebuilt)
			}
			after, err := b.svc.Overview(b.ctx, b.owner, period)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(before, after) || before.Totals.Conversations == 0 {
				t.Errorf("overview before folding %+v, after the rebuild %+v", before, after)
			}
		})
	}
}

func TestQuestionsPageNewestFirst(t *testing.T) {
	t.Parallel()
	b := setup(t, "UTC")
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	var want []string
	for i := range 7 {
		k := b.start(t, domain.ChannelWebchat, at.Add(time.Duration(i)*time.Hour))
		b.turn(t, k, domain.SkillLoyalty, fmt.Sprintf("loyalty %d", i))
		b.turn(t, k, domain.SkillGeneralQA, fmt.Sprintf("faq %d", i))
		want = append([]string{fmt.Sprintf("loyalty %d", i)}, want...)
	}
	var got []string
	var after *domain.QuestionPosition
	for pages := 0; ; pages++ {
		perf, err := b.svc.SkillPerformance(b.ctx, b.owner, metrics.SkillPerformanceInput{Skill: domain.SkillLoyalty,
			Period: metrics.Period{Start: at, End: at.AddDate(0, 0, 1)}, After: after, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range perf.Questions {
			got = append(got, q.Text)
		}
		if after = perf.Next; after == nil {
			if pages != 2 {
				t.Errorf("%d pages, want 3", pages+1)
			}
			break
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("questions = %q, want %q", got, want)
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	b := setup(t, "UTC")
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		call func() error
	}{
		{"end before start", func() error {
			_, err := b.svc.Overview(b.ctx, b.owner, metrics.Period{Start: at, End: at.Add(-time.Hour)})
			return err
		}},
		{"over 366 days", func() error {
			_, err := b.svc.Overview(b.ctx, b.owner, metrics.Period{Start: at, End: at.AddDate(0, 0, 367)})
			return err
		}},
		{"unknown time zone", func() error {
			_, err := b.svc.Overview(b.ctx, b.owner, metrics.Period{Start: at, End: at.Add(time.Hour), TimeZone: "Mars/Olympus"})
			return err
		}},
		{"unknown skill", func() error {
			_, err := b.svc.SkillPerformance(b.ctx, b.owner, metrics.SkillPerformanceInput{Skill: "astrology",
				Period: metrics.Period{Start: at, End: at.Add(time.Hour)}, Limit: 10})
			return err
		}},
		{"handoff log end before start", func() error {
			_, _, err := b.svc.HandoffLog(b.ctx, b.owner, domain.HandoffLogFilter{From: at, To: at, Limit: 10})
			return err
		}},
	}
	for _, tt := range tests {
		if err := tt.call(); domain.CodeOf(err) != domain.EInvalid {
			t.Errorf("%s: got %v, want EInvalid", tt.name, err)
		}
	}
}
