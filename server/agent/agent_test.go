package agent

import (
	"context"
	"errors"
	"testing"

	"github.com/tandemhq/tandem/server/domain"
)

// privateFacts are details of Ava's account no unidentified visitor may see.
var privateFacts = []string{"#1045", "#1042", "#1037", "UPS", "820", "Camp Coffee", "BDAY-AVA15"}

func TestLoginGatingPerSkill(t *testing.T) {
	for _, tc := range []struct {
		question string
		skill    domain.SkillID
		// outcome is what an anonymous web chat visitor gets.
		outcome domain.TurnOutcome
	}{
		{"where is my order #1042?", domain.SkillOrderTracking, domain.TurnLoginRequested},
		{"I'd like to return something from order #1037", domain.SkillReturnsExchanges, domain.TurnLoginRequested},
		{"I want to cancel order #1042", domain.SkillOrderEditing, domain.TurnLoginRequested},
		{"how do I skip my next coffee subscription delivery?", domain.SkillSubscriptions, domain.TurnLoginRequested},
		{"how many points do I have?", domain.SkillLoyalty, domain.TurnLoginRequested},
		{"do you have any discount codes?", domain.SkillCouponsDiscounts, domain.TurnAnswered},
		{"do you ship to Canada?", domain.SkillGeneralQA, domain.TurnAnswered},
		{"can you recommend a rain jacket?", domain.SkillProductRecommendations, domain.TurnAnswered},
	} {
		t.Run(string(tc.skill), func(t *testing.T) {
			s := newSetup(t)
			// A typed, unverified email changes nothing on web chat.
			typedEmail := domain.Visitor{Email: "ava.chen@example.com"}
			r := s.chat(t, domain.ChannelWebchat, typedEmail).send(tc.question)
			if r.Skill != tc.skill || r.Outcome != tc.outcome || r.Handoff != nil {
				t.Fatalf("skill %s, outcome %s, handoff %+v: %q", r.Skill, r.Outcome, r.Handoff, text(r))
			}
			mustNotContain(t, text(r), privateFacts...)
			last := r.Messages[len(r.Messages)-1]
			switch tc.outcome {
			case domain.TurnLoginRequested:
				mustContain(t, text(r), "log in")
				if len(last.QuickReplies) != 1 || last.QuickReplies[0].ID != QuickReplyLogin {
					t.Errorf("quick replies %+v, want the login one", last.QuickReplies)
				}
				if s.shop.called("CustomerByEmail") || s.shop.called("RecentOrders") {
					t.Errorf("looked the visitor up: %v", s.shop.calls)
				}
			case domain.TurnAnswered:
				if len(cards(r)) == 0 && tc.skill != domain.SkillGeneralQA {
					t.Errorf("no card: %q", text(r))
				}
			}
		})
	}
}

func TestCouponsForAnonymousVisitors(t *testing.T) {
	s := newSetup(t)
	r := s.chat(t, domain.ChannelWebchat, anonymous).send("do you have any discount codes?")
	mustContain(t, text(r), "WELCOME10", "TRAIL20", "Log in to your account to see any coupons issued to you personally")
	mustNotContain(t, text(r), "BDAY-AVA15")
	if n := len(cards(r)); n != 2 {
		t.Errorf("%d coupon cards, want the 2 public ones", n)
	}

	// After logging in, the quick reply answers the same question with her own coupon.
	c := s.chat(t, domain.ChannelWebchat, anonymous)
	c.send("do you have any discount codes?")
	c.conv.Visitor = avaLoggedIn
	r = c.press(QuickReplyLogin)
	mustContain(t, text(r), "Just for you:", "BDAY-AVA15", "WELCOME10")
	if r.Skill != domain.SkillCouponsDiscounts || cards(r)[0].Coupon.Code != "BDAY-AVA15" || !cards(r)[0].Coupon.Personal {
		t.Errorf("skill %s, first card %+v", r.Skill, cards(r)[0])
	}
}

