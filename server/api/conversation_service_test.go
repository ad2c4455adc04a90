package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/golang-jwt/jwt/v5"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/app/apptest"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/ratelimit"
)

// chat is a web chat conversation started through the widget's site key.
type chat struct {
	id      string
	token   string
	visitor *tandemclient.Client
	start   *tandemv1.StartConversationResponse
}

func startChat(t *testing.T, env *apptest.Env, identityToken string) chat {
	t.Helper()
	res, err := env.Client(env.Account.Account.SiteKey).Conversations.StartConversation(t.Context(),
		connect.NewRequest(&tandemv1.StartConversationRequest{Channel: tandemv1.Channel_CHANNEL_WEBCHAT, IdentityToken: identityToken}))
	if err != nil {
		t.Fatalf("StartConversation: %v", err)
	}
	return chat{id: res.Msg.Conversation.Id, token: res.Msg.VisitorToken, visitor: env.Client(res.Msg.VisitorToken), start: res.Msg}
}

func (c chat) send(t *testing.T, key, text string) (*tandemv1.SendMessageResponse, error) {
	t.Helper()
	res, err := c.visitor.Conversations.SendMessage(t.Context(), connect.NewRequest(&tandemv1.SendMessageRequest{
		ConversationId: c.id, IdempotencyKey: key, Content: &tandemv1.SendMessageRequest_Text{Text: text}}))
	if err != nil {
		return nil, err
	}
	return res.Msg, nil
}

func identityToken(t *testing.T, secret, profileID, email string, ttl time.Duration) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": profileID, "email": email, "exp": time.Now().Add(ttl).Unix(),
	}).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func wantCode(t *testing.T, err error, want connect.Code) {
	t.Helper()
	if connect.CodeOf(err) != want {
		t.Fatalf("got %v, want %v", err, want)
	}
}

func TestStartConversation(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	ctx := t.Context()
	secret := env.Account.Account.IdentitySecret

	t.Run("web chat greets an anonymous visitor", func(t *testing.T) {
		c := startChat(t, env, "")
		conv := c.start.Conversation
		if conv.Status != tandemv1.ConversationStatus_CONVERSATION_STATUS_AI_ACTIVE || conv.Visitor.Authenticated {
			t.Fatalf("conversation = %v", conv)
		}
		if len(c.start.Messages) != 1 || c.start.Messages[0].Text != "Hello from Test Outfitters" || c.start.Messages[0].Author != tandemv1.Author_AUTHOR_AI_AGENT {
			t.Fatalf("greeting = %v", c.start.Messages)
		}
		if c.start.VisitorTokenExpireTime.AsTime().Before(time.Now().Add(23 * time.Hour)) {
			t.Fatalf("token expires at %v, want about a day from now", c.start.VisitorTokenExpireTime.AsTime())
		}
	})
	t.Run("a signed identity token authenticates the visitor", func(t *testing.T) {
		c := startChat(t, env, identityToken(t, secret, "cust_42", "ada@example.com", time.Hour))
		v := c.start.Conversation.Visitor
		if !v.Authenticated || v.ProfileId != "cust_42" || v.Email != "ada@example.com" {
			t.Fatalf("visitor = %v", v)
		}
	})
	for name, tok := range map[string]string{
		"expired":        identityToken(t, secret, "cust_42", "ada@example.com", -time.Minute),
		"wrong secret":   identityToken(t, "not-the-secret", "cust_42", "ada@example.com", time.Hour),
		"no profile id":  identityToken(t, secret, "", "ada@example.com", time.Hour),
		"not even a JWT": "aaa.bbb.ccc",
	} {
		t.Run("refuses an identity token: "+name, func(t *testing.T) {
			_, err := env.Client(env.Account.Account.SiteKey).Conversations.StartConversation(ctx,
				connect.NewRequest(&tandemv1.StartConversationRequest{Channel: tandemv1.Channel_CHANNEL_WEBCHAT, IdentityToken: tok}))
			wantCode(t, err, connect.CodeInvalidArgument)
		})
	}
	t.Run("the gateway starts SMS with the sender's number", func(t *testing.T) {
		res, err := env.Client(env.Key(domain.RoleService)).Conversations.StartConversation(ctx, connect.NewRequest(&tandemv1.StartConversationRequest{
			Channel: tandemv1.Channel_CHANNEL_SMS, SenderAddress: "+14155550123"}))
		if err != nil {
			t.Fatal(err)
		}
		if res.Msg.Conversation.Visitor.Address != "+14155550123" || res.Msg.Conversation.Channel != tandemv1.Channel_CHANNEL_SMS {
			t.Fatalf("conversation = %v", res.Msg.Conversation)
		}
	})
	t.Run("SMS needs a phone number", func(t *testing.T) {
		_, err := env.Client(env.Key(domain.RoleService)).Conversations.StartConversation(ctx, connect.NewRequest(&tandemv1.StartConversationRequest{
			Channel: tandemv1.Channel_CHANNEL_SMS, SenderAddress: "not a number"}))
		wantCode(t, err, connect.CodeInvalidArgument)
	})
	t.Run("the site key cannot start SMS", func(t *testing.T) {
		_, err := env.Client(env.Account.Account.SiteKey).Conversations.StartConversation(ctx, connect.NewRequest(&tandemv1.StartConversationRequest{
			Channel: tandemv1.Channel_CHANNEL_SMS, SenderAddress: "+14155550123"}))
		wantCode(t, err, connect.CodePermissionDenied)
	})
	t.Run("an analyst cannot start conversations", func(t *testing.T) {
		_, err := env.Client(env.Key(domain.RoleAnalyst)).Conversations.StartConversation(ctx, connect.NewRequest(&tandemv1.StartConversationRequest{
			Channel: tandemv1.Channel_CHANNEL_EMAIL, SenderAddress: "ada@example.com"}))
		wantCode(t, err, connect.CodePermissionDenied)
	})
}

