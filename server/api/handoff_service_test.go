package api_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/app/apptest"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/handoff"
	"github.com/tandemhq/tandem/server/helpdesk/gorgias/gorgiastest"
	"github.com/tandemhq/tandem/server/helpdesk/helpdesktest"
	"github.com/tandemhq/tandem/server/helpdesk/zendesk/zendesktest"
	"github.com/tandemhq/tandem/server/jobs"
)

// personAgent stands in for the AI agent: it signals a soft handoff when the visitor
// asks for a person or about a warranty (an unavailable skill), and answers anything
// else with "AI: <text>".
type personAgent struct{}

func (personAgent) Respond(_ context.Context, t domain.Turn) (domain.Reply, error) {
	text := t.Message.Text
	switch {
	case strings.Contains(text, "person"):
		return domain.Reply{Outcome: domain.TurnHandoff, Handoff: &domain.SoftHandoff{Reason: domain.HandoffVisitorRequested, Question: text}}, nil
	case strings.Contains(text, "warranty"):
		return domain.Reply{
			Messages: []domain.Message{{Author: domain.AuthorAIAgent, Text: "I can't look up warranties."}},
			Skill:    domain.SkillGeneralQA, Outcome: domain.TurnHandoff,
			Handoff: &domain.SoftHandoff{Reason: domain.HandoffSkillUnavailable, Question: text, Skill: domain.SkillGeneralQA},
		}, nil
	}
	return domain.Reply{Messages: []domain.Message{{Author: domain.AuthorAIAgent, Text: "AI: " + text}}, Outcome: domain.TurnAnswered}, nil
}

// integrations is what accounts connected, as the integrations service would say.
type integrations struct {
	mu        sync.Mutex
	connected map[string][]domain.Integration
}

func (i *integrations) Connected(_ context.Context, accountID string) ([]domain.Integration, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.connected[accountID], nil
}

func (i *integrations) connect(in domain.Integration) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.connected[in.AccountID] = append(i.connected[in.AccountID], in)
}

// handoffEnv is a replica with personAgent and test integrations.
type handoffEnv struct {
	*apptest.Env
	integrations *integrations
}

func newHandoffEnv(t *testing.T) handoffEnv {
	t.Helper()
	ints := &integrations{connected: map[string][]domain.Integration{}}
	env := apptest.New(t, app.Options{Agent: personAgent{}, Integrations: ints, HelpdeskTimeout: time.Second,
		Jobs: jobs.Config{FetchPollInterval: 200 * time.Millisecond}})
	return handoffEnv{Env: env, integrations: ints}
}

func (e handoffEnv) client(r domain.Role) *tandemclient.Client { return e.Client(e.Key(r)) }

// settings saves the account's handoff settings as its owner.
func (e handoffEnv) settings(t *testing.T, s *tandemv1.HandoffSettings) {
	t.Helper()
	if _, err := e.client(domain.RoleOwner).Handoffs.UpdateHandoffSettings(t.Context(),
		connect.NewRequest(&tandemv1.UpdateHandoffSettingsRequest{Settings: s})); err != nil {
		t.Fatalf("UpdateHandoffSettings: %v", err)
	}
}

// inbox is the settings of an inbox that is always open.
func inbox() *tandemv1.HandoffSettings {
	return &tandemv1.HandoffSettings{Method: tandemv1.HandoffMethod_HANDOFF_METHOD_HELPDESK, Destination: tandemv1.HandoffDestination_HANDOFF_DESTINATION_INBOX}
}

func (e handoffEnv) availability(t *testing.T, r domain.Role, a tandemv1.AgentAvailability) {
	t.Helper()
	if _, err := e.client(r).Handoffs.SetAgentAvailability(t.Context(), connect.NewRequest(&tandemv1.SetAgentAvailabilityRequest{Availability: a})); err != nil {
		t.Fatalf("SetAgentAvailability: %v", err)
	}
}

// say sends text and returns the reply, failing the test on error.
func (c chat) say(t *testing.T, text string) *tandemv1.SendMessageResponse {
	t.Helper()
	res, err := c.send(t, fmt.Sprintf("k-%d", time.Now().UnixNano()), text)
	if err != nil {
		t.Fatalf("SendMessage %q: %v", text, err)
	}
	return res
}

