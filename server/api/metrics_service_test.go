package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/app/apptest"
	"github.com/tandemhq/tandem/server/domain"
)

// keywordAgent routes by keyword: "track" to order tracking, "return" to returns,
// "person" to the team (the conversation goes WITH_TEAM).
type keywordAgent struct{}

func (keywordAgent) Respond(_ context.Context, t domain.Turn) (domain.Reply, error) {
	r := domain.Reply{Messages: []domain.Message{{Author: domain.AuthorAIAgent, Text: "On it."}}, Outcome: domain.TurnAnswered}
	switch text := t.Message.Text; {
	case strings.Contains(text, "track"):
		r.Skill = domain.SkillOrderTracking
	case strings.Contains(text, "return"):
		r.Skill = domain.SkillReturnsExchanges
	case strings.Contains(text, "person"):
		r.Status, r.Outcome = domain.StatusWithTeam, domain.TurnHandoff
		r.Decision = domain.RoutingDecision{Kind: domain.RouteHuman, Confidence: 0.97}
		return r, nil
	}
	r.Decision = domain.RoutingDecision{Kind: domain.RouteSkill, Skill: r.Skill, Confidence: 0.9}
	return r, nil
}

// metricsEnv runs a replica with the scripted agent.
type metricsEnv struct {
	*apptest.Env
	ctx  context.Context
	pool *pgxpool.Pool
}

