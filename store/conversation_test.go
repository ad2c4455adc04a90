package store_test

import (
	"cmp"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/store"
)

// reply returns the change that answers c's visitor: a skill change and the AI's
// answer with a card, quick replies and links.
func reply(c domain.Conversation, key string) domain.ConversationChange {
	next := c
	next.ActiveSkill = domain.SkillOrderTracking
	next.UpdatedAt = c.UpdatedAt.Add(time.Minute)
	visitor := messageEvent(c, c.LastSequence+1, domain.AuthorVisitor, "It's order #1001")
	answer := messageEvent(c, c.LastSequence+3, domain.AuthorAIAgent, "It ships tomorrow.")
	answer.Message.Skill = domain.SkillOrderTracking
	answer.Message.Card = &domain.Card{Type: domain.CardOrder, Title: "#1001", Order: &domain.OrderCard{
		OrderID: "1", Number: "#1001", Status: "unfulfilled", PlacedAt: base,
		Total: domain.Money{MinorUnits: 4200, Currency: "EUR"},
	}}
	answer.Message.QuickReplies = []domain.QuickReply{{ID: "thanks", Label: "Thanks"}}
	answer.Message.Links = []domain.Link{{Label: "Track", URL: "https://example.com/track"}}
	next.LastSequence = c.LastSequence + 3
	next.MessageCount = c.MessageCount + 2
	return domain.ConversationChange{
		Conversation:     next,
		ExpectedSequence: c.LastSequence,
		IdempotencyKey:   key,
		Events: []domain.Event{
			visitor,
			{Sequence: c.LastSequence + 2, Type: domain.EventSkillChanged, CreatedAt: next.UpdatedAt,
				SkillChange: &domain.SkillChange{To: domain.SkillOrderTracking, Confidence: 0.9}},
			answer,
		},
	}
}

func TestConversation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, _, _ := createAccount(t, b)
	c := createConversation(t, b, a.ID, &conversationOpts{Email: "ann@example.com"})

	got, err := b.store.Conversation(b.ctx, a.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("Conversation =\n%+v, want\n%+v", got, c)
	}
	wantCode(t, b.store.CreateConversation(b.ctx, c, nil), domain.EConflict)

	ch := reply(c, "")
	ch.Conversation.Status = domain.StatusClosed
	ch.Conversation.ClosedAt = base.Add(time.Hour)
	ch.Conversation.ClosedBy = domain.Actor{Kind: domain.ActorStaff, KeyID: "k", Name: "Bob"}
	ch.Conversation.Outcome = domain.OutcomeResolved
	ch.Conversation.HandoffID = newID()
	if err := b.store.ApplyChange(b.ctx, ch); err != nil {
		t.Fatal(err)
	}
	got, err = b.store.Conversation(b.ctx, a.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ch.Conversation) {
		t.Errorf("after ApplyChange =\n%+v, want\n%+v", got, ch.Conversation)
	}

	messages, err := b.store.Messages(b.ctx, a.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Message{*ch.Events[0].Message, *ch.Events[2].Message}
	if len(messages) != 3 || !reflect.DeepEqual(messages[1:], want) {
		t.Errorf("Messages = %+v, want the first and then %+v", messages, want)
	}
	recent, err := b.store.RecentMessages(b.ctx, a.ID, c.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(recent, want) {
		t.Errorf("RecentMessages = %+v, want %+v", recent, want)
	}
}

func TestAccountIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, _, _ := createAccount(t, b)
	other, _, _ := createAccount(t, b)
	c := createConversation(t, b, a.ID, nil)
	mine := createConversation(t, b, other.ID, nil)

	_, err := b.store.Conversation(b.ctx, other.ID, c.ID)
	wantCode(t, err, domain.ENotFound)

	list, err := b.store.ListConversations(b.ctx, other.ID, domain.ConversationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != mine.ID {
		t.Errorf("ListConversations of the other account = %+v, want only %s", list, mine.ID)
	}

	ch := reply(c, "")
	ch.Conversation.AccountID = other.ID
	wantCode(t, b.store.ApplyChange(b.ctx, ch), domain.ENotFound)

	messages, err := b.store.Messages(b.ctx, other.ID, c.ID)
	if err != nil || len(messages) != 0 {
		t.Errorf("Messages through the other account = %v, %v, want none", messages, err)
	}
	events, err := b.store.EventsAfter(b.ctx, other.ID, c.ID, 0, 10)
	if err != nil || len(events) != 0 {
		t.Errorf("EventsAfter through the other account = %v, %v, want none", events, err)
	}
	stream := waitEvents(t, b, other.ID, domain.EventFilter{}, 2)
	for _, e := range stream {
		if e.ConversationID != mine.ID {
			t.Errorf("AccountEvents of the other account has an event of %s", e.ConversationID)
		}
	}
}

func TestApplyChangeConflict(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, _, _ := createAccount(t, b)
	c := createConversation(t, b, a.ID, nil)

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = b.store.ApplyChange(b.ctx, reply(c, "")) })
	}
	wg.Wait()
	var won, lost int
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, store.ErrConcurrentChange) && domain.CodeOf(err) == domain.EConflict:
			lost++
		default:
			t.Errorf("ApplyChange: %v", err)
		}
	}
	if won != 1 || lost != 1 {
		t.Fatalf("%d changes won and %d lost, want one each", won, lost)
	}
	got, err := b.store.Conversation(b.ctx, a.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastSequence != 5 || got.MessageCount != 3 {
		t.Errorf("LastSequence, MessageCount = %d, %d, want 5, 3", got.LastSequence, got.MessageCount)
	}

	wantCode(t, b.store.ApplyChange(b.ctx, reply(c, "")), domain.EConflict)
	gap := reply(got, "")
	gap.Events = gap.Events[1:]
	if err := b.store.ApplyChange(b.ctx, gap); err == nil {
		t.Error("ApplyChange took events that do not follow ExpectedSequence")
	}
}