func (c chat) press(t *testing.T, quickReply string) *tandemv1.SendMessageResponse {
	t.Helper()
	res, err := c.visitor.Conversations.SendMessage(t.Context(), connect.NewRequest(&tandemv1.SendMessageRequest{
		ConversationId: c.id, IdempotencyKey: fmt.Sprintf("q-%d", time.Now().UnixNano()),
		Content: &tandemv1.SendMessageRequest_QuickReplyId{QuickReplyId: quickReply}}))
	if err != nil {
		t.Fatalf("pressing %s: %v", quickReply, err)
	}
	return res.Msg
}

func wantStatus(t *testing.T, res *tandemv1.SendMessageResponse, want tandemv1.ConversationStatus) {
	t.Helper()
	if got := res.Conversation.Status; got != want {
		t.Fatalf("status %v, want %v (messages %v)", got, want, texts(res.Messages))
	}
}

func texts(msgs []*tandemv1.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Author.String()+": "+m.Text)
	}
	return out
}

func lastText(res *tandemv1.SendMessageResponse) string {
	return res.Messages[len(res.Messages)-1].Text
}

func getHandoff(t *testing.T, c *tandemclient.Client, id string) *tandemv1.GetHandoffResponse {
	t.Helper()
	res, err := c.Handoffs.GetHandoff(t.Context(), connect.NewRequest(&tandemv1.GetHandoffRequest{HandoffId: id}))
	if err != nil {
		t.Fatalf("GetHandoff: %v", err)
	}
	return res.Msg
}

// offerAccepted takes a new anonymous chat to the point where the visitor accepted a
// person and was asked for an email address.
func offerAccepted(t *testing.T, env handoffEnv) chat {
	t.Helper()
	c := startChat(t, env.Env, "")
	res := c.say(t, "Can I talk to a person about my parcel?")
	wantStatus(t, res, tandemv1.ConversationStatus_CONVERSATION_STATUS_AWAITING_HANDOFF_CONSENT)
	offer := res.Messages[len(res.Messages)-1]
	if len(offer.QuickReplies) != 2 || offer.QuickReplies[0].Id != handoff.QuickReplyYes || offer.QuickReplies[1].Id != handoff.QuickReplyNo {
		t.Fatalf("the offer %q has quick replies %v, want yes and no", offer.Text, offer.QuickReplies)
	}
	res = c.press(t, handoff.QuickReplyYes)
	wantStatus(t, res, tandemv1.ConversationStatus_CONVERSATION_STATUS_AWAITING_EMAIL)
	return c
}