func newMetricsEnv(t *testing.T) *metricsEnv {
	t.Helper()
	env := apptest.New(t, app.Options{Agent: keywordAgent{}, MetricsFoldInterval: 50 * time.Millisecond})
	pool, err := pgxpool.New(context.Background(), env.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return &metricsEnv{Env: env, ctx: t.Context(), pool: pool}
}

// chat starts a web chat conversation, sends the texts and returns the conversation id
// and the visitor's client.
func (e *metricsEnv) chat(t *testing.T, texts ...string) (string, *tandemclient.Client) {
	t.Helper()
	started, err := e.Client(e.Account.Account.SiteKey).Conversations.StartConversation(e.ctx,
		connect.NewRequest(&tandemv1.StartConversationRequest{Channel: tandemv1.Channel_CHANNEL_WEBCHAT}))
	if err != nil {
		t.Fatal(err)
	}
	id, visitor := started.Msg.Conversation.Id, e.Client(started.Msg.VisitorToken)
	for _, text := range texts {
		if _, err := visitor.Conversations.SendMessage(e.ctx, connect.NewRequest(&tandemv1.SendMessageRequest{
			ConversationId: id, IdempotencyKey: uuid.NewString(), Content: &tandemv1.SendMessageRequest_Text{Text: text}})); err != nil {
			t.Fatal(err)
		}
	}
	return id, visitor
}

func (e *metricsEnv) close(t *testing.T, visitor *tandemclient.Client, id string) {
	t.Helper()
	if _, err := visitor.Conversations.CloseConversation(e.ctx, connect.NewRequest(&tandemv1.CloseConversationRequest{ConversationId: id})); err != nil {
		t.Fatal(err)
	}
}

// today is a range around now.
func today() *tandemv1.TimeRange {
	now := time.Now()
	return &tandemv1.TimeRange{StartTime: timestamppb.New(now.Add(-12 * time.Hour)), EndTime: timestamppb.New(now.Add(12 * time.Hour))}
}

// addHandoff records a handoff of conversation id as the handoff flow would.
func (e *metricsEnv) addHandoff(t *testing.T, accountID, conversationID, question string, skill domain.SkillID, reason domain.HandoffReason, at time.Time) {
	t.Helper()
	if err := e.App.Store.SaveHandoff(e.ctx, domain.Handoff{
		AccountID: accountID, ID: uuid.NewString(), ConversationID: conversationID, Channel: domain.ChannelWebchat,
		Status: domain.HandoffPending, Destination: domain.DestinationZendesk, Reason: reason,
		TriggerQuestion: question, Skill: skill, CreatedAt: at,
	}); err != nil {
		t.Fatal(err)
	}
}

func TestMetricsThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newMetricsEnv(t)
	resolved, v1 := e.chat(t, "hello", "track my order")
	e.close(t, v1, resolved)
	routed, v2 := e.chat(t, "I want to return these", "a person please")
	e.close(t, v2, routed)
	e.chat(t, "track it please") // open
	silent, v4 := e.chat(t)      // no visitor message
	e.close(t, v4, silent)

	owner := e.Client(e.Key(domain.RoleAnalyst))
	res, err := owner.Metrics.GetOverview(e.ctx, connect.NewRequest(&tandemv1.GetOverviewRequest{Range: today()}))
	if err != nil {
		t.Fatal(err)
	}
	o := res.Msg
	if o.Conversations != 3 || o.Resolved != 1 || o.RoutedToTeam != 1 || o.ResolutionRate != 0.5 || o.RoutedToTeamRate != 0.5 {
		t.Errorf("overview = %d conversations, %d resolved, %d routed, rates %v/%v; want 3, 1, 1, 0.5/0.5",
			o.Conversations, o.Resolved, o.RoutedToTeam, o.ResolutionRate, o.RoutedToTeamRate)
	}
	for _, s := range o.Skills {
		want := map[tandemv1.SkillId][3]int64{
			tandemv1.SkillId_SKILL_ID_ORDER_TRACKING:    {2, 1, 0},
			tandemv1.SkillId_SKILL_ID_RETURNS_EXCHANGES: {1, 0, 1},
		}[s.Skill]
		if got := [3]int64{s.Volume, s.Resolved, s.HandedOff}; got != want {
			t.Errorf("%s = %v, want %v", s.Skill, got, want)
		}
	}
	if len(o.Channels) != 4 || o.Channels[0].Channel != tandemv1.Channel_CHANNEL_WEBCHAT || o.Channels[0].Conversations != 3 {
		t.Errorf("channels = %v, want web chat first with 3 conversations", o.Channels)
	}

	perf, err := owner.Metrics.GetSkillPerformance(e.ctx, connect.NewRequest(&tandemv1.GetSkillPerformanceRequest{
		Skill: tandemv1.SkillId_SKILL_ID_ORDER_TRACKING, Range: today(), PageSize: 1}))
	if err != nil {
		t.Fatal(err)
	}
	p := perf.Msg
	if p.BucketWidth != tandemv1.BucketWidth_BUCKET_WIDTH_HOUR || len(p.Buckets) < 24 || p.Totals.Volume != 2 {
		t.Errorf("performance: %s, %d buckets, volume %d; want hour buckets and volume 2", p.BucketWidth, len(p.Buckets), p.Totals.Volume)
	}
	if len(p.Questions) != 1 || p.Questions[0].Text != "track it please" || p.NextPageToken == "" {
		t.Fatalf("first page = %v (next %q), want the newest question and a next page", p.Questions, p.NextPageToken)
	}
	perf, err = owner.Metrics.GetSkillPerformance(e.ctx, connect.NewRequest(&tandemv1.GetSkillPerformanceRequest{
		Skill: tandemv1.SkillId_SKILL_ID_ORDER_TRACKING, Range: today(), PageSize: 1, PageToken: p.NextPageToken}))
	if err != nil {
		t.Fatal(err)
	}
	if q := perf.Msg.Questions; len(q) != 1 || q[0].Text != "track my order" || q[0].ConversationId != resolved || q[0].Channel != tandemv1.Channel_CHANNEL_WEBCHAT {
		t.Errorf("second page = %v, want the question of the resolved conversation", q)
	}

	// What the turns recorded equals a recomputation from the stored messages.
	if err := e.App.Store.RebuildMetrics(e.ctx, e.Account.Account.ID); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := owner.Metrics.GetOverview(e.ctx, connect.NewRequest(&tandemv1.GetOverviewRequest{Range: today()}))
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(rebuilt.Msg, o) {
		t.Errorf("after rebuilding from raw rows the overview is %v, want %v", rebuilt.Msg, o)
	}

	// The turn's routing decision is stored on the visitor message.
	var kind, skill, outcome string
	var confidence float32
	if err := e.pool.QueryRow(e.ctx, `SELECT route_kind, route_skill, route_confidence, turn_outcome FROM messages
		WHERE conversation_id = $1 AND author = 'visitor' AND body = 'a person please'`, routed).Scan(&kind, &skill, &confidence, &outcome); err != nil {
		t.Fatal(err)
	}
	if kind != "human" || skill != "" || confidence != 0.97 || outcome != "handoff" {
		t.Errorf("recorded decision = %s %q %v %s, want human \"\" 0.97 handoff", kind, skill, confidence, outcome)
	}
}

