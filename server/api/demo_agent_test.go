package api_test

// End-to-end tests of the real agent over the API against the demo account, seeded as
// `make run` seeds it: Northwind Outfitters' demo store, Customer Hub and help centre.

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/app/apptest"
	"github.com/tandemhq/tandem/server/demo"
	"github.com/tandemhq/tandem/server/domain"
)

// newDemoEnv starts a replica with the real agent whose account is the demo account.
func newDemoEnv(t *testing.T) *apptest.Env {
	t.Helper()
	return apptest.NewDemo(t, app.Options{})
}

// avaToken is an identity token for Ava Chen (cust_1001), as the brand's site signs it.
func avaToken(t *testing.T, env *apptest.Env) string {
	return identityToken(t, env.Account.Account.IdentitySecret, "cust_1001", "ava.chen@example.com", time.Hour)
}

// senders are where each channel's conversations come from: the gateway's sender
// address (SMS, WhatsApp, email); web chat has none.
var senders = map[tandemv1.Channel]string{
	tandemv1.Channel_CHANNEL_WEBCHAT:  "",
	tandemv1.Channel_CHANNEL_SMS:      "+14155550123",
	tandemv1.Channel_CHANNEL_WHATSAPP: "+14155550124",
	tandemv1.Channel_CHANNEL_EMAIL:    "ava.chen@example.com",
}

// talk is a conversation on any channel: web chat through the widget's site key and
// visitor token, the other channels through the gateway's SERVICE key.
type talk struct {
	id     string
	sender *tandemclient.Client
	turns  int
}

func startTalk(t *testing.T, env *apptest.Env, ch tandemv1.Channel, identity string) *talk {
	t.Helper()
	starter := env.Client(env.Key(domain.RoleService))
	if ch == tandemv1.Channel_CHANNEL_WEBCHAT {
		starter = env.Client(env.Account.Account.SiteKey)
	}
	res, err := starter.Conversations.StartConversation(t.Context(), connect.NewRequest(&tandemv1.StartConversationRequest{
		Channel: ch, SenderAddress: senders[ch], IdentityToken: identity}))
	if err != nil {
		t.Fatalf("StartConversation(%v): %v", ch, err)
	}
	if ch == tandemv1.Channel_CHANNEL_WEBCHAT {
		starter = env.Client(res.Msg.VisitorToken)
	}
	return &talk{id: res.Msg.Conversation.Id, sender: starter}
}

// say sends the visitor's text and returns the conversation and the agent's replies.
func (c *talk) say(t *testing.T, text string) (*tandemv1.Conversation, []*tandemv1.Message) {
	t.Helper()
	return c.send(t, &tandemv1.SendMessageRequest{Content: &tandemv1.SendMessageRequest_Text{Text: text}})
}

// press sends a quick reply.
func (c *talk) press(t *testing.T, id string) (*tandemv1.Conversation, []*tandemv1.Message) {
	t.Helper()
	return c.send(t, &tandemv1.SendMessageRequest{Content: &tandemv1.SendMessageRequest_QuickReplyId{QuickReplyId: id}})
}

func (c *talk) send(t *testing.T, req *tandemv1.SendMessageRequest) (*tandemv1.Conversation, []*tandemv1.Message) {
	t.Helper()
	c.turns++
	req.ConversationId, req.IdempotencyKey = c.id, fmt.Sprintf("demo-turn-%d", c.turns)
	res, err := c.sender.Conversations.SendMessage(t.Context(), connect.NewRequest(req))
	if err != nil {
		t.Fatalf("SendMessage(%v): %v", req.Content, err)
	}
	return res.Msg.Conversation, res.Msg.Messages[1:]
}