func TestInboxHandoffFromOfferToResolution(t *testing.T) {
	t.Parallel()
	env := newHandoffEnv(t)
	env.settings(t, inbox())
	env.availability(t, domain.RoleSupport, tandemv1.AgentAvailability_AGENT_AVAILABILITY_ONLINE)
	ctx := t.Context()

	c := startChat(t, env.Env, "")
	if got := lastText(c.say(t, "hello")); got != "AI: hello" {
		t.Fatalf("the AI answered %q", got)
	}
	res := c.say(t, "Can I talk to a person about my parcel?")
	wantStatus(t, res, tandemv1.ConversationStatus_CONVERSATION_STATUS_AWAITING_HANDOFF_CONSENT)
	yesLabel := res.Messages[len(res.Messages)-1].QuickReplies[0].Label
	res = c.press(t, handoff.QuickReplyYes)
	wantStatus(t, res, tandemv1.ConversationStatus_CONVERSATION_STATUS_AWAITING_EMAIL)
	if pressed := res.Messages[0]; pressed.Author != tandemv1.Author_AUTHOR_VISITOR || yesLabel == "" || pressed.Text != yesLabel {
		t.Fatalf("the pressed quick reply reads %q in the transcript; want its label %q", pressed.Text, yesLabel)
	}

	// A bad address is asked again; a good one hands off.
	res = c.say(t, "ann at example dot com")
	wantStatus(t, res, tandemv1.ConversationStatus_CONVERSATION_STATUS_AWAITING_EMAIL)
	if !strings.Contains(lastText(res), "doesn't look like an email") {
		t.Fatalf("a bad address got %q", lastText(res))
	}
	res = c.say(t, "sure, it's ann@example.com")
	wantStatus(t, res, tandemv1.ConversationStatus_CONVERSATION_STATUS_WITH_TEAM)
	if len(res.Messages) != 2 || !strings.Contains(res.Messages[1].Text, "team") {
		t.Fatalf("handing off said %v; want only that the team has it (an agent is online)", texts(res.Messages))
	}
	handoffID := res.Conversation.HandoffId
	if handoffID == "" || res.Conversation.Visitor.Email != "ann@example.com" {
		t.Fatalf("conversation after handoff: %v", res.Conversation)
	}

	support := env.client(domain.RoleSupport)
	list, err := support.Handoffs.ListHandoffs(ctx, connect.NewRequest(&tandemv1.ListHandoffsRequest{
		Statuses: []tandemv1.HandoffStatus{tandemv1.HandoffStatus_HANDOFF_STATUS_PENDING}}))
	if err != nil || len(list.Msg.Handoffs) != 1 || list.Msg.Handoffs[0].Id != handoffID {
		t.Fatalf("ListHandoffs = %v, %v; want the new handoff", list, err)
	}
	got := getHandoff(t, support, handoffID)
	h := got.Handoff
	if h.Reason != tandemv1.HandoffReason_HANDOFF_REASON_VISITOR_REQUESTED || h.TriggerQuestion != "Can I talk to a person about my parcel?" ||
		h.Email != "ann@example.com" || h.Destination != tandemv1.HandoffDestination_HANDOFF_DESTINATION_INBOX ||
		h.Status != tandemv1.HandoffStatus_HANDOFF_STATUS_PENDING || h.CreateTime == nil {
		t.Fatalf("handoff = %v", h)
	}
	if len(got.Messages) != int(got.Conversation.MessageCount) || len(got.Messages) < 9 || got.Messages[0].CreateTime == nil {
		t.Fatalf("the ticket's transcript has %d messages for a conversation of %d", len(got.Messages), got.Conversation.MessageCount)
	}

	// The agent claims; a second claim fails; the reply reaches the visitor live.
	events, _ := watch(t, ctx, c.visitor, c.id, res.Conversation.LastSequence)
	claimed, err := support.Handoffs.ClaimHandoff(ctx, connect.NewRequest(&tandemv1.ClaimHandoffRequest{HandoffId: handoffID}))
	if err != nil || claimed.Msg.Handoff.Status != tandemv1.HandoffStatus_HANDOFF_STATUS_CLAIMED || claimed.Msg.Handoff.Assignee.GetKeyId() == "" {
		t.Fatalf("ClaimHandoff = %v, %v", claimed, err)
	}
	_, err = env.client(domain.RoleManager).Handoffs.ClaimHandoff(ctx, connect.NewRequest(&tandemv1.ClaimHandoffRequest{HandoffId: handoffID}))
	wantCode(t, err, connect.CodeFailedPrecondition)
	_, err = env.client(domain.RoleManager).Handoffs.SendAgentMessage(ctx, connect.NewRequest(&tandemv1.SendAgentMessageRequest{
		HandoffId: handoffID, Text: "Not mine", IdempotencyKey: "manager-reply-1"}))
	wantCode(t, err, connect.CodePermissionDenied)

	send := func() *tandemv1.Message {
		r, err := support.Handoffs.SendAgentMessage(ctx, connect.NewRequest(&tandemv1.SendAgentMessageRequest{
			HandoffId: handoffID, Text: "Hi Ann, I'm looking at your parcel now.", IdempotencyKey: "agent-reply-1"}))
		if err != nil {
			t.Fatalf("SendAgentMessage: %v", err)
		}
		return r.Msg.Message
	}
	first, retried := send(), send()
	if first.Author != tandemv1.Author_AUTHOR_HUMAN_AGENT || first.Id != retried.Id {
		t.Fatalf("agent message %v, retried %v: want one human message", first, retried)
	}
	for {
		e := next(t, events)
		if m := e.GetMessage(); m != nil && m.Author == tandemv1.Author_AUTHOR_HUMAN_AGENT {
			if m.Id != first.Id || m.Text != first.Text {
				t.Fatalf("the visitor's stream got %v, want %v", m, first)
			}
			break
		}
	}

	// While a person owns the conversation the AI is silent.
	res = c.say(t, "thanks, I'll wait")
	if len(res.Messages) != 1 || res.Messages[0].Author != tandemv1.Author_AUTHOR_VISITOR {
		t.Fatalf("with a person in charge the reply was %v; want the visitor's message only", texts(res.Messages))
	}

	resolved, err := support.Handoffs.ResolveHandoff(ctx, connect.NewRequest(&tandemv1.ResolveHandoffRequest{HandoffId: handoffID, Note: "found it"}))
	if err != nil || resolved.Msg.Handoff.Status != tandemv1.HandoffStatus_HANDOFF_STATUS_RESOLVED || resolved.Msg.Handoff.ResolveTime == nil {
		t.Fatalf("ResolveHandoff = %v, %v", resolved, err)
	}
	res = c.say(t, "one more question")
	wantStatus(t, res, tandemv1.ConversationStatus_CONVERSATION_STATUS_AI_ACTIVE)
	if lastText(res) != "AI: one more question" {
		t.Fatalf("after resolution the reply was %v; want the AI's", texts(res.Messages))
	}
}