func TestLoginThenAnswerOnWebchat(t *testing.T) {
	s := newSetup(t)
	c := s.chat(t, domain.ChannelWebchat, anonymous)
	r := c.send("where is my order #1042?")
	if r.Outcome != domain.TurnLoginRequested || r.Skill != domain.SkillOrderTracking {
		t.Fatalf("outcome %s skill %s", r.Outcome, r.Skill)
	}
	// The widget logs the visitor in (IdentifyVisitor), then sends the quick reply.
	c.conv.Visitor = avaLoggedIn
	r = c.press(QuickReplyLogin)
	if r.Outcome != domain.TurnAnswered || r.Skill != domain.SkillOrderTracking {
		t.Fatalf("outcome %s skill %s: %q", r.Outcome, r.Skill, text(r))
	}
	mustContain(t, text(r), "#1042", "UPS", "Thursday, March 12")
}

func TestTextMessagesIdentifyByEmailAndOrderNumber(t *testing.T) {
	for _, ch := range []domain.Channel{domain.ChannelSMS, domain.ChannelWhatsApp} {
		t.Run(string(ch), func(t *testing.T) {
			s := newSetup(t)
			phone := domain.Visitor{Address: "+15551234567"}
			c := s.chat(t, ch, phone)
			r := c.send("where is my order?")
			if r.Outcome != domain.TurnLoginRequested {
				t.Fatalf("outcome %s: %q", r.Outcome, text(r))
			}
			mustContain(t, text(r), "email address on your account and the number of one of your orders")

			// An email alone reveals nothing.
			r = c.send("ava.chen@example.com")
			if r.Outcome != domain.TurnLoginRequested || r.Skill != domain.SkillOrderTracking {
				t.Fatalf("outcome %s skill %s: %q", r.Outcome, r.Skill, text(r))
			}
			mustContain(t, text(r), "please also send me the number of one of your orders")
			mustNotContain(t, text(r), privateFacts...)

			// Someone else's order number with her email does not match, and says so
			// without telling which one is wrong.
			r = c.send("it's 1040")
			mustContain(t, text(r), "couldn't find order #1040 for that email address")
			mustNotContain(t, text(r), privateFacts...)

			// Her own order number does.
			r = c.send("#1042")
			if r.Outcome != domain.TurnAnswered || r.Skill != domain.SkillOrderTracking {
				t.Fatalf("outcome %s skill %s: %q", r.Outcome, r.Skill, text(r))
			}
			mustContain(t, text(r), "#1042", "UPS", hub+"/orders/1042")
		})
	}
}

func TestEmailChannelTrustsTheSenderAddressOnly(t *testing.T) {
	s := newSetup(t)
	fromAva := domain.Visitor{Address: "ava.chen@example.com", Email: "ava.chen@example.com"}
	r := s.chat(t, domain.ChannelEmail, fromAva).send("how many points do I have?")
	if r.Outcome != domain.TurnAnswered {
		t.Fatalf("outcome %s: %q", r.Outcome, text(r))
	}
	mustContain(t, text(r), "Hi Ava,", "820 points")

	// A stranger who typed Ava's email in (IdentifyVisitor) is still the sender address.
	stranger := domain.Visitor{Address: "someone@elsewhere.example", Email: "ava.chen@example.com"}
	r = s.chat(t, domain.ChannelEmail, stranger).send("how many points do I have?")
	if r.Handoff == nil || r.Handoff.Reason != domain.HandoffNoAnswer || r.Handoff.Skill != domain.SkillLoyalty {
		t.Fatalf("handoff %+v: %q", r.Handoff, text(r))
	}
	mustContain(t, text(r), "couldn't find a customer account for someone@elsewhere.example")
	mustNotContain(t, text(r), privateFacts...)
}