func TestHandoffLog(t *testing.T) {
	t.Parallel()
	e := newMetricsEnv(t)
	acc := e.Account.Account.ID
	now := time.Now().UTC()
	var routed []string
	for i := range 3 {
		id, v := e.chat(t, "I want to return these", "a person please")
		e.close(t, v, id)
		routed = append(routed, id)
		reason := domain.HandoffVisitorRequested
		if i == 1 {
			reason = domain.HandoffNoAnswer
		}
		e.addHandoff(t, acc, id, "question "+string(rune('A'+i)), domain.SkillReturnsExchanges, reason, now.Add(time.Duration(i-5)*time.Minute))
	}
	declined, _ := e.chat(t, "a person please") // handed off but not (yet) routed to the team
	e.addHandoff(t, acc, declined, "declined", domain.SkillGeneralQA, domain.HandoffVisitorRequested, now.Add(-time.Minute))

	client := e.Client(e.Key(domain.RoleSupport))
	list := func(req *tandemv1.ListHandoffLogRequest) *tandemv1.ListHandoffLogResponse {
		t.Helper()
		req.Range = today()
		res, err := client.Metrics.ListHandoffLog(e.ctx, connect.NewRequest(req))
		if err != nil {
			t.Fatal(err)
		}
		return res.Msg
	}
	page := list(&tandemv1.ListHandoffLogRequest{PageSize: 2})
	if len(page.Entries) != 2 || page.Entries[0].Question != "question C" || page.NextPageToken == "" {
		t.Fatalf("first page = %v, want questions C and B and a next page", page.Entries)
	}
	first := page.Entries[0]
	if first.ConversationId != routed[2] || first.Skill != tandemv1.SkillId_SKILL_ID_RETURNS_EXCHANGES ||
		first.Reason != tandemv1.HandoffReason_HANDOFF_REASON_VISITOR_REQUESTED || first.Destination != tandemv1.HandoffDestination_HANDOFF_DESTINATION_ZENDESK ||
		first.Channel != tandemv1.Channel_CHANNEL_WEBCHAT || first.HandoffId == "" {
		t.Errorf("entry = %v", first)
	}
	page = list(&tandemv1.ListHandoffLogRequest{PageSize: 2, PageToken: page.NextPageToken})
	if len(page.Entries) != 1 || page.Entries[0].Question != "question A" || page.NextPageToken != "" {
		t.Errorf("last page = %v (next %q), want question A only", page.Entries, page.NextPageToken)
	}
	page = list(&tandemv1.ListHandoffLogRequest{Reason: tandemv1.HandoffReason_HANDOFF_REASON_NO_ANSWER})
	if len(page.Entries) != 1 || page.Entries[0].Question != "question B" {
		t.Errorf("no-answer handoffs = %v, want question B", page.Entries)
	}
	if page = list(&tandemv1.ListHandoffLogRequest{Skill: tandemv1.SkillId_SKILL_ID_GENERAL_QA}); len(page.Entries) != 0 {
		t.Errorf("general Q&A handoffs = %v, want none (its conversation was not routed to the team)", page.Entries)
	}
	_, err := client.Metrics.ListHandoffLog(e.ctx, connect.NewRequest(&tandemv1.ListHandoffLogRequest{Range: today(), PageToken: "bm9wZQ"}))
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("a forged page token got %v, want InvalidArgument", err)
	}
}

func TestMetricsRoles(t *testing.T) {
	t.Parallel()
	e := newMetricsEnv(t)
	_, visitor := e.chat(t, "track my order")
	calls := map[string]func(c *tandemclient.Client) error{
		"GetOverview": func(c *tandemclient.Client) error {
			_, err := c.Metrics.GetOverview(e.ctx, connect.NewRequest(&tandemv1.GetOverviewRequest{Range: today()}))
			return err
		},
		"GetSkillPerformance": func(c *tandemclient.Client) error {
			_, err := c.Metrics.GetSkillPerformance(e.ctx, connect.NewRequest(&tandemv1.GetSkillPerformanceRequest{Skill: tandemv1.SkillId_SKILL_ID_LOYALTY, Range: today()}))
			return err
		},
		"ListHandoffLog": func(c *tandemclient.Client) error {
			_, err := c.Metrics.ListHandoffLog(e.ctx, connect.NewRequest(&tandemv1.ListHandoffLogRequest{Range: today()}))
			return err
		},
	}
	for name, call := range calls {
		for _, r := range domain.Roles {
			want := connect.Code(0)
			if r == domain.RoleHelpdesk {
				want = connect.CodePermissionDenied
			}
			if err := call(e.Client(e.Key(r))); connect.CodeOf(err) != want && !(want == 0 && err == nil) {
				t.Errorf("%s as %s: got %v, want %v", name, r, err, want)
			}
		}
		for who, c := range map[string]*tandemclient.Client{"visitor": visitor, "site key": e.Client(e.Account.Account.SiteKey)} {
			if err := call(c); connect.CodeOf(err) != connect.CodePermissionDenied {
				t.Errorf("%s with a %s: got %v, want PermissionDenied", name, who, err)
			}
		}
	}
}