func TestDecliningThePersonKeepsTheAI(t *testing.T) {
	t.Parallel()
	env := newHandoffEnv(t)
	env.settings(t, inbox())
	c := startChat(t, env.Env, "")
	res := c.say(t, "Is my warranty still valid?")
	wantStatus(t, res, tandemv1.ConversationStatus_CONVERSATION_STATUS_AWAITING_HANDOFF_CONSENT)
	if res.Messages[1].Text != "I can't look up warranties." {
		t.Fatalf("the AI's own answer is missing: %v", texts(res.Messages))
	}
	wantStatus(t, c.say(t, "No thanks"), tandemv1.ConversationStatus_CONVERSATION_STATUS_AI_ACTIVE)
	if got := lastText(c.say(t, "where is my order")); got != "AI: where is my order" {
		t.Fatalf("after declining the reply was %q", got)
	}
	// Declining at the email step too.
	c = offerAccepted(t, env)
	wantStatus(t, c.press(t, handoff.QuickReplyNo), tandemv1.ConversationStatus_CONVERSATION_STATUS_AI_ACTIVE)
	list, err := env.client(domain.RoleOwner).Handoffs.ListHandoffs(t.Context(), connect.NewRequest(&tandemv1.ListHandoffsRequest{}))
	if err != nil || len(list.Msg.Handoffs) != 0 {
		t.Fatalf("ListHandoffs after two declines = %v, %v; want none", list, err)
	}
}

func TestAuthenticatedVisitorSkipsTheEmailStep(t *testing.T) {
	t.Parallel()
	env := newHandoffEnv(t)
	env.settings(t, inbox())
	c := startChat(t, env.Env, identityToken(t, env.Account.Account.IdentitySecret, "cust_42", "bo@example.com", time.Hour))
	c.say(t, "I need a person")
	res := c.say(t, "yes")
	wantStatus(t, res, tandemv1.ConversationStatus_CONVERSATION_STATUS_WITH_TEAM)
	h := getHandoff(t, env.client(domain.RoleSupport), res.Conversation.HandoffId).Handoff
	if h.ProfileId != "cust_42" || h.Email != "bo@example.com" {
		t.Fatalf("handoff = %v; want the profile id and email of the identity token", h)
	}
}