func TestRephraseOnceThenHandOff(t *testing.T) {
	s := newSetup(t)
	c := s.chat(t, domain.ChannelWebchat, anonymous)
	r := c.send("asdf qwer")
	if r.Outcome != domain.TurnRephraseRequested || r.Handoff != nil || r.Skill != "" {
		t.Fatalf("outcome %s, handoff %+v, skill %s", r.Outcome, r.Handoff, r.Skill)
	}
	if r.Decision.Kind != domain.RouteNone {
		t.Errorf("decision %+v", r.Decision)
	}
	mustContain(t, text(r), "not sure I understood")
	qr := r.Messages[0].QuickReplies
	if len(qr) == 0 || qr[len(qr)-1].ID != QuickReplyHuman {
		t.Errorf("quick replies %+v, want a person last", qr)
	}

	r = c.send("zxcv bnm")
	if r.Outcome != domain.TurnHandoff || r.Handoff == nil || r.Handoff.Reason != domain.HandoffLowConfidence {
		t.Fatalf("outcome %s, handoff %+v: %q", r.Outcome, r.Handoff, text(r))
	}
	if r.Handoff.Question != "zxcv bnm" {
		t.Errorf("handoff question %q", r.Handoff.Question)
	}

	// Understood in between, the agent asks again next time rather than giving up.
	c = s.chat(t, domain.ChannelWebchat, anonymous)
	c.send("asdf qwer")
	c.send("do you ship to Canada?")
	if r := c.send("zxcv bnm"); r.Outcome != domain.TurnRephraseRequested {
		t.Errorf("outcome %s after an answered turn", r.Outcome)
	}
}

func TestRephraseSuggestionPicksTheSkill(t *testing.T) {
	s := newSetup(t)
	c := s.chat(t, domain.ChannelWebchat, avaLoggedIn)
	c.send("asdf qwer")
	r := c.press(QuickReplySkillPrefix + string(domain.SkillOrderTracking))
	if r.Skill != domain.SkillOrderTracking || r.Outcome != domain.TurnAnswered || r.Decision.Confidence != 1 {
		t.Fatalf("skill %s outcome %s decision %+v", r.Skill, r.Outcome, r.Decision)
	}
}

func TestVisitorAsksForAPerson(t *testing.T) {
	s := newSetup(t)
	for _, press := range []bool{false, true} {
		c := s.chat(t, domain.ChannelWhatsApp, anonymous)
		var r domain.Reply
		if press {
			r = c.press(QuickReplyHuman)
		} else {
			r = c.send("I want to talk to a person")
		}
		if r.Handoff == nil || r.Handoff.Reason != domain.HandoffVisitorRequested || r.Outcome != domain.TurnHandoff || r.Decision.Kind != domain.RouteHuman {
			t.Fatalf("handoff %+v, outcome %s, decision %+v", r.Handoff, r.Outcome, r.Decision)
		}
		mustContain(t, text(r), "talk to someone from our team")
	}
	if *s.status.calls != 0 || len(s.shop.calls) != 0 {
		t.Errorf("asking for a person read statuses %d times and called %v", *s.status.calls, s.shop.calls)
	}
}

func TestUnavailableSkillHandsOff(t *testing.T) {
	s := newSetup(t, func(o *Options) {
		o.Statuses = statuses{unavailable: []domain.SkillID{domain.SkillReturnsExchanges}}
	})
	r := s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("I'd like to return something from order #1037")
	if r.Handoff == nil || r.Handoff.Reason != domain.HandoffSkillUnavailable || r.Handoff.Skill != domain.SkillReturnsExchanges ||
		r.Skill != domain.SkillReturnsExchanges || r.Outcome != domain.TurnHandoff {
		t.Fatalf("handoff %+v, skill %s, outcome %s", r.Handoff, r.Skill, r.Outcome)
	}
	mustContain(t, text(r), "I can't check your return and exchange options in this chat")
	mustNotContain(t, text(r), "#1037", "Good news")
	if len(s.shop.calls) != 0 {
		t.Errorf("called tools %v", s.shop.calls)
	}

	// A live skill whose tool is not connected is unavailable too.
	s = newSetup(t)
	set := s.shop.set()
	set.Loyalty = nil
	s.agent.tools = resolver{set: set}
	r = s.chat(t, domain.ChannelSMS, avaLoggedIn).send("how many points do I have?")
	if r.Handoff == nil || r.Handoff.Reason != domain.HandoffSkillUnavailable {
		t.Fatalf("handoff %+v", r.Handoff)
	}
}