func TestMetricsStayInTheirAccount(t *testing.T) {
	t.Parallel()
	e := newMetricsEnv(t)
	id, v := e.chat(t, "track my order", "a person please")
	e.close(t, v, id)
	e.addHandoff(t, e.Account.Account.ID, id, "a person please", domain.SkillOrderTracking, domain.HandoffVisitorRequested, time.Now())
	other := e.Client(e.NewAccount(t, "Other Brand").Secret(domain.RoleOwner))
	o, err := other.Metrics.GetOverview(e.ctx, connect.NewRequest(&tandemv1.GetOverviewRequest{Range: today()}))
	if err != nil || o.Msg.Conversations != 0 {
		t.Errorf("another account's overview = %v, %v; want no conversations", o, err)
	}
	p, err := other.Metrics.GetSkillPerformance(e.ctx, connect.NewRequest(&tandemv1.GetSkillPerformanceRequest{Skill: tandemv1.SkillId_SKILL_ID_ORDER_TRACKING, Range: today()}))
	if err != nil || p.Msg.Totals.Volume != 0 || len(p.Msg.Questions) != 0 {
		t.Errorf("another account's skill performance = %v, %v; want nothing", p, err)
	}
	h, err := other.Metrics.ListHandoffLog(e.ctx, connect.NewRequest(&tandemv1.ListHandoffLogRequest{Range: today()}))
	if err != nil || len(h.Msg.Entries) != 0 {
		t.Errorf("another account's handoff log = %v, %v; want empty", h, err)
	}
	mine, err := e.Client(e.Key(domain.RoleOwner)).Metrics.ListHandoffLog(e.ctx, connect.NewRequest(&tandemv1.ListHandoffLogRequest{Range: today()}))
	if err != nil || len(mine.Msg.Entries) != 1 {
		t.Errorf("own handoff log = %v, %v; want the handoff", mine, err)
	}
}

func TestMetricsValidation(t *testing.T) {
	t.Parallel()
	e := newMetricsEnv(t)
	c := e.Client(e.Key(domain.RoleManager))
	now := time.Now()
	backwards := &tandemv1.TimeRange{StartTime: timestamppb.New(now), EndTime: timestamppb.New(now.Add(-time.Hour))}
	tooLong := &tandemv1.TimeRange{StartTime: timestamppb.New(now.AddDate(-2, 0, 0)), EndTime: timestamppb.New(now)}
	tests := map[string]func() error{
		"no range": func() error {
			_, err := c.Metrics.GetOverview(e.ctx, connect.NewRequest(&tandemv1.GetOverviewRequest{}))
			return err
		},
		"backwards range": func() error {
			_, err := c.Metrics.GetOverview(e.ctx, connect.NewRequest(&tandemv1.GetOverviewRequest{Range: backwards}))
			return err
		},
		"two years": func() error {
			_, err := c.Metrics.ListHandoffLog(e.ctx, connect.NewRequest(&tandemv1.ListHandoffLogRequest{Range: tooLong}))
			return err
		},
		"unknown time zone": func() error {
			_, err := c.Metrics.GetOverview(e.ctx, connect.NewRequest(&tandemv1.GetOverviewRequest{Range: today(), TimeZone: "Mars/Olympus"}))
			return err
		},
		"no skill": func() error {
			_, err := c.Metrics.GetSkillPerformance(e.ctx, connect.NewRequest(&tandemv1.GetSkillPerformanceRequest{Range: today()}))
			return err
		},
		"forged question page token": func() error {
			_, err := c.Metrics.GetSkillPerformance(e.ctx, connect.NewRequest(&tandemv1.GetSkillPerformanceRequest{
				Skill: tandemv1.SkillId_SKILL_ID_LOYALTY, Range: today(), PageToken: "MTIz"}))
			return err
		},
	}
	for name, call := range tests {
		if err := call(); connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("%s: got %v, want InvalidArgument", name, err)
		}
	}
}