func TestInboxShowsAutoReplyOrOutOfHoursAtOnce(t *testing.T) {
	t.Parallel()
	env := newHandoffEnv(t)
	// Open all week, but today is a holiday: out of hours.
	closed := inbox()
	closed.OutOfHoursMessage = "We're closed today; we'll reply tomorrow."
	closed.BusinessHours = &tandemv1.BusinessHours{TimeZone: "UTC", Holidays: []string{time.Now().UTC().Format(time.DateOnly)}}
	for d := tandemv1.DayOfWeek_DAY_OF_WEEK_MONDAY; d <= tandemv1.DayOfWeek_DAY_OF_WEEK_SUNDAY; d++ {
		closed.BusinessHours.Weekly = append(closed.BusinessHours.Weekly, &tandemv1.OpeningHours{Day: d, Open: "00:00", Close: "24:00"})
	}
	env.settings(t, closed)
	res := offerAccepted(t, env).say(t, "cy@example.com")
	if got := res.Messages[len(res.Messages)-1]; got.Author != tandemv1.Author_AUTHOR_SYSTEM || got.Text != closed.OutOfHoursMessage {
		t.Fatalf("outside business hours the visitor saw %v", texts(res.Messages))
	}

	// Open, but nobody online: the auto-reply (the default text when none is set).
	env.settings(t, inbox())
	env.availability(t, domain.RoleSupport, tandemv1.AgentAvailability_AGENT_AVAILABILITY_AWAY)
	res = offerAccepted(t, env).say(t, "di@example.com")
	if got := lastText(res); got != handoff.DefaultAutoReply {
		t.Fatalf("with no agent online the visitor saw %v", texts(res.Messages))
	}
}

func TestCustomMessageShowsTheBrandsTextWithoutTicket(t *testing.T) {
	t.Parallel()
	env := newHandoffEnv(t)
	env.settings(t, &tandemv1.HandoffSettings{Method: tandemv1.HandoffMethod_HANDOFF_METHOD_CUSTOM_MESSAGE,
		CustomMessage: &tandemv1.CustomMessage{Text: "Write to help@brand.example", Links: []*tandemv1.Link{{Label: "Help centre", Url: "https://brand.example/help"}}}})
	res := startChat(t, env.Env, "").say(t, "get me a person")
	wantStatus(t, res, tandemv1.ConversationStatus_CONVERSATION_STATUS_AI_ACTIVE)
	last := res.Messages[len(res.Messages)-1]
	if last.Text != "Write to help@brand.example" || len(last.Links) != 1 || len(last.QuickReplies) != 0 {
		t.Fatalf("custom message = %v", last)
	}
	list, err := env.client(domain.RoleOwner).Handoffs.ListHandoffs(t.Context(), connect.NewRequest(&tandemv1.ListHandoffsRequest{}))
	if err != nil || len(list.Msg.Handoffs) != 0 {
		t.Fatalf("ListHandoffs = %v, %v; want no ticket", list, err)
	}
}

// fakeHelpdesk is a fake Zendesk or Gorgias.
type fakeHelpdesk struct {
	*helpdesktest.Fake
	destination tandemv1.HandoffDestination
	integration func(accountID string) domain.Integration
}

func helpdesks(t *testing.T) map[string]fakeHelpdesk {
	zd, gg := zendesktest.New(t), gorgiastest.New(t)
	return map[string]fakeHelpdesk{
		"zendesk": {zd.Fake, tandemv1.HandoffDestination_HANDOFF_DESTINATION_ZENDESK, zd.Integration},
		"gorgias": {gg.Fake, tandemv1.HandoffDestination_HANDOFF_DESTINATION_GORGIAS, gg.Integration},
	}
}