func TestToolFailureHandsOff(t *testing.T) {
	down := domain.Errorf(domain.EUnavailable, "Shopify is not answering")
	for name, tweak := range map[string]func(*setup){
		"orders":   func(s *setup) { s.shop.fail = map[string]error{"OrderByNumber": down} },
		"profiles": func(s *setup) { s.shop.fail = map[string]error{"CustomerByID": down} },
		"resolver": func(s *setup) { s.agent.tools = resolver{err: errors.New("decrypting credentials")} },
	} {
		t.Run(name, func(t *testing.T) {
			s := newSetup(t)
			tweak(s)
			r := s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("where is my order #1042?")
			if r.Handoff == nil || r.Handoff.Reason != domain.HandoffToolFailure || r.Handoff.Skill != domain.SkillOrderTracking || r.Outcome != domain.TurnHandoff {
				t.Fatalf("handoff %+v, outcome %s: %q", r.Handoff, r.Outcome, text(r))
			}
			mustContain(t, text(r), "something went wrong on our side while I was checking your order")
		})
	}
}

func TestTopicSwitchesInOneConversation(t *testing.T) {
	s := newSetup(t)
	c := s.chat(t, domain.ChannelWebchat, avaLoggedIn)
	for _, step := range []struct {
		say   string
		skill domain.SkillID
		wants []string
	}{
		{"where is my order #1042?", domain.SkillOrderTracking, []string{"#1042", "UPS"}},
		{"I'd like to return order #1037", domain.SkillReturnsExchanges, []string{"#1037", "can be returned"}},
		{"do you have any discount codes?", domain.SkillCouponsDiscounts, []string{"WELCOME10", "BDAY-AVA15"}},
		{"how many points do I have?", domain.SkillLoyalty, []string{"820 points"}},
	} {
		r := c.send(step.say)
		if r.Skill != step.skill || r.Outcome != domain.TurnAnswered {
			t.Fatalf("%q: skill %s, outcome %s: %q", step.say, r.Skill, r.Outcome, text(r))
		}
		mustContain(t, text(r), step.wants...)
	}
}

func TestFollowUpsKeepTheTopicAndRememberTheOrder(t *testing.T) {
	s := newSetup(t)
	c := s.chat(t, domain.ChannelWebchat, avaLoggedIn)
	c.send("I want to return my boots")
	r := c.send("and how long does that take?")
	if r.Skill != domain.SkillReturnsExchanges {
		t.Errorf("follow-up went to %s: %q", r.Skill, text(r))
	}

	// The order named earlier is the one a later question is about.
	c = s.chat(t, domain.ChannelWebchat, avaLoggedIn)
	c.send("where is my order #1042?")
	r = c.send("Can I still change the shipping address?")
	if r.Skill != domain.SkillOrderEditing {
		t.Fatalf("skill %s", r.Skill)
	}
	mustContain(t, text(r), "order #1042 has already shipped")

	// An order the agent answered about (not named by the visitor) is remembered too.
	c = s.chat(t, domain.ChannelSMS, avaLoggedIn)
	c.send("where is my order?") // #1045, the newest open one
	r = c.send("I want to cancel my order")
	mustContain(t, text(r), "order #1045 hasn't been packed yet", "cancel it")
}

func TestFollowUpRemembersTheProduct(t *testing.T) {
	s := newSetup(t)
	c := s.chat(t, domain.ChannelWebchat, anonymous)
	r := c.send("I'm looking for a rain jacket")
	if n := len(cards(r)); n != 2 {
		t.Fatalf("%d product cards: %q", n, text(r))
	}
	r = c.send("what about the blue one?")
	if r.Skill != domain.SkillProductRecommendations {
		t.Fatalf("skill %s: %q", r.Skill, text(r))
	}
	cs := cards(r)
	if len(cs) != 1 || cs[0].Product.Title != "Ridgeline Rain Jacket - Blue" {
		t.Errorf("cards %+v, want the blue rain jacket only", cs)
	}
}