func TestTurn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, _, _ := createAccount(t, b)
	c := createConversation(t, b, a.ID, nil)

	ch := reply(c, "key-1")
	if err := b.store.ApplyChange(b.ctx, ch); err != nil {
		t.Fatal(err)
	}
	turn, err := b.store.Turn(b.ctx, a.ID, c.ID, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Message{*ch.Events[0].Message, *ch.Events[2].Message}
	if !reflect.DeepEqual(turn, want) {
		t.Errorf("Turn =\n%+v, want\n%+v", turn, want)
	}

	retry := reply(ch.Conversation, "key-1")
	err = b.store.ApplyChange(b.ctx, retry)
	if !errors.Is(err, store.ErrDuplicateTurn) || domain.CodeOf(err) != domain.EConflict {
		t.Errorf("ApplyChange with a used key = %v, want ErrDuplicateTurn", err)
	}
	if got, _ := b.store.Conversation(b.ctx, a.ID, c.ID); got.LastSequence != ch.Conversation.LastSequence {
		t.Errorf("the rejected turn was stored: LastSequence = %d", got.LastSequence)
	}
	if err := b.store.ApplyChange(b.ctx, reply(ch.Conversation, "key-2")); err != nil {
		t.Errorf("ApplyChange with a new key: %v", err)
	}

	_, err = b.store.Turn(b.ctx, a.ID, c.ID, "never")
	wantCode(t, err, domain.ENotFound)
	other, _, _ := createAccount(t, b)
	_, err = b.store.Turn(b.ctx, other.ID, c.ID, "key-1")
	wantCode(t, err, domain.ENotFound)
}

func TestListConversations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, _, _ := createAccount(t, b)
	var all []domain.Conversation // newest first
	for i := range 5 {
		opts := &conversationOpts{CreatedAt: base.Add(time.Duration(i) * time.Minute)}
		if i%2 == 1 {
			opts.Channel, opts.Status, opts.Skill, opts.Email = domain.ChannelSMS, domain.StatusClosed, domain.SkillLoyalty, "Ann@Example.com"
		}
		all = append([]domain.Conversation{createConversation(t, b, a.ID, opts)}, all...)
	}
	// Conversations created at the same time are ordered by id.
	all = append(all, createConversation(t, b, a.ID, &conversationOpts{CreatedAt: base}))
	slices.SortFunc(all, func(x, y domain.Conversation) int {
		return cmp.Or(y.CreatedAt.Compare(x.CreatedAt), strings.Compare(y.ID, x.ID))
	})

	var pages []domain.Conversation
	f := domain.ConversationFilter{Limit: 2}
	for {
		page, err := b.store.ListConversations(b.ctx, a.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		pages = append(pages, page...)
		last := page[len(page)-1]
		f.After = &domain.Position{CreatedAt: last.CreatedAt, ID: last.ID}
		// A conversation starting meanwhile is newer than every page; it does not shift them.
		createConversation(t, b, a.ID, &conversationOpts{CreatedAt: base.Add(time.Hour)})
	}
	if ids(pages) != ids(all) {
		t.Errorf("pages = %s, want %s", ids(pages), ids(all))
	}

	for _, tc := range []struct {
		name   string
		filter domain.ConversationFilter
		want   []domain.Conversation
	}{
		{"status", domain.ConversationFilter{Statuses: []domain.Status{domain.StatusClosed}}, []domain.Conversation{all[1], all[3]}},
		{"channel", domain.ConversationFilter{Channels: []domain.Channel{domain.ChannelSMS, domain.ChannelEmail}}, []domain.Conversation{all[1], all[3]}},
		{"skill", domain.ConversationFilter{Skills: []domain.SkillID{domain.SkillLoyalty}}, []domain.Conversation{all[1], all[3]}},
		{"email", domain.ConversationFilter{VisitorEmail: "ann@example.COM"}, []domain.Conversation{all[1], all[3]}},
		{"range", domain.ConversationFilter{From: all[3].CreatedAt, To: all[1].CreatedAt}, []domain.Conversation{all[2], all[3]}},
		{"limit", domain.ConversationFilter{Statuses: []domain.Status{domain.StatusAIActive}, From: base, To: base.Add(time.Hour), Limit: 1}, []domain.Conversation{all[0]}},
	} {
		got, err := b.store.ListConversations(b.ctx, a.ID, tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if ids(got) != ids(tc.want) {
			t.Errorf("%s: got %s, want %s", tc.name, ids(got), ids(tc.want))
		}
	}
}

// ids returns the conversations' short ids, to compare orders.
func ids(conversations []domain.Conversation) string {
	var s string
	for _, c := range conversations {
		s += c.ID[:8] + " "
	}
	return s
}