func TestSendMessage(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{Agent: noteTaker{}})
	ctx := t.Context()
	c := startChat(t, env, "")

	first, err := c.send(t, "turn-0001", "  Where is my order?  ")
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Messages) != 2 || first.Messages[0].Text != "Where is my order?" || first.Messages[0].Author != tandemv1.Author_AUTHOR_VISITOR ||
		first.Messages[1].Author != tandemv1.Author_AUTHOR_AI_AGENT || first.Messages[1].Sequence != first.Messages[0].Sequence+1 {
		t.Fatalf("messages = %v", first.Messages)
	}
	if first.Conversation.Status != tandemv1.ConversationStatus_CONVERSATION_STATUS_AI_ACTIVE {
		t.Fatalf("the turn must leave the conversation with the AI, got %v", first.Conversation.Status)
	}

	t.Run("a retry with the same key returns the original turn and writes nothing", func(t *testing.T) {
		again, err := c.send(t, "turn-0001", "Where is my order?")
		if err != nil {
			t.Fatal(err)
		}
		for i := range first.Messages {
			if again.Messages[i].Id != first.Messages[i].Id || again.Messages[i].Sequence != first.Messages[i].Sequence {
				t.Fatalf("retry returned %v, want %v", again.Messages, first.Messages)
			}
		}
		got, err := c.visitor.Conversations.GetConversation(ctx, connect.NewRequest(&tandemv1.GetConversationRequest{ConversationId: c.id}))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Msg.Messages) != 3 {
			t.Fatalf("transcript has %d messages after a retry, want 3 (greeting + turn)", len(got.Msg.Messages))
		}
	})
	t.Run("blank text is refused naming the field", func(t *testing.T) {
		_, err := c.send(t, "turn-0002", " \n\t ")
		wantCode(t, err, connect.CodeInvalidArgument)
		if !contains(violatedFields(err), "text") {
			t.Fatalf("violations %v do not name text", violatedFields(err))
		}
	})
	t.Run("too long text is refused", func(t *testing.T) {
		_, err := c.send(t, "turn-0003", string(make([]byte, 4001)))
		wantCode(t, err, connect.CodeInvalidArgument)
	})
	t.Run("a visitor token cannot write to another conversation", func(t *testing.T) {
		other := startChat(t, env, "")
		_, err := other.visitor.Conversations.SendMessage(ctx, connect.NewRequest(&tandemv1.SendMessageRequest{
			ConversationId: c.id, IdempotencyKey: "turn-0004", Content: &tandemv1.SendMessageRequest_Text{Text: "hi"}}))
		wantCode(t, err, connect.CodePermissionDenied)
	})
	t.Run("another account's gateway cannot write", func(t *testing.T) {
		other := env.NewAccount(t, "Other Brand")
		_, err := env.Client(other.Secret(domain.RoleService)).Conversations.SendMessage(ctx, connect.NewRequest(&tandemv1.SendMessageRequest{
			ConversationId: c.id, IdempotencyKey: "turn-0005", Content: &tandemv1.SendMessageRequest_Text{Text: "hi"}}))
		wantCode(t, err, connect.CodeNotFound)
	})
	t.Run("an analyst cannot write", func(t *testing.T) {
		_, err := env.Client(env.Key(domain.RoleAnalyst)).Conversations.SendMessage(ctx, connect.NewRequest(&tandemv1.SendMessageRequest{
			ConversationId: c.id, IdempotencyKey: "turn-0006", Content: &tandemv1.SendMessageRequest_Text{Text: "hi"}}))
		wantCode(t, err, connect.CodePermissionDenied)
	})
	t.Run("a closed conversation refuses new messages", func(t *testing.T) {
		closed := startChat(t, env, "")
		if _, err := closed.visitor.Conversations.CloseConversation(ctx, connect.NewRequest(&tandemv1.CloseConversationRequest{ConversationId: closed.id})); err != nil {
			t.Fatal(err)
		}
		_, err := closed.send(t, "turn-0007", "hello?")
		wantCode(t, err, connect.CodeFailedPrecondition)
	})
}