func TestCompoundMessageAnswersBothQuestions(t *testing.T) {
	s := newSetup(t)
	r := s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("where is my order #1042, and can I still change the address?")
	if r.Skill != domain.SkillOrderTracking || r.Decision.Skill != domain.SkillOrderTracking || r.Outcome != domain.TurnAnswered {
		t.Fatalf("skill %s, decision %+v, outcome %s", r.Skill, r.Decision, r.Outcome)
	}
	if len(r.Messages) != 2 {
		t.Fatalf("%d messages, want one answer per question: %q", len(r.Messages), text(r))
	}
	tracking, editing := r.Messages[0], r.Messages[1]
	if tracking.Skill != domain.SkillOrderTracking || editing.Skill != domain.SkillOrderEditing {
		t.Errorf("message skills %s, %s", tracking.Skill, editing.Skill)
	}
	mustContain(t, tracking.Text, "#1042", "UPS", "Thursday, March 12")
	mustContain(t, editing.Text, "#1042 has already shipped", "the carrier may redirect")

	// Anonymous on web chat, it asks to log in once for both.
	r = s.chat(t, domain.ChannelWebchat, anonymous).send("where is my order #1042, and can I still change the address?")
	if len(r.Messages) != 1 || r.Outcome != domain.TurnLoginRequested {
		t.Errorf("%d messages, outcome %s: %q", len(r.Messages), r.Outcome, text(r))
	}
}

func TestRespondReadsOnlyOnce(t *testing.T) {
	calls := 0
	s := newSetup(t, func(o *Options) { o.Statuses = statuses{calls: &calls} })
	s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("where is my order #1042, and can I still change the address?")
	if calls != 1 {
		t.Errorf("statuses read %d times for one turn", calls)
	}
	profiles := 0
	for _, c := range s.shop.calls {
		if c == "CustomerByID" {
			profiles++
		}
	}
	if profiles != 1 {
		t.Errorf("visitor looked up %d times for one turn", profiles)
	}
}

// routerFunc is a router with a fixed decision.
type routerFunc func() (domain.RoutingDecision, error)

func (f routerFunc) Route(context.Context, []domain.Message, string) (domain.RoutingDecision, error) {
	return f()
}

func TestRouterErrorOrUnknownSkillIsNotAGuess(t *testing.T) {
	for name, f := range map[string]routerFunc{
		"error": func() (domain.RoutingDecision, error) {
			return domain.RoutingDecision{}, errors.New("LLM endpoint timed out")
		},
		"unknown skill": func() (domain.RoutingDecision, error) {
			return domain.RoutingDecision{Kind: domain.RouteSkill, Skill: "weather", Confidence: 0.9}, nil
		},
		"low": func() (domain.RoutingDecision, error) {
			return domain.RoutingDecision{Kind: domain.RouteSkill, Skill: domain.SkillLoyalty, Confidence: 0.3}, nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := newSetup(t, func(o *Options) { o.Router = f })
			r := s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("hmm")
			if r.Outcome != domain.TurnRephraseRequested || r.Handoff != nil {
				t.Errorf("outcome %s, handoff %+v", r.Outcome, r.Handoff)
			}
		})
	}
}

// BenchmarkRespond measures the agent's own work for one turn (routing, gating,
// rendering) over in-memory tools.
func BenchmarkRespond(b *testing.B) {
	s := newSetup(b)
	turn := domain.Turn{
		Conversation: domain.Conversation{AccountID: "acc_1", Channel: domain.ChannelWebchat, Visitor: avaLoggedIn},
		History:      []domain.Message{{Author: domain.AuthorVisitor, Text: "hi"}, {Author: domain.AuthorAIAgent, Text: "Hello! How can I help?"}},
		Message:      domain.Message{Author: domain.AuthorVisitor, Text: "where is my order #1042?"},
	}
	for b.Loop() {
		if _, err := s.agent.Respond(context.Background(), turn); err != nil {
			b.Fatal(err)
		}
	}
}