// waitDelivered waits until the handoffs are delivered and returns them.
func waitDelivered(t *testing.T, c *tandemclient.Client, ids []string, within time.Duration) map[string]*tandemv1.Handoff {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		delivered := map[string]*tandemv1.Handoff{}
		for _, id := range ids {
			if h := getHandoff(t, c, id).Handoff; h.Status == tandemv1.HandoffStatus_HANDOFF_STATUS_DELIVERED {
				delivered[id] = h
			}
		}
		if len(delivered) == len(ids) {
			return delivered
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d handoffs delivered within %v", len(delivered), len(ids), within)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestHelpdeskHandoffCreatesTheTicketAndEndsTheChat(t *testing.T) {
	t.Parallel()
	for name, hd := range helpdesks(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := newHandoffEnv(t)
			ctx := t.Context()
			settings := &tandemv1.HandoffSettings{Method: tandemv1.HandoffMethod_HANDOFF_METHOD_HELPDESK, Destination: hd.destination}
			_, err := env.client(domain.RoleAdmin).Handoffs.UpdateHandoffSettings(ctx, connect.NewRequest(&tandemv1.UpdateHandoffSettingsRequest{Settings: settings}))
			wantCode(t, err, connect.CodeFailedPrecondition)
			if !strings.Contains(strings.ToLower(err.Error()), name) {
				t.Fatalf("the refusal %q does not name %s", err, name)
			}
			env.integrations.connect(hd.integration(env.Account.Account.ID))
			env.settings(t, settings)

			c := offerAccepted(t, env)
			res := c.say(t, "eve@example.com")
			wantStatus(t, res, tandemv1.ConversationStatus_CONVERSATION_STATUS_CLOSED)
			if res.Conversation.Outcome != tandemv1.ConversationOutcome_CONVERSATION_OUTCOME_ROUTED_TO_TEAM || !strings.Contains(lastText(res), "by email at eve@example.com") {
				t.Fatalf("the chat ended with %v, outcome %v", texts(res.Messages), res.Conversation.Outcome)
			}
			id := res.Conversation.HandoffId
			h := waitDelivered(t, env.client(domain.RoleSupport), []string{id}, 20*time.Second)[id]
			tickets := hd.Find(id)
			if len(tickets) != 1 || h.ExternalTicketId != fmt.Sprint(tickets[0].ID) || h.TicketStatus != tandemv1.TicketStatus_TICKET_STATUS_OPEN {
				t.Fatalf("handoff %v, tickets %v", h, tickets)
			}
			body := tickets[0].Body
			if tickets[0].Email != "eve@example.com" || !strings.Contains(body, "] Visitor: Can I talk to a person about my parcel?") ||
				!strings.Contains(body, "Question: Can I talk to a person") || !strings.Contains(body, time.Now().UTC().Format("[2006-01-02")) {
				t.Fatalf("ticket = %+v", tickets[0])
			}
			if p := hd.Problems(); len(p) > 0 {
				t.Fatalf("the fake %s saw requests it would refuse: %v", name, p)
			}

			// The partner reports the ticket solved by its own id; another account cannot.
			helpdeskKey := env.client(domain.RoleHelpdesk)
			other := env.Client(env.NewAccount(t, "Other").Secret(domain.RoleHelpdesk))
			report := connect.NewRequest(&tandemv1.UpdateTicketStatusRequest{
				Ticket: &tandemv1.UpdateTicketStatusRequest_ExternalTicketId{ExternalTicketId: h.ExternalTicketId},
				Status: tandemv1.TicketStatus_TICKET_STATUS_SOLVED})
			_, err = other.Handoffs.UpdateTicketStatus(ctx, report)
			wantCode(t, err, connect.CodeNotFound)
			_, err = other.Handoffs.GetHandoff(ctx, connect.NewRequest(&tandemv1.GetHandoffRequest{HandoffId: id}))
			wantCode(t, err, connect.CodeNotFound)
			updated, err := helpdeskKey.Handoffs.UpdateTicketStatus(ctx, report)
			if err != nil || updated.Msg.Handoff.TicketStatus != tandemv1.TicketStatus_TICKET_STATUS_SOLVED ||
				updated.Msg.Handoff.Status != tandemv1.HandoffStatus_HANDOFF_STATUS_RESOLVED || updated.Msg.Handoff.ResolveTime == nil {
				t.Fatalf("UpdateTicketStatus = %v, %v", updated, err)
			}
		})
	}
}