func TestIdentifyVisitor(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	ctx := t.Context()
	c := startChat(t, env, "")
	identify := func(client *tandemclient.Client, req *tandemv1.IdentifyVisitorRequest) (*tandemv1.Conversation, error) {
		res, err := client.Conversations.IdentifyVisitor(ctx, connect.NewRequest(req))
		if err != nil {
			return nil, err
		}
		return res.Msg.Conversation, nil
	}
	conv, err := identify(c.visitor, &tandemv1.IdentifyVisitorRequest{ConversationId: c.id, Identity: &tandemv1.IdentifyVisitorRequest_Email{Email: "ada@example.com"}})
	if err != nil || conv.Visitor.Email != "ada@example.com" || conv.Visitor.Authenticated {
		t.Fatalf("email: %v %v", conv, err)
	}
	tok := identityToken(t, env.Account.Account.IdentitySecret, "cust_7", "", time.Hour)
	conv, err = identify(c.visitor, &tandemv1.IdentifyVisitorRequest{ConversationId: c.id, Identity: &tandemv1.IdentifyVisitorRequest_IdentityToken{IdentityToken: tok}})
	if err != nil || !conv.Visitor.Authenticated || conv.Visitor.ProfileId != "cust_7" || conv.Visitor.Email != "ada@example.com" {
		t.Fatalf("login keeps the email given before: %v %v", conv, err)
	}
	_, err = identify(c.visitor, &tandemv1.IdentifyVisitorRequest{ConversationId: c.id, Identity: &tandemv1.IdentifyVisitorRequest_Email{Email: "not-an-email"}})
	wantCode(t, err, connect.CodeInvalidArgument)
	other := startChat(t, env, "")
	_, err = identify(other.visitor, &tandemv1.IdentifyVisitorRequest{ConversationId: c.id, Identity: &tandemv1.IdentifyVisitorRequest_Email{Email: "eve@example.com"}})
	wantCode(t, err, connect.CodePermissionDenied)
	_, err = identify(env.Client(env.Key(domain.RoleAnalyst)), &tandemv1.IdentifyVisitorRequest{ConversationId: c.id, Identity: &tandemv1.IdentifyVisitorRequest_Email{Email: "eve@example.com"}})
	wantCode(t, err, connect.CodePermissionDenied)
	_, err = identify(env.Client(env.NewAccount(t, "Other").Secret(domain.RoleService)), &tandemv1.IdentifyVisitorRequest{ConversationId: c.id, Identity: &tandemv1.IdentifyVisitorRequest_Email{Email: "eve@example.com"}})
	wantCode(t, err, connect.CodeNotFound)
}

