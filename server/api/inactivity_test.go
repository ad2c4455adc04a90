package api_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/app/apptest"
	"github.com/tandemhq/tandem/server/conversation"
	"github.com/tandemhq/tandem/server/domain"
)

// inactivityEnv is a replica with the handoff flow over personAgent and a pool to age
// conversations with.
type inactivityEnv struct {
	handoffEnv
	pool *pgxpool.Pool
}

func newInactivityEnv(t *testing.T, o app.Options) inactivityEnv {
	t.Helper()
	o.Agent, o.Integrations = personAgent{}, &integrations{connected: map[string][]domain.Integration{}}
	env := apptest.New(t, o)
	pool, err := pgxpool.New(context.Background(), env.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return inactivityEnv{handoffEnv: handoffEnv{Env: env, integrations: o.Integrations.(*integrations)}, pool: pool}
}

// idleFor makes conversation id look as if nothing happened in it for d.
func (e inactivityEnv) idleFor(t *testing.T, id string, d time.Duration) {
	t.Helper()
	if _, err := e.pool.Exec(t.Context(), `UPDATE conversations SET updated_at = now() - $2::interval WHERE id = $1`, id, d); err != nil {
		t.Fatal(err)
	}
}

// conversation returns a conversation as the owner sees it.
func (e inactivityEnv) conversation(t *testing.T, owner *tandemclient.Client, id string) *tandemv1.Conversation {
	t.Helper()
	res, err := owner.Conversations.GetConversation(t.Context(), connect.NewRequest(&tandemv1.GetConversationRequest{ConversationId: id}))
	if err != nil {
		t.Fatalf("GetConversation: %v", err)
	}
	return res.Msg.Conversation
}

// setTimeout saves the inbox settings with the inactivity timeout d through owner.
func setTimeout(t *testing.T, owner *tandemclient.Client, d time.Duration) *tandemv1.HandoffSettings {
	t.Helper()
	s := inbox()
	s.InactivityTimeout = durationpb.New(d)
	res, err := owner.Handoffs.UpdateHandoffSettings(t.Context(), connect.NewRequest(&tandemv1.UpdateHandoffSettingsRequest{Settings: s}))
	if err != nil {
		t.Fatalf("UpdateHandoffSettings(inactivity_timeout %v): %v", d, err)
	}
	return res.Msg.Settings
}

func resolvedAndRate(t *testing.T, c *tandemclient.Client) (int64, float64) {
	t.Helper()
	res, err := c.Metrics.GetOverview(t.Context(), connect.NewRequest(&tandemv1.GetOverviewRequest{Range: today()}))
	if err != nil {
		t.Fatalf("GetOverview: %v", err)
	}
	return res.Msg.Resolved, res.Msg.ResolutionRate
}

// TestInactivityJobClosesIdleConversations runs the periodic job on River (every 200 ms)
// over conversations in every status the AI or a person can hold.
func TestInactivityJobClosesIdleConversations(t *testing.T) {
	t.Parallel()
	e := newInactivityEnv(t, app.Options{Inactivity: conversation.InactivityConfig{Every: 200 * time.Millisecond}})
	owner, analyst := e.client(domain.RoleOwner), e.client(domain.RoleAnalyst)

	ai := startChat(t, e.Env, "")
	ai.say(t, "Do you ship to Canada?")
	consent := startChat(t, e.Env, "")
	wantStatus(t, consent.say(t, "Can I talk to a person?"), tandemv1.ConversationStatus_CONVERSATION_STATUS_AWAITING_HANDOFF_CONSENT)
	email := offerAccepted(t, e.handoffEnv)
	team := offerAccepted(t, e.handoffEnv)
	wantStatus(t, team.say(t, "ava@example.com"), tandemv1.ConversationStatus_CONVERSATION_STATUS_WITH_TEAM)
	active := startChat(t, e.Env, "")
	active.say(t, "Where is my order?")

	if resolved, rate := resolvedAndRate(t, analyst); resolved != 0 || rate != 0 {
		t.Fatalf("before: %d resolved at rate %v, want none", resolved, rate)
	}
	events, _ := watch(t, t.Context(), ai.visitor, ai.id, e.conversation(t, owner, ai.id).LastSequence)
	for _, c := range []chat{ai, consent, email} {
		e.idleFor(t, c.id, 31*time.Minute)
	}
	e.idleFor(t, team.id, 3*time.Hour)
	e.idleFor(t, active.id, 29*time.Minute)

	ev := next(t, events)
	if sc := ev.GetStatusChange(); sc == nil || sc.To != tandemv1.ConversationStatus_CONVERSATION_STATUS_CLOSED {
		t.Fatalf("the visitor's stream got %v, want the status change to CLOSED", ev)
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, c := range []chat{consent, email} {
		for e.conversation(t, owner, c.id).Status != tandemv1.ConversationStatus_CONVERSATION_STATUS_CLOSED {
			if time.Now().After(deadline) {
				t.Fatalf("conversation awaiting consent or email still open after 10s")
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for _, c := range []chat{ai, consent, email} {
		got := e.conversation(t, owner, c.id)
		if got.Outcome != tandemv1.ConversationOutcome_CONVERSATION_OUTCOME_RESOLVED || got.CloseReason != "inactivity" ||
			got.ClosedBy.GetKind() != tandemv1.ActorKind_ACTOR_KIND_SYSTEM {
			t.Errorf("closed conversation: outcome %v, reason %q, by %v; want RESOLVED, inactivity, SYSTEM", got.Outcome, got.CloseReason, got.ClosedBy)
		}
	}
	if got := e.conversation(t, owner, team.id).Status; got != tandemv1.ConversationStatus_CONVERSATION_STATUS_WITH_TEAM {
		t.Errorf("the conversation a person owns is %v, want WITH_TEAM", got)
	}
	if got := e.conversation(t, owner, active.id).Status; got != tandemv1.ConversationStatus_CONVERSATION_STATUS_AI_ACTIVE {
		t.Errorf("the conversation idle for 29 minutes is %v, want AI_ACTIVE", got)
	}
	// 5 conversations with a visitor message, 3 ended (all resolved), 2 open.
	if resolved, rate := resolvedAndRate(t, analyst); resolved != 3 || rate != 1 {
		t.Errorf("after: %d resolved at rate %v, want 3 at 1", resolved, rate)
	}
	if _, err := ai.send(t, "still-there", "hello again"); connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Errorf("writing to the closed conversation: %v, want FailedPrecondition", err)
	}
}

func TestInactivityTimeoutIsPerAccount(t *testing.T) {
	t.Parallel()
	e := newInactivityEnv(t, app.Options{})
	other := e.NewAccount(t, "Patient Outfitters")
	otherEnv := inactivityEnv{handoffEnv: handoffEnv{Env: &apptest.Env{DatabaseURL: e.DatabaseURL, Server: e.Server, App: e.App, Account: other}}, pool: e.pool}
	otherOwner := otherEnv.client(domain.RoleOwner)
	if got := setTimeout(t, otherOwner, 2*time.Hour).InactivityTimeout.AsDuration(); got != 2*time.Hour {
		t.Fatalf("UpdateHandoffSettings returned timeout %v, want 2h", got)
	}

	quick := startChat(t, e.Env, "") // default: 30 minutes
	quick.say(t, "hello")
	patient, older := startChat(t, otherEnv.Env, ""), startChat(t, otherEnv.Env, "")
	patient.say(t, "hello")
	older.say(t, "hello")
	e.idleFor(t, quick.id, time.Hour)
	e.idleFor(t, patient.id, time.Hour)
	e.idleFor(t, older.id, 2*time.Hour+time.Minute)

	res, err := e.App.Inactivity.Sweep(t.Context(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	owner := e.client(domain.RoleOwner)
	if got := e.conversation(t, owner, quick.id).Status; got != tandemv1.ConversationStatus_CONVERSATION_STATUS_CLOSED {
		t.Errorf("idle an hour with the default timeout: %v, want CLOSED", got)
	}
	if got := e.conversation(t, otherOwner, patient.id).Status; got != tandemv1.ConversationStatus_CONVERSATION_STATUS_AI_ACTIVE {
		t.Errorf("idle an hour with a 2-hour timeout: %v, want AI_ACTIVE", got)
	}
	if got := e.conversation(t, otherOwner, older.id).Status; got != tandemv1.ConversationStatus_CONVERSATION_STATUS_CLOSED {
		t.Errorf("idle 2h01 with a 2-hour timeout: %v, want CLOSED", got)
	}
	if res.Closed > 2 {
		t.Errorf("sweep closed %d, want at most the 2 idle ones", res.Closed)
	}
}

func TestInactivitySweepsRunSafelyTwice(t *testing.T) {
	t.Parallel()
	// Batches of 5, at most 3 conversations of an account each: a sweep takes several.
	e := newInactivityEnv(t, app.Options{Inactivity: conversation.InactivityConfig{BatchSize: 5, PerAccount: 3}})
	var ids []string
	for range 12 {
		c := startChat(t, e.Env, "")
		c.say(t, "hello")
		e.idleFor(t, c.id, time.Hour)
		ids = append(ids, c.id)
	}
	// Two replicas sweeping at once (the job the replica ran at start may be a third).
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := e.App.Inactivity.Sweep(t.Context(), time.Now()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if again, err := e.App.Inactivity.Sweep(t.Context(), time.Now()); err != nil || again.Closed != 0 {
		t.Errorf("a sweep after the others closed %d (%v), want 0", again.Closed, err)
	}
	for _, id := range ids {
		var closes int
		if err := e.pool.QueryRow(t.Context(), `SELECT count(*) FROM conversation_events WHERE conversation_id = $1
			AND type = 'status_changed' AND payload->'status_change'->>'to' = 'closed'`, id).Scan(&closes); err != nil {
			t.Fatal(err)
		}
		if closes != 1 {
			t.Errorf("conversation %s has %d close events, want 1", id, closes)
		}
	}
	if resolved, _ := resolvedAndRate(t, e.client(domain.RoleAnalyst)); resolved != 12 {
		t.Errorf("%d resolved, want 12 (each conversation once)", resolved)
	}
}

func TestInactivityTimeoutValidation(t *testing.T) {
	t.Parallel()
	e := newInactivityEnv(t, app.Options{})
	owner := e.client(domain.RoleOwner)
	get := func() time.Duration {
		res, err := owner.Handoffs.GetHandoffSettings(t.Context(), connect.NewRequest(&tandemv1.GetHandoffSettingsRequest{}))
		if err != nil {
			t.Fatal(err)
		}
		return res.Msg.Settings.InactivityTimeout.AsDuration()
	}
	if got := get(); got != 30*time.Minute {
		t.Errorf("default timeout %v, want 30m", got)
	}
	for _, d := range []time.Duration{time.Minute, 5*time.Minute - time.Second, 7*24*time.Hour + time.Second, -time.Hour} {
		s := inbox()
		s.InactivityTimeout = durationpb.New(d)
		_, err := owner.Handoffs.UpdateHandoffSettings(t.Context(), connect.NewRequest(&tandemv1.UpdateHandoffSettingsRequest{Settings: s}))
		if connect.CodeOf(err) != connect.CodeInvalidArgument || !contains(violatedFields(err), "settings.inactivity_timeout") {
			t.Errorf("timeout %v: %v (fields %v), want InvalidArgument naming settings.inactivity_timeout", d, err, violatedFields(err))
		}
	}
	for _, d := range []time.Duration{5 * time.Minute, 7 * 24 * time.Hour, 90 * time.Minute} {
		if got := setTimeout(t, owner, d).InactivityTimeout.AsDuration(); got != d || get() != d {
			t.Errorf("timeout %v stored as %v", d, got)
		}
	}
	if got := setTimeout(t, owner, 0).InactivityTimeout.AsDuration(); got != 30*time.Minute {
		t.Errorf("timeout 0 reads back as %v, want the default 30m", got)
	}
	if _, err := e.client(domain.RoleManager).Handoffs.UpdateHandoffSettings(t.Context(), connect.NewRequest(&tandemv1.UpdateHandoffSettingsRequest{Settings: inbox()})); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("a MANAGER updating the settings: %v, want PermissionDenied", err)
	}
}