func TestDeliveryUnderHelpdeskFailuresMakesExactlyOneTicketEach(t *testing.T) {
	t.Parallel()
	const n = 12
	for name, hd := range helpdesks(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := newHandoffEnv(t)
			env.integrations.connect(hd.integration(env.Account.Account.ID))
			env.settings(t, &tandemv1.HandoffSettings{Method: tandemv1.HandoffMethod_HANDOFF_METHOD_HELPDESK, Destination: hd.destination})
			// Every kind of failure first, then one call in three fails.
			hd.Hang = 1500 * time.Millisecond
			hd.Script(helpdesktest.FaultDropAfterCommit, helpdesktest.Fault500, helpdesktest.Fault429,
				helpdesktest.FaultHang, helpdesktest.FaultDrop, helpdesktest.FaultDropAfterCommit)
			hd.SetFailureRate(0.3)
			ids := make([]string, n)
			for i := range ids {
				res := offerAccepted(t, env).say(t, fmt.Sprintf("v%d@example.com", i))
				ids[i] = res.Conversation.HandoffId
			}
			delivered := waitDelivered(t, env.client(domain.RoleOwner), ids, 60*time.Second)
			if got := len(hd.Tickets()); got != n || hd.Duplicates() != 0 {
				t.Fatalf("%d tickets, %d duplicates for %d handoffs (faults injected %v)", got, hd.Duplicates(), n, hd.Injected())
			}
			for _, id := range ids {
				if tickets := hd.Find(id); len(tickets) != 1 || fmt.Sprint(tickets[0].ID) != delivered[id].ExternalTicketId {
					t.Fatalf("handoff %s has tickets %v and external id %q", id, tickets, delivered[id].ExternalTicketId)
				}
			}
			if p := hd.Problems(); len(p) > 0 {
				t.Fatalf("the fake saw requests it would refuse: %v", p)
			}
			for _, f := range []helpdesktest.Fault{helpdesktest.Fault500, helpdesktest.Fault429, helpdesktest.FaultHang, helpdesktest.FaultDrop, helpdesktest.FaultDropAfterCommit} {
				if hd.Injected()[f] == 0 {
					t.Errorf("no %s fault was injected", f)
				}
			}
		})
	}
}