func TestListConversations(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	ctx := t.Context()
	var ids []string
	for range 5 {
		ids = append(ids, startChat(t, env, "").id)
	}
	sms, err := env.Client(env.Key(domain.RoleService)).Conversations.StartConversation(ctx, connect.NewRequest(&tandemv1.StartConversationRequest{
		Channel: tandemv1.Channel_CHANNEL_EMAIL, SenderAddress: "Bob@Example.com"}))
	if err != nil {
		t.Fatal(err)
	}
	analyst := env.Client(env.Key(domain.RoleAnalyst))
	list := func(req *tandemv1.ListConversationsRequest) *tandemv1.ListConversationsResponse {
		t.Helper()
		res, err := analyst.Conversations.ListConversations(ctx, connect.NewRequest(req))
		if err != nil {
			t.Fatal(err)
		}
		return res.Msg
	}

	// Page through the web chats two at a time while a new conversation starts: the pages
	// hold every earlier conversation once, newest first.
	var seen []string
	req := &tandemv1.ListConversationsRequest{PageSize: 2, Channels: []tandemv1.Channel{tandemv1.Channel_CHANNEL_WEBCHAT}}
	for page := 0; ; page++ {
		res := list(req)
		for _, c := range res.Conversations {
			seen = append(seen, c.Id)
		}
		if page == 0 {
			startChat(t, env, "")
		}
		if res.NextPageToken == "" {
			break
		}
		req.PageToken = res.NextPageToken
	}
	if fmt.Sprint(seen) != fmt.Sprint([]string{ids[4], ids[3], ids[2], ids[1], ids[0]}) {
		t.Fatalf("pages = %v, want newest first %v", seen, ids)
	}
	if got := list(&tandemv1.ListConversationsRequest{VisitorEmail: "bob@example.com"}); len(got.Conversations) != 1 || got.Conversations[0].Id != sms.Msg.Conversation.Id {
		t.Fatalf("email filter = %v", got.Conversations)
	}
	if got := list(&tandemv1.ListConversationsRequest{Statuses: []tandemv1.ConversationStatus{tandemv1.ConversationStatus_CONVERSATION_STATUS_CLOSED}}); len(got.Conversations) != 0 {
		t.Fatalf("closed filter = %v", got.Conversations)
	}
}

func TestListConversationsRefusesForeignPageTokensAndAccounts(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	ctx := t.Context()
	startChat(t, env, "")
	_, err := env.Client(env.Key(domain.RoleOwner)).Conversations.ListConversations(ctx, connect.NewRequest(&tandemv1.ListConversationsRequest{PageToken: "garbage!"}))
	wantCode(t, err, connect.CodeInvalidArgument)
	other := env.NewAccount(t, "Other")
	res, err := env.Client(other.Secret(domain.RoleOwner)).Conversations.ListConversations(ctx, connect.NewRequest(&tandemv1.ListConversationsRequest{}))
	if err != nil || len(res.Msg.Conversations) != 0 {
		t.Fatalf("another account sees %v (%v), want nothing", res, err)
	}
}