// allText is the replies' text, one message a paragraph.
func allText(msgs []*tandemv1.Message) string {
	var parts []string
	for _, m := range msgs {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n\n")
}

// quickReplyIDs are the quick replies offered with the replies.
func quickReplyIDs(msgs []*tandemv1.Message) []string {
	var ids []string
	for _, m := range msgs {
		for _, q := range m.QuickReplies {
			ids = append(ids, q.Id)
		}
	}
	return ids
}

// wantMentions fails unless text contains every fact and none of the forbidden ones.
func wantMentions(t *testing.T, text string, facts []string, forbidden ...string) {
	t.Helper()
	for _, f := range facts {
		if !strings.Contains(text, f) {
			t.Errorf("the reply does not mention %q:\n%s", f, text)
		}
	}
	for _, f := range forbidden {
		if strings.Contains(text, f) {
			t.Errorf("the reply mentions %q, which it must not:\n%s", f, text)
		}
	}
}

// skillCase is one skill's question and what Ava Chen must be told.
type skillCase struct {
	skill    tandemv1.SkillId
	question string
	// facts are what every channel's reply says.
	facts []string
	// forbidden are what no reply may say.
	forbidden []string
	// card is the web chat card's type; action its button (label and URL) when it has one.
	card   tandemv1.CardType
	action *tandemv1.CardAction
	// link is the deep link SMS and WhatsApp write out and email lists.
	link string
}

func demoSkillCases() []skillCase {
	// The agent writes dates in the demo account's time zone.
	eta := time.Now().In(domain.ZoneOrUTC(demo.TimeZone)).Add(48 * time.Hour).Format("Monday, January 2")
	return []skillCase{
		{
			skill: tandemv1.SkillId_SKILL_ID_ORDER_TRACKING, question: "Where is my order #1042?",
			facts:  []string{"#1042", "UPS", "in transit", "It should arrive on " + eta, "1Z999AA10123456784"},
			card:   tandemv1.CardType_CARD_TYPE_ORDER,
			action: &tandemv1.CardAction{Label: "Track order", Url: "https://www.ups.com/track?tracknum=1Z999AA10123456784"},
			link:   "https://northwind.example/account/orders/1042",
		},
		{
			skill: tandemv1.SkillId_SKILL_ID_RETURNS_EXCHANGES, question: "Can I return order #1037?",
			facts:  []string{"#1037", "can be returned or exchanged"},
			card:   tandemv1.CardType_CARD_TYPE_RETURN,
			action: &tandemv1.CardAction{Label: "Start a return", Url: "https://northwind.example/returns?order=1037"},
			link:   "https://northwind.example/returns?order=1037",
		},
		{
			skill: tandemv1.SkillId_SKILL_ID_ORDER_EDITING, question: "Can I still change the shipping address on order #1045?",
			facts:  []string{"#1045", "you can still change the shipping address"},
			card:   tandemv1.CardType_CARD_TYPE_ORDER,
			action: &tandemv1.CardAction{Label: "Edit order", Url: "https://northwind.example/account/orders/1045"},
			link:   "https://northwind.example/account/orders/1045",
		},
		{
			skill: tandemv1.SkillId_SKILL_ID_SUBSCRIPTIONS, question: "When is my next coffee subscription delivery?",
			facts:  []string{"Camp Coffee - Dark Roast", "active", "every 30 days", "next charge"},
			card:   tandemv1.CardType_CARD_TYPE_SUBSCRIPTION,
			action: &tandemv1.CardAction{Label: "Manage subscription", Url: "https://northwind.example/account/subscriptions"},
			link:   "https://northwind.example/account/subscriptions",
		},
		{
			skill: tandemv1.SkillId_SKILL_ID_LOYALTY, question: "How many reward points do I have?",
			facts:  []string{"820 points", "Ridge", "680 more points", "Summit"},
			card:   tandemv1.CardType_CARD_TYPE_LOYALTY,
			action: &tandemv1.CardAction{Label: "Redeem points", Url: "https://northwind.example/account/rewards"},
			link:   "https://northwind.example/account/rewards",
		},
		{
			skill: tandemv1.SkillId_SKILL_ID_COUPONS_DISCOUNTS, question: "Do you have any discount codes?",
			facts:     []string{"BDAY-AVA15", "WELCOME10"},
			forbidden: []string{"or more, on orders of"},
			card:      tandemv1.CardType_CARD_TYPE_COUPON,
			link:      "https://northwind.example/help/current-offers-and-coupons",
		},
		{
			skill: tandemv1.SkillId_SKILL_ID_GENERAL_QA, question: "Do you offer free shipping?",
			facts: []string{"$75", "$6.95"},
			// The passage, not the whole article.
			forbidden: []string{"Overnight", "DHL", "Northwind delivers to addresses"},
			link:      "https://northwind.example/help/shipping-times-and-costs",
		},
		{
			skill: tandemv1.SkillId_SKILL_ID_PRODUCT_RECOMMENDATIONS, question: "Do you have a rain jacket?",
			facts:  []string{"Stormline Rain Jacket", "$149"},
			card:   tandemv1.CardType_CARD_TYPE_PRODUCT,
			action: &tandemv1.CardAction{Label: "View product", Url: "https://northwind.example/products/stormline-rain-jacket"},
			link:   "https://northwind.example/products/stormline-rain-jacket",
		},
	}
}

func TestEachSkillAnswersFromTheDemoStoreOnEachChannel(t *testing.T) {
	t.Parallel()
	env := newDemoEnv(t)
	token := avaToken(t, env)
	for _, tc := range demoSkillCases() {
		for _, ch := range []tandemv1.Channel{tandemv1.Channel_CHANNEL_WEBCHAT, tandemv1.Channel_CHANNEL_SMS,
			tandemv1.Channel_CHANNEL_WHATSAPP, tandemv1.Channel_CHANNEL_EMAIL} {
			t.Run(tc.skill.String()+"/"+ch.String(), func(t *testing.T) {
				// Email is vouched for by its sender address; the other channels carry
				// the brand's identity token.
				identity := token
				if ch == tandemv1.Channel_CHANNEL_EMAIL {
					identity = ""
				}
				conv, replies := startTalk(t, env, ch, identity).say(t, tc.question)
				if len(replies) == 0 {
					t.Fatal("no reply")
				}
				for _, m := range replies {
					if m.Skill != tc.skill {
						t.Fatalf("answered by %v, want %v: %q", m.Skill, tc.skill, m.Text)
					}
				}
				if conv.ActiveSkill != tc.skill || conv.Status != tandemv1.ConversationStatus_CONVERSATION_STATUS_AI_ACTIVE {
					t.Errorf("conversation is %v with %v, want AI_ACTIVE with %v", conv.Status, conv.ActiveSkill, tc.skill)
				}
				text := allText(replies)
				wantMentions(t, text, tc.facts, tc.forbidden...)
				first := replies[0]
				switch ch {
				case tandemv1.Channel_CHANNEL_WEBCHAT:
					checkWebchatCard(t, tc, first)
				case tandemv1.Channel_CHANNEL_SMS, tandemv1.Channel_CHANNEL_WHATSAPP:
					if first.Card != nil || len(replies) != 1 {
						t.Errorf("%v got a card or several messages: %v", ch, replies)
					}
					if !strings.HasSuffix(first.Text, tc.link) {
						t.Errorf("%v text does not end with the deep link %s:\n%s", ch, tc.link, first.Text)
					}
					if ch == tandemv1.Channel_CHANNEL_SMS && len(first.Text) > 300+len(tc.link)+60 {
						t.Errorf("SMS of %d bytes is too long:\n%s", len(first.Text), first.Text)
					}
				case tandemv1.Channel_CHANNEL_EMAIL:
					if first.Card != nil {
						t.Errorf("email got a card: %v", first.Card)
					}
					if !slices.ContainsFunc(first.Links, func(l *tandemv1.Link) bool { return l.Url == tc.link }) || !strings.Contains(first.Text, tc.link) {
						t.Errorf("email does not list the link %s: links %v, text:\n%s", tc.link, first.Links, first.Text)
					}
				}
			})
		}
	}
}

// checkWebchatCard checks the web chat reply's card and its button.
func checkWebchatCard(t *testing.T, tc skillCase, m *tandemv1.Message) {
	t.Helper()
	if tc.card == tandemv1.CardType_CARD_TYPE_UNSPECIFIED {
		if m.Card != nil {
			t.Errorf("web chat got a card %v, want none", m.Card)
		}
		if !slices.ContainsFunc(m.Links, func(l *tandemv1.Link) bool { return l.Url == tc.link }) {
			t.Errorf("web chat links %v, want %s", m.Links, tc.link)
		}
		return
	}
	if m.Card == nil || m.Card.Type != tc.card {
		t.Fatalf("web chat card = %v, want a %v card", m.Card, tc.card)
	}
	if tc.action != nil && !slices.ContainsFunc(m.Card.Actions, func(a *tandemv1.CardAction) bool {
		return a.Label == tc.action.Label && a.Url == tc.action.Url
	}) {
		t.Errorf("card actions %v, want %q opening %s", m.Card.Actions, tc.action.Label, tc.action.Url)
	}
}

func TestAllSkillsAreLiveInTheDemo(t *testing.T) {
	t.Parallel()
	env := newDemoEnv(t)
	for id, s := range listSkills(t, skillsOf(env, domain.RoleAnalyst)) {
		if s.status != tandemv1.SkillStatus_SKILL_STATUS_LIVE {
			t.Errorf("%v is %v (%s, missing %v) in the demo, want LIVE", id, s.status, s.reason, s.missing)
		}
	}
}

func TestLoginGatingAgainstTheDemoStore(t *testing.T) {
	t.Parallel()
	env := newDemoEnv(t)
	// What only Ava Chen may see.
	private := []string{"1Z999AA10123456784", "UPS", "in transit", "BDAY-AVA15", "820", "Camp Coffee"}

	t.Run("an anonymous web chat visitor is asked to log in, then answered", func(t *testing.T) {
		c := startTalk(t, env, tandemv1.Channel_CHANNEL_WEBCHAT, "")
		conv, replies := c.say(t, "Where is my order #1042?")
		wantMentions(t, allText(replies), []string{"log in"}, private...)
		if !slices.Contains(quickReplyIDs(replies), "login") || replies[0].Card != nil || conv.ActiveSkill != tandemv1.SkillId_SKILL_ID_ORDER_TRACKING {
			t.Fatalf("replies %v (active %v), want a login quick reply and no card", replies, conv.ActiveSkill)
		}
		if _, err := c.sender.Conversations.IdentifyVisitor(t.Context(), connect.NewRequest(&tandemv1.IdentifyVisitorRequest{
			ConversationId: c.id, Identity: &tandemv1.IdentifyVisitorRequest_IdentityToken{IdentityToken: avaToken(t, env)}})); err != nil {
			t.Fatal(err)
		}
		_, replies = c.press(t, "login")
		wantMentions(t, allText(replies), []string{"#1042", "1Z999AA10123456784"})
	})
	t.Run("an email typed in by a web chat visitor reveals nothing", func(t *testing.T) {
		c := startTalk(t, env, tandemv1.Channel_CHANNEL_WEBCHAT, "")
		if _, err := c.sender.Conversations.IdentifyVisitor(t.Context(), connect.NewRequest(&tandemv1.IdentifyVisitorRequest{
			ConversationId: c.id, Identity: &tandemv1.IdentifyVisitorRequest_Email{Email: "ava.chen@example.com"}})); err != nil {
			t.Fatal(err)
		}
		_, replies := c.say(t, "How many reward points do I have?")
		wantMentions(t, allText(replies), []string{"log in"}, private...)
	})
	t.Run("anonymous coupons show the public codes only", func(t *testing.T) {
		_, replies := startTalk(t, env, tandemv1.Channel_CHANNEL_WEBCHAT, "").say(t, "Do you have any discount codes?")
		// TRAIL20 ends at 23:59 on January 31, 2027 in New York (February 1 in UTC).
		wantMentions(t, allText(replies), []string{"WELCOME10", "TRAIL20", "until January 31, 2027", "Log in"}, "BDAY-AVA15", "February 1")
		if !slices.Contains(quickReplyIDs(replies), "login") {
			t.Errorf("quick replies %v, want login for personal coupons", quickReplyIDs(replies))
		}
		for _, m := range replies {
			if m.Card.GetCoupon().GetPersonal() {
				t.Errorf("an anonymous visitor got a personal coupon card %v", m.Card)
			}
		}
	})
	t.Run("SMS needs the account's email and one of its orders", func(t *testing.T) {
		c := startTalk(t, env, tandemv1.Channel_CHANNEL_SMS, "")
		_, replies := c.say(t, "where is my order?")
		wantMentions(t, allText(replies), []string{"email address", "order"}, private...)
		_, replies = c.say(t, "marcus.reed@example.com 1042")
		wantMentions(t, allText(replies), []string{"couldn't find order #1042 for that email"}, private...)
		_, replies = c.say(t, "ava.chen@example.com 1042")
		wantMentions(t, allText(replies), []string{"#1042", "1Z999AA10123456784", "https://northwind.example/account/orders/1042"})
	})
	t.Run("an email from an address without an account reveals nothing", func(t *testing.T) {
		res, err := env.Client(env.Key(domain.RoleService)).Conversations.StartConversation(t.Context(), connect.NewRequest(&tandemv1.StartConversationRequest{
			Channel: tandemv1.Channel_CHANNEL_EMAIL, SenderAddress: "stranger@example.com"}))
		if err != nil {
			t.Fatal(err)
		}
		c := &talk{id: res.Msg.Conversation.Id, sender: env.Client(env.Key(domain.RoleService))}
		_, replies := c.say(t, "Can I return order #1037?")
		wantMentions(t, allText(replies), []string{"couldn't find a customer account for stranger@example.com"}, private...)
	})
}

func TestTopicSwitchInsideOneConversation(t *testing.T) {
	t.Parallel()
	env := newDemoEnv(t)
	c := startTalk(t, env, tandemv1.Channel_CHANNEL_WEBCHAT, avaToken(t, env))
	steps := []struct {
		text  string
		skill tandemv1.SkillId
		facts []string
	}{
		{"Where is my order #1042?", tandemv1.SkillId_SKILL_ID_ORDER_TRACKING, []string{"1Z999AA10123456784"}},
		{"and when will it arrive?", tandemv1.SkillId_SKILL_ID_ORDER_TRACKING, []string{"#1042", "It should arrive"}},
		{"Can I return order #1037?", tandemv1.SkillId_SKILL_ID_RETURNS_EXCHANGES, []string{"#1037", "can be returned"}},
		{"Do you have any discount codes?", tandemv1.SkillId_SKILL_ID_COUPONS_DISCOUNTS, []string{"BDAY-AVA15", "WELCOME10"}},
	}
	for _, s := range steps {
		conv, replies := c.say(t, s.text)
		if conv.ActiveSkill != s.skill || replies[0].Skill != s.skill {
			t.Fatalf("%q went to %v (active %v), want %v", s.text, replies[0].Skill, conv.ActiveSkill, s.skill)
		}
		wantMentions(t, allText(replies), s.facts)
	}

	events, _ := watch(t, t.Context(), c.sender, c.id, 0)
	var changes [][2]tandemv1.SkillId
	var visitorSkills []tandemv1.SkillId
	for {
		e := next(t, events)
		if sc := e.GetSkillChange(); sc != nil {
			changes = append(changes, [2]tandemv1.SkillId{sc.From, sc.To})
			if sc.Confidence <= 0 || sc.Confidence > 1 {
				t.Errorf("skill change %v has confidence %v", sc, sc.Confidence)
			}
		}
		if m := e.GetMessage(); m != nil && m.Author == tandemv1.Author_AUTHOR_VISITOR {
			visitorSkills = append(visitorSkills, m.Skill)
			if len(visitorSkills) == len(steps) {
				break
			}
		}
	}
	// Drain the last turn's events (the reply follows the visitor's message).
	for {
		e := next(t, events)
		if m := e.GetMessage(); m != nil && m.Author == tandemv1.Author_AUTHOR_AI_AGENT {
			break
		}
		if sc := e.GetSkillChange(); sc != nil {
			changes = append(changes, [2]tandemv1.SkillId{sc.From, sc.To})
		}
	}
	want := [][2]tandemv1.SkillId{
		{tandemv1.SkillId_SKILL_ID_UNSPECIFIED, tandemv1.SkillId_SKILL_ID_ORDER_TRACKING},
		{tandemv1.SkillId_SKILL_ID_ORDER_TRACKING, tandemv1.SkillId_SKILL_ID_RETURNS_EXCHANGES},
		{tandemv1.SkillId_SKILL_ID_RETURNS_EXCHANGES, tandemv1.SkillId_SKILL_ID_COUPONS_DISCOUNTS},
	}
	if !slices.Equal(changes, want) {
		t.Errorf("skill changes %v, want %v (the follow-up keeps the topic)", changes, want)
	}
	for i, s := range steps {
		if visitorSkills[i] != s.skill {
			t.Errorf("visitor message %q recorded with %v, want %v", s.text, visitorSkills[i], s.skill)
		}
	}
}

func TestGarbledMessagesGetARephraseThenTheHandoffOffer(t *testing.T) {
	t.Parallel()
	env := newDemoEnv(t)
	c := startTalk(t, env, tandemv1.Channel_CHANNEL_WEBCHAT, "")
	conv, replies := c.say(t, "blorp zzkx fnord")
	if conv.Status != tandemv1.ConversationStatus_CONVERSATION_STATUS_AI_ACTIVE || !strings.Contains(allText(replies), "in other words") ||
		!slices.Contains(quickReplyIDs(replies), "human") {
		t.Fatalf("first garbled message: %v %v, want a request to rephrase with a person as a quick reply", conv.Status, texts(replies))
	}
	conv, replies = c.say(t, "qwpo vmvm sdfgh")
	if conv.Status != tandemv1.ConversationStatus_CONVERSATION_STATUS_AWAITING_HANDOFF_CONSENT ||
		!slices.Contains(quickReplyIDs(replies), "handoff_yes") || !slices.Contains(quickReplyIDs(replies), "handoff_no") {
		t.Fatalf("second garbled message: %v %v, want the handoff offer", conv.Status, texts(replies))
	}
}

func TestPreviewAnswersFromTheDemoStoreAndWritesNothing(t *testing.T) {
	t.Parallel()
	env := newDemoEnv(t)
	owner := env.Client(env.Key(domain.RoleOwner))
	counts := func() (int, int64) {
		convs, err := owner.Conversations.ListConversations(t.Context(), connect.NewRequest(&tandemv1.ListConversationsRequest{}))
		if err != nil {
			t.Fatal(err)
		}
		sk, err := owner.Skills.GetSkill(t.Context(), connect.NewRequest(&tandemv1.GetSkillRequest{SkillId: tandemv1.SkillId_SKILL_ID_LOYALTY}))
		if err != nil {
			t.Fatal(err)
		}
		return len(convs.Msg.Conversations), sk.Msg.Skill.ConversationCount
	}
	convsBefore, volumeBefore := counts()
	for ch, link := range map[tandemv1.Channel]string{
		tandemv1.Channel_CHANNEL_WEBCHAT: "", tandemv1.Channel_CHANNEL_SMS: "https://northwind.example/account/rewards",
	} {
		res, err := owner.Skills.PreviewMessage(t.Context(), connect.NewRequest(&tandemv1.PreviewMessageRequest{
			Text: "how many points do i have", Channel: ch, ProfileId: "cust_1001"}))
		if err != nil {
			t.Fatal(err)
		}
		d := res.Msg.Decision
		if d.Kind != tandemv1.RouteKind_ROUTE_KIND_SKILL || d.Skill != tandemv1.SkillId_SKILL_ID_LOYALTY || d.Confidence <= 0 {
			t.Errorf("%v decision %v, want loyalty", ch, d)
		}
		wantMentions(t, allText(res.Msg.Messages), []string{"820 points", "Ridge", link})
		if ch == tandemv1.Channel_CHANNEL_WEBCHAT && res.Msg.Messages[0].Card.GetType() != tandemv1.CardType_CARD_TYPE_LOYALTY {
			t.Errorf("web chat preview card %v, want LOYALTY", res.Msg.Messages[0].Card)
		}
	}
	anon, err := owner.Skills.PreviewMessage(t.Context(), connect.NewRequest(&tandemv1.PreviewMessageRequest{
		Text: "how many points do i have", Channel: tandemv1.Channel_CHANNEL_WEBCHAT}))
	if err != nil {
		t.Fatal(err)
	}
	wantMentions(t, allText(anon.Msg.Messages), []string{"log in"}, "820")
	if convsAfter, volumeAfter := counts(); convsAfter != convsBefore || volumeAfter != volumeBefore {
		t.Errorf("PreviewMessage wrote: %d conversations and volume %d before, %d and %d after", convsBefore, volumeBefore, convsAfter, volumeAfter)
	}
}