func TestOnlyOneOfConcurrentClaimsWins(t *testing.T) {
	t.Parallel()
	env := newHandoffEnv(t)
	env.settings(t, inbox())
	id := offerAccepted(t, env).say(t, "fay@example.com").Conversation.HandoffId
	claimers := []*tandemclient.Client{env.client(domain.RoleSupport), env.client(domain.RoleManager), env.client(domain.RoleAdmin), env.client(domain.RoleOwner)}
	errs := make(chan error, len(claimers))
	start := make(chan struct{})
	for _, c := range claimers {
		go func() {
			<-start
			_, err := c.Handoffs.ClaimHandoff(t.Context(), connect.NewRequest(&tandemv1.ClaimHandoffRequest{HandoffId: id}))
			errs <- err
		}()
	}
	close(start)
	wins := 0
	for range claimers {
		switch err := <-errs; {
		case err == nil:
			wins++
		case connect.CodeOf(err) != connect.CodeFailedPrecondition:
			t.Fatalf("a claim failed with %v; want FailedPrecondition", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d claims won, want 1", wins)
	}
	got := getHandoff(t, env.client(domain.RoleOwner), id)
	joined := 0
	for _, m := range got.Messages {
		if strings.HasSuffix(m.Text, "joined the chat.") {
			joined++
		}
	}
	if joined != 1 {
		t.Fatalf("%d 'joined the chat' messages, want 1", joined)
	}
}

func TestHandoffServicePermissions(t *testing.T) {
	t.Parallel()
	env := newHandoffEnv(t)
	env.settings(t, inbox())
	ctx := t.Context()
	id := offerAccepted(t, env).say(t, "gil@example.com").Conversation.HandoffId
	other := env.NewAccount(t, "Other Brand")
	visitor := startChat(t, env.Env, "").token

	rpcs := map[string]func(c *tandemclient.Client) error{
		"GetHandoffSettings": func(c *tandemclient.Client) error {
			_, err := c.Handoffs.GetHandoffSettings(ctx, connect.NewRequest(&tandemv1.GetHandoffSettingsRequest{}))
			return err
		},
		"UpdateHandoffSettings": func(c *tandemclient.Client) error {
			_, err := c.Handoffs.UpdateHandoffSettings(ctx, connect.NewRequest(&tandemv1.UpdateHandoffSettingsRequest{Settings: inbox()}))
			return err
		},
		"ListHandoffs": func(c *tandemclient.Client) error {
			_, err := c.Handoffs.ListHandoffs(ctx, connect.NewRequest(&tandemv1.ListHandoffsRequest{}))
			return err
		},
		"GetHandoff": func(c *tandemclient.Client) error {
			_, err := c.Handoffs.GetHandoff(ctx, connect.NewRequest(&tandemv1.GetHandoffRequest{HandoffId: id}))
			return err
		},
		"SetAgentAvailability": func(c *tandemclient.Client) error {
			_, err := c.Handoffs.SetAgentAvailability(ctx, connect.NewRequest(&tandemv1.SetAgentAvailabilityRequest{Availability: tandemv1.AgentAvailability_AGENT_AVAILABILITY_AWAY}))
			return err
		},
		"ClaimHandoff": func(c *tandemclient.Client) error {
			_, err := c.Handoffs.ClaimHandoff(ctx, connect.NewRequest(&tandemv1.ClaimHandoffRequest{HandoffId: id}))
			return err
		},
		"SendAgentMessage": func(c *tandemclient.Client) error {
			_, err := c.Handoffs.SendAgentMessage(ctx, connect.NewRequest(&tandemv1.SendAgentMessageRequest{HandoffId: id, Text: "hi", IdempotencyKey: "perm-test-1"}))
			return err
		},
		"ResolveHandoff": func(c *tandemclient.Client) error {
			_, err := c.Handoffs.ResolveHandoff(ctx, connect.NewRequest(&tandemv1.ResolveHandoffRequest{HandoffId: id}))
			return err
		},
		"UpdateTicketStatus": func(c *tandemclient.Client) error {
			_, err := c.Handoffs.UpdateTicketStatus(ctx, connect.NewRequest(&tandemv1.UpdateTicketStatusRequest{
				Ticket: &tandemv1.UpdateTicketStatusRequest_HandoffId{HandoffId: id}, Status: tandemv1.TicketStatus_TICKET_STATUS_PENDING}))
			return err
		},
	}
	denied, notFound := connect.CodePermissionDenied, connect.CodeNotFound
	tests := []struct {
		rpc        string
		credential string
		want       connect.Code // 0: allowed
	}{
		{"GetHandoffSettings", env.Key(domain.RoleAnalyst), 0},
		{"GetHandoffSettings", env.Key(domain.RoleHelpdesk), denied},
		{"GetHandoffSettings", visitor, denied},
		{"UpdateHandoffSettings", env.Key(domain.RoleManager), denied},
		{"UpdateHandoffSettings", env.Key(domain.RoleAdmin), 0},
		{"ListHandoffs", env.Key(domain.RoleAnalyst), denied},
		{"ListHandoffs", env.Key(domain.RoleHelpdesk), denied},
		{"ListHandoffs", env.Key(domain.RoleService), denied},
		{"ListHandoffs", env.Key(domain.RoleSupport), 0},
		{"GetHandoff", env.Key(domain.RoleAnalyst), denied},
		{"GetHandoff", env.Key(domain.RoleHelpdesk), 0},
		{"GetHandoff", other.Secret(domain.RoleHelpdesk), notFound},
		{"GetHandoff", other.Secret(domain.RoleSupport), notFound},
		{"SetAgentAvailability", env.Key(domain.RoleAnalyst), denied},
		{"SetAgentAvailability", env.Key(domain.RoleHelpdesk), denied},
		{"SetAgentAvailability", env.Key(domain.RoleManager), 0},
		{"ClaimHandoff", env.Key(domain.RoleAnalyst), denied},
		{"ClaimHandoff", env.Key(domain.RoleHelpdesk), denied},
		{"ClaimHandoff", visitor, denied},
		{"ClaimHandoff", other.Secret(domain.RoleSupport), notFound},
		{"SendAgentMessage", env.Key(domain.RoleHelpdesk), denied},
		{"SendAgentMessage", other.Secret(domain.RoleSupport), notFound},
		{"ResolveHandoff", env.Key(domain.RoleAnalyst), denied},
		{"ResolveHandoff", env.Key(domain.RoleHelpdesk), denied},
		{"ResolveHandoff", other.Secret(domain.RoleOwner), notFound},
		{"UpdateTicketStatus", env.Key(domain.RoleOwner), denied},
		{"UpdateTicketStatus", env.Key(domain.RoleSupport), denied},
		{"UpdateTicketStatus", other.Secret(domain.RoleHelpdesk), notFound},
		{"UpdateTicketStatus", env.Key(domain.RoleHelpdesk), 0},
	}
	for _, tt := range tests {
		err := rpcs[tt.rpc](env.Client(tt.credential))
		if (tt.want == 0 && err != nil) || (tt.want != 0 && connect.CodeOf(err) != tt.want) {
			t.Errorf("%s with %.10s…: got %v, want %v", tt.rpc, tt.credential, err, tt.want)
		}
	}
}