func TestCloseConversation(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	ctx := t.Context()
	c := startChat(t, env, "")
	res, err := c.visitor.Conversations.CloseConversation(ctx, connect.NewRequest(&tandemv1.CloseConversationRequest{ConversationId: c.id, Reason: "got my answer"}))
	if err != nil {
		t.Fatal(err)
	}
	conv := res.Msg.Conversation
	if conv.Status != tandemv1.ConversationStatus_CONVERSATION_STATUS_CLOSED || conv.ClosedBy.Kind != tandemv1.ActorKind_ACTOR_KIND_VISITOR ||
		conv.CloseReason != "got my answer" || conv.Outcome != tandemv1.ConversationOutcome_CONVERSATION_OUTCOME_RESOLVED || conv.CloseTime == nil {
		t.Fatalf("closed conversation = %v", conv)
	}
	_, err = c.visitor.Conversations.CloseConversation(ctx, connect.NewRequest(&tandemv1.CloseConversationRequest{ConversationId: c.id}))
	wantCode(t, err, connect.CodeFailedPrecondition)

	staff := startChat(t, env, "")
	res, err = env.Client(env.Key(domain.RoleSupport)).Conversations.CloseConversation(ctx, connect.NewRequest(&tandemv1.CloseConversationRequest{ConversationId: staff.id, Reason: "spam"}))
	if err != nil || res.Msg.Conversation.ClosedBy.Kind != tandemv1.ActorKind_ACTOR_KIND_STAFF || res.Msg.Conversation.ClosedBy.Name != "support key" {
		t.Fatalf("staff close = %v %v", res, err)
	}
	open := startChat(t, env, "")
	_, err = env.Client(env.Key(domain.RoleAnalyst)).Conversations.CloseConversation(ctx, connect.NewRequest(&tandemv1.CloseConversationRequest{ConversationId: open.id}))
	wantCode(t, err, connect.CodePermissionDenied)
	_, err = c.visitor.Conversations.CloseConversation(ctx, connect.NewRequest(&tandemv1.CloseConversationRequest{ConversationId: open.id}))
	wantCode(t, err, connect.CodePermissionDenied)
	_, err = env.Client(env.NewAccount(t, "Other").Secret(domain.RoleOwner)).Conversations.CloseConversation(ctx, connect.NewRequest(&tandemv1.CloseConversationRequest{ConversationId: open.id}))
	wantCode(t, err, connect.CodeNotFound)
}

// watch opens a WatchConversation stream and returns its events on a channel.
func watch(t *testing.T, ctx context.Context, client *tandemclient.Client, id string, after int64) (<-chan *tandemv1.ConversationEvent, <-chan error) {
	t.Helper()
	stream, err := client.Conversations.WatchConversation(ctx, connect.NewRequest(&tandemv1.WatchConversationRequest{ConversationId: id, AfterSequence: after}))
	if err != nil {
		t.Fatal(err)
	}
	events, errs := make(chan *tandemv1.ConversationEvent, 100), make(chan error, 1)
	go func() {
		defer stream.Close()
		for stream.Receive() {
			if e := stream.Msg().GetEvent(); e != nil {
				events <- e
			}
		}
		errs <- stream.Err()
	}()
	return events, errs
}

func next(t *testing.T, events <-chan *tandemv1.ConversationEvent) *tandemv1.ConversationEvent {
	t.Helper()
	select {
	case e := <-events:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
		return nil
	}
}

