package store_test

import (
	"encoding/base64"
	"reflect"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// waitEvents reads the account's stream until it returns at least n events. The
// stream holds events back while an older transaction runs anywhere on the server,
// such as in a parallel test.
func waitEvents(t *testing.T, b *testBundle, accountID string, f domain.EventFilter, n int) []domain.Event {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		events, err := b.store.AccountEvents(b.ctx, accountID, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) >= n || time.Now().After(deadline) {
			return events
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestEventsAfter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, _, _ := createAccount(t, b)
	c := createConversation(t, b, a.ID, nil)
	ch := reply(c, "")
	ch.Conversation.Status = domain.StatusWithTeam
	ch.Events = append(ch.Events, domain.Event{
		Sequence: 6, Type: domain.EventStatusChanged, CreatedAt: base,
		StatusChange: &domain.StatusChange{From: domain.StatusAIActive, To: domain.StatusWithTeam},
	})
	ch.Conversation.LastSequence = 6
	if err := b.store.ApplyChange(b.ctx, ch); err != nil {
		t.Fatal(err)
	}

	events, err := b.store.EventsAfter(b.ctx, a.ID, c.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 6 {
		t.Fatalf("got %d events, want 6", len(events))
	}
	for i, e := range events {
		if e.Sequence != int64(i+1) || e.AccountID != a.ID || e.ConversationID != c.ID || e.Channel != c.Channel || e.Cursor == "" {
			t.Errorf("event %d = %+v", i, e)
		}
	}
	started := events[0].Conversation
	if events[0].Type != domain.EventConversationStarted || started == nil || started.ID != c.ID || !started.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("first event = %+v, want the start with the conversation", events[0])
	}
	if m := events[1].Message; m == nil || m.Text != "Where is my order?" || m.Sequence != 2 {
		t.Errorf("second event's message = %+v", m)
	}
	for i, want := range ch.Events {
		got := events[i+2]
		if got.Type != want.Type || !reflect.DeepEqual(got.Message, want.Message) ||
			!reflect.DeepEqual(got.SkillChange, want.SkillChange) || !reflect.DeepEqual(got.StatusChange, want.StatusChange) {
			t.Errorf("event %d =\n%+v, want\n%+v", got.Sequence, got, want)
		}
	}

	page, err := b.store.EventsAfter(b.ctx, a.ID, c.ID, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].Sequence != 4 || page[1].Sequence != 5 {
		t.Errorf("EventsAfter(3, limit 2) = %+v, want events 4 and 5", page)
	}
}

func TestAccountEvents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, _, _ := createAccount(t, b)
	first := createConversation(t, b, a.ID, nil)
	second := createConversation(t, b, a.ID, &conversationOpts{Channel: domain.ChannelSMS})
	if err := b.store.ApplyChange(b.ctx, reply(first, "")); err != nil {
		t.Fatal(err)
	}
	all := waitEvents(t, b, a.ID, domain.EventFilter{}, 7)
	if len(all) != 7 {
		t.Fatalf("got %d events, want 7", len(all))
	}
	var want []string
	for _, e := range all {
		want = append(want, e.ConversationID[:8]+string(e.Type))
	}

	// Resuming from each page's last cursor yields every event once, in order.
	var got []string
	f := domain.EventFilter{Limit: 3}
	for {
		page, err := b.store.AccountEvents(b.ctx, a.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			got = append(got, e.ConversationID[:8]+string(e.Type))
		}
		f.AfterCursor = page[len(page)-1].Cursor
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paged stream =\n%v, want\n%v", got, want)
	}
	if all[2].ConversationID != second.ID || all[3].Message == nil || all[3].Message.Text != "Where is my order?" {
		t.Errorf("events of the second conversation = %+v, %+v", all[2], all[3])
	}

	messages, err := b.store.AccountEvents(b.ctx, a.ID, domain.EventFilter{
		Types: []domain.EventType{domain.EventMessageAdded}, Channels: []domain.Channel{domain.ChannelWebchat},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(messages) != 3 {
		t.Errorf("webchat message events = %d, want 3", len(messages))
	}
	for _, e := range messages {
		if e.Message == nil || e.ConversationID != first.ID {
			t.Errorf("filtered event = %+v", e)
		}
	}

	for _, cursor := range []string{"nope", "MTIz", base64.RawURLEncoding.EncodeToString([]byte("12:x")), all[0].Cursor + "="} {
		_, err := b.store.AccountEvents(b.ctx, a.ID, domain.EventFilter{AfterCursor: cursor})
		wantCode(t, err, domain.EInvalid)
	}
}

// TestAccountEventsLateCommit checks that an event written by a transaction that
// started before another but commits after it is not skipped by a reader that
// resumes from the other transaction's events.
func TestAccountEventsLateCommit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, _, _ := createAccount(t, b)
	early := createConversation(t, b, a.ID, nil)
	late := createConversation(t, b, a.ID, nil)
	start := waitEvents(t, b, a.ID, domain.EventFilter{}, 4)
	cursor := start[len(start)-1].Cursor

	tx, err := b.pool.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(b.ctx)
	_, err = tx.Exec(b.ctx, `INSERT INTO conversation_events (account_id, conversation_id, sequence, channel, type, created_at)
		VALUES ($1, $2, 3, 'webchat', 'handoff_updated', now())`, a.ID, early.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.store.ApplyChange(b.ctx, reply(late, "")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	held, err := b.store.AccountEvents(b.ctx, a.ID, domain.EventFilter{AfterCursor: cursor})
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 0 {
		t.Fatalf("while an older transaction runs the stream returned %+v", held)
	}
	if err := tx.Commit(b.ctx); err != nil {
		t.Fatal(err)
	}

	events := waitEvents(t, b, a.ID, domain.EventFilter{AfterCursor: cursor}, 4)
	var got []string
	for _, e := range events {
		got = append(got, e.ConversationID[:8]+string(e.Type))
	}
	want := []string{early.ID[:8] + "handoff_updated", late.ID[:8] + "message_added", late.ID[:8] + "skill_changed", late.ID[:8] + "message_added"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stream after the commits = %v, want %v", got, want)
	}
}

func TestLatestCursor(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, _, _ := createAccount(t, b)
	c := createConversation(t, b, a.ID, nil)
	waitEvents(t, b, a.ID, domain.EventFilter{}, 2)

	latest, err := b.store.LatestCursor(b.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	old, err := b.store.AccountEvents(b.ctx, a.ID, domain.EventFilter{AfterCursor: latest})
	if err != nil || len(old) != 0 {
		t.Fatalf("events after the latest cursor = %+v, %v, want none", old, err)
	}
	if err := b.store.ApplyChange(b.ctx, reply(c, "")); err != nil {
		t.Fatal(err)
	}
	events := waitEvents(t, b, a.ID, domain.EventFilter{AfterCursor: latest}, 3)
	if len(events) != 3 || events[0].Sequence != 3 {
		t.Errorf("events after the latest cursor = %+v, want the 3 new ones", events)
	}
}