func TestWatchConversationResumesWithoutGapOrDuplicate(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{Agent: noteTaker{}})
	c := startChat(t, env, "")
	ctx, cut := context.WithCancel(t.Context())
	events, _ := watch(t, ctx, c.visitor, c.id, 0)
	// The start wrote conversation_started (1) and the greeting (2).
	if e := next(t, events); e.Sequence != 1 || e.Type != tandemv1.EventType_EVENT_TYPE_CONVERSATION_STARTED {
		t.Fatalf("first event = %v", e)
	}
	if e := next(t, events); e.Sequence != 2 || e.GetMessage().GetText() != "Hello from Test Outfitters" {
		t.Fatalf("second event = %v", e)
	}
	if _, err := c.send(t, "turn-0001", "hello"); err != nil {
		t.Fatal(err)
	}
	if e := next(t, events); e.Sequence != 3 || e.GetMessage().GetText() != "hello" {
		t.Fatalf("live event = %v", e)
	}
	last := next(t, events).Sequence // the agent's reply
	cut()                            // the network drops

	for i := range 3 {
		if _, err := c.send(t, fmt.Sprintf("turn-%04d", i+2), fmt.Sprintf("message %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	resumed, _ := watch(t, t.Context(), c.visitor, c.id, last)
	for want := last + 1; want <= last+6; want++ {
		if e := next(t, resumed); e.Sequence != want {
			t.Fatalf("resumed stream gave sequence %d, want %d", e.Sequence, want)
		}
	}
	select {
	case e := <-resumed:
		t.Fatalf("unexpected extra event %v", e)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestWatchConversationAccess(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	c, other := startChat(t, env, ""), startChat(t, env, "")
	for name, tc := range map[string]struct {
		client *tandemclient.Client
		want   connect.Code
	}{
		"another conversation's visitor": {other.visitor, connect.CodePermissionDenied},
		"an analyst":                     {env.Client(env.Key(domain.RoleAnalyst)), connect.CodePermissionDenied},
		"another account's owner":        {env.Client(env.NewAccount(t, "Other").Secret(domain.RoleOwner)), connect.CodeNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			_, errs := watch(t, t.Context(), tc.client, c.id, 0)
			wantCode(t, <-errs, tc.want)
		})
	}
}

func TestWatchConversationSendsHeartbeats(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{Heartbeat: 50 * time.Millisecond})
	c := startChat(t, env, "")
	stream, err := c.visitor.Conversations.WatchConversation(t.Context(), connect.NewRequest(&tandemv1.WatchConversationRequest{ConversationId: c.id, AfterSequence: 2}))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	for range 3 { // the opening heartbeat, then two while idle
		if !stream.Receive() || stream.Msg().GetHeartbeatTime() == nil {
			t.Fatalf("idle stream sent %v (%v), want a heartbeat", stream.Msg(), stream.Err())
		}
	}
}

func TestWatchSeesMessagesSentThroughAnotherReplica(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	_, replicaB := apptest.StartReplica(t, env.DatabaseURL, app.Options{})
	c := startChat(t, env, "")
	events, _ := watch(t, t.Context(), c.visitor, c.id, 2)
	viaB := tandemclient.New(replicaB.URL, c.token)
	if _, err := viaB.Conversations.SendMessage(t.Context(), connect.NewRequest(&tandemv1.SendMessageRequest{
		ConversationId: c.id, IdempotencyKey: "turn-0001", Content: &tandemv1.SendMessageRequest_Text{Text: "sent to replica B"}})); err != nil {
		t.Fatal(err)
	}
	if e := next(t, events); e.GetMessage().GetText() != "sent to replica B" {
		t.Fatalf("replica A's watcher got %v", e)
	}
}

func TestStreamConversationsResumesFromCursor(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	service := env.Client(env.Key(domain.RoleService))
	open := func(ctx context.Context, req *tandemv1.StreamConversationsRequest) <-chan *tandemv1.ConversationEvent {
		stream, err := service.Conversations.StreamConversations(ctx, connect.NewRequest(req))
		if err != nil {
			t.Fatal(err)
		}
		// The opening heartbeat says the stream is subscribed and knows where it starts.
		if !stream.Receive() || stream.Msg().GetHeartbeatTime() == nil {
			t.Fatalf("the stream did not open with a heartbeat: %v", stream.Err())
		}
		out := make(chan *tandemv1.ConversationEvent, 100)
		go func() {
			defer stream.Close()
			for stream.Receive() {
				if e := stream.Msg().GetEvent(); e != nil {
					out <- e
				}
			}
		}()
		return out
	}
	ctx, cut := context.WithCancel(t.Context())
	// Only message events; the stream starts with what happens from now on.
	events := open(ctx, &tandemv1.StreamConversationsRequest{EventTypes: []tandemv1.EventType{tandemv1.EventType_EVENT_TYPE_MESSAGE_ADDED}})
	c := startChat(t, env, "")
	greeting := next(t, events)
	if greeting.ConversationId != c.id || greeting.GetMessage() == nil || greeting.Cursor == "" {
		t.Fatalf("first streamed event = %v", greeting)
	}
	cut()
	if _, err := c.send(t, "turn-0001", "while the stream was down"); err != nil {
		t.Fatal(err)
	}
	resumed := open(t.Context(), &tandemv1.StreamConversationsRequest{AfterCursor: greeting.Cursor, EventTypes: []tandemv1.EventType{tandemv1.EventType_EVENT_TYPE_MESSAGE_ADDED}})
	if e := next(t, resumed); e.GetMessage().GetText() != "while the stream was down" {
		t.Fatalf("resumed stream gave %v", e)
	}
	if e := next(t, resumed); e.GetMessage().GetAuthor() != tandemv1.Author_AUTHOR_AI_AGENT {
		t.Fatalf("then %v, want the agent's reply", e)
	}

	// Another account's stream, even from this account's cursor, shows none of its events.
	other := env.NewAccount(t, "Other")
	otherCtx, stopOther := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer stopOther()
	otherStream, err := env.Client(other.Secret(domain.RoleService)).Conversations.StreamConversations(otherCtx,
		connect.NewRequest(&tandemv1.StreamConversationsRequest{AfterCursor: greeting.Cursor}))
	if err != nil {
		t.Fatal(err)
	}
	for otherStream.Receive() {
		if e := otherStream.Msg().GetEvent(); e != nil {
			t.Fatalf("another account's stream got %v", e)
		}
	}
	stream, err := env.Client(env.Key(domain.RoleAnalyst)).Conversations.StreamConversations(t.Context(), connect.NewRequest(&tandemv1.StreamConversationsRequest{}))
	if err == nil {
		stream.Receive()
		err = stream.Err()
	}
	wantCode(t, err, connect.CodePermissionDenied)
}

func TestVisitorRateLimit(t *testing.T) {
	t.Parallel()
	limits := app.DefaultRateLimits
	limits.Visitor = ratelimit.Limit{PerSecond: 1, Burst: 2}
	env := apptest.New(t, app.Options{RateLimits: limits})
	c := startChat(t, env, "")
	var err error
	for i := range 3 {
		if _, err = c.send(t, fmt.Sprintf("turn-%04d", i), "hi"); err != nil {
			break
		}
	}
	wantCode(t, err, connect.CodeResourceExhausted)
	if ce := err.(*connect.Error); ce.Meta().Get("Retry-After") == "" {
		t.Fatalf("no Retry-After hint in %v", ce.Meta())
	}
}

func TestVisitorStreamCap(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	c := startChat(t, env, "")
	for range 5 {
		events, _ := watch(t, t.Context(), c.visitor, c.id, 0)
		next(t, events) // the stream is open once it delivers
	}
	_, errs := watch(t, t.Context(), c.visitor, c.id, 0)
	wantCode(t, <-errs, connect.CodeResourceExhausted)
}

// noteTaker answers every turn with one message and keeps the conversation with the AI,
// so tests of the conversation mechanics do not depend on the agent's skills.
type noteTaker struct{}

func (noteTaker) Respond(context.Context, domain.Turn) (domain.Reply, error) {
	return domain.Reply{Messages: []domain.Message{{Author: domain.AuthorAIAgent, Text: "Thanks, noted."}}}, nil
}

// slowAgent thinks for a while before answering.
type slowAgent struct{}

func (slowAgent) Respond(context.Context, domain.Turn) (domain.Reply, error) {
	time.Sleep(600 * time.Millisecond)
	return domain.Reply{Messages: []domain.Message{{Author: domain.AuthorAIAgent, Text: "Let me think... done."}}}, nil
}

func TestWatchersSeeTheAgentTyping(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{Agent: slowAgent{}})
	c := startChat(t, env, "")
	events, _ := watch(t, t.Context(), c.visitor, c.id, 2)
	go func() { _, _ = c.send(t, "turn-0001", "hello") }()
	var types []tandemv1.EventType
	for len(types) < 4 {
		types = append(types, next(t, events).Type)
	}
	want := []tandemv1.EventType{tandemv1.EventType_EVENT_TYPE_TYPING_STARTED, tandemv1.EventType_EVENT_TYPE_MESSAGE_ADDED,
		tandemv1.EventType_EVENT_TYPE_MESSAGE_ADDED, tandemv1.EventType_EVENT_TYPE_TYPING_STOPPED}
	if fmt.Sprint(types) != fmt.Sprint(want) {
		t.Fatalf("events = %v, want %v", types, want)
	}
}
