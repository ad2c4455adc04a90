package agent

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// skillCase is one question to a skill and what a logged-in Ava must see on every
// channel.
type skillCase struct {
	name     string
	question string
	skill    domain.SkillID
	// says is what every channel's text mentions.
	says []string
	// card, action and actionURL are the first web chat card and one of its buttons.
	card      domain.CardType
	action    string
	actionURL string
	// link is the deep link SMS and WhatsApp texts carry and email lists.
	link string
}

var skillCases = []skillCase{
	{
		name: "tracking a named order", question: "where is my order #1042?", skill: domain.SkillOrderTracking,
		says: []string{"#1042", "UPS", "Thursday, March 12", "in transit"},
		card: domain.CardOrder, action: "Track order", actionURL: upsTracking, link: hub + "/orders/1042",
	},
	{
		name: "tracking the newest open order", question: "where is my order?", skill: domain.SkillOrderTracking,
		says: []string{"#1045", "hasn't shipped yet"},
		card: domain.CardOrder, action: "View order", actionURL: hub + "/orders/1045", link: hub + "/orders/1045",
	},
	{
		name: "an eligible return", question: "I'd like to return something from order #1037", skill: domain.SkillReturnsExchanges,
		says: []string{"#1037", "can be returned or exchanged until Monday, March 30"},
		card: domain.CardReturn, action: "Start a return", actionURL: "https://northwind.example/returns?order=1037",
		link: "https://northwind.example/returns?order=1037",
	},
	{
		name: "a return outside the window", question: "can I return order 1029?", skill: domain.SkillReturnsExchanges,
		says: []string{"#1029", "can't be returned", "The 30-day return window ended on February 3."},
		card: domain.CardReturn, link: "https://northwind.example/help/returns",
	},
	{
		name: "editing an unfulfilled order", question: "Can I still change the shipping address on my order?", skill: domain.SkillOrderEditing,
		says: []string{"#1045", "hasn't been packed yet", "change the shipping address"},
		card: domain.CardOrder, action: "Edit order", actionURL: hub + "/orders/1045", link: hub + "/orders/1045",
	},
	{
		name: "cancelling a shipped order", question: "I want to cancel order #1042", skill: domain.SkillOrderEditing,
		says: []string{"#1042", "already shipped", "can no longer be changed or cancelled"},
		card: domain.CardOrder, action: "Track order", actionURL: upsTracking, link: upsTracking,
	},
	{
		name: "skipping a subscription delivery", question: "how do I skip my next coffee subscription delivery?", skill: domain.SkillSubscriptions,
		says: []string{"Camp Coffee - Dark Roast 12 oz", "active", "$15.30 every 30 days", "Thursday, March 19", "skip a delivery"},
		card: domain.CardSubscription, action: "Manage subscription", actionURL: hub + "/subscriptions", link: hub + "/subscriptions",
	},
	{
		name: "loyalty points", question: "how many points do I have?", skill: domain.SkillLoyalty,
		says: []string{"820 points", "Ridge tier", "680 more points to reach Summit"},
		card: domain.CardLoyalty, action: "Redeem points", actionURL: hub + "/rewards", link: hub + "/rewards",
	},
	{
		name: "coupons", question: "do you have any discount codes?", skill: domain.SkillCouponsDiscounts,
		says: []string{"BDAY-AVA15", "WELCOME10", "TRAIL20", "on orders of $150 or more", "until January 31, 2027"},
		card: domain.CardCoupon,
	},
	{
		name: "a question the help centre answers", question: "do you ship to Canada?", skill: domain.SkillGeneralQA,
		says: []string{"7-14 business days for $19.95"}, link: "https://northwind.example/help/international-shipping",
	},
	{
		name: "product recommendations", question: "can you recommend a rain jacket?", skill: domain.SkillProductRecommendations,
		says: []string{"Ridgeline Rain Jacket - Red, $189", "Ridgeline Rain Jacket - Blue, $189"},
		card: domain.CardProduct, action: "View product", actionURL: "https://northwind.example/products/ridgeline-red",
		link: "https://northwind.example/products/ridgeline-red",
	},
}

func TestSkillsOnWebchat(t *testing.T) {
	for _, tc := range skillCases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSetup(t)
			r := s.chat(t, domain.ChannelWebchat, avaLoggedIn).send(tc.question)
			if r.Skill != tc.skill || r.Outcome != domain.TurnAnswered || r.Handoff != nil {
				t.Fatalf("skill %s, outcome %s, handoff %+v; want %s answered: %q", r.Skill, r.Outcome, r.Handoff, tc.skill, text(r))
			}
			if r.Decision.Kind != domain.RouteSkill || r.Decision.Skill != tc.skill || r.Decision.Confidence <= 0 {
				t.Errorf("decision %+v", r.Decision)
			}
			mustContain(t, text(r), tc.says...)
			for _, m := range r.Messages {
				if m.Skill != tc.skill || m.Author != domain.AuthorAIAgent {
					t.Errorf("message %q by %s of skill %s", m.Text, m.Author, m.Skill)
				}
			}
			cs := cards(r)
			if tc.card == "" {
				if len(cs) != 0 {
					t.Errorf("cards %+v, want none", cs)
				}
				return
			}
			if len(cs) == 0 || cs[0].Type != tc.card {
				t.Fatalf("cards %+v, want a %s card first", cs, tc.card)
			}
			if tc.action != "" && actionURL(cs[0], tc.action) != tc.actionURL {
				t.Errorf("card actions %+v, want %q opening %s", cs[0].Actions, tc.action, tc.actionURL)
			}
		})
	}
}

func TestSkillsOnTextChannels(t *testing.T) {
	for _, ch := range []domain.Channel{domain.ChannelSMS, domain.ChannelWhatsApp, domain.ChannelEmail} {
		for _, tc := range skillCases {
			t.Run(string(ch)+"/"+tc.name, func(t *testing.T) {
				s := newSetup(t)
				r := s.chat(t, ch, avaLoggedIn).send(tc.question)
				if r.Skill != tc.skill || r.Outcome != domain.TurnAnswered {
					t.Fatalf("skill %s, outcome %s; want %s answered: %q", r.Skill, r.Outcome, tc.skill, text(r))
				}
				if len(r.Messages) != 1 {
					t.Fatalf("%d messages, want one: %q", len(r.Messages), text(r))
				}
				m := r.Messages[0]
				if m.Card != nil || len(m.QuickReplies) > 0 {
					t.Errorf("card %+v and quick replies %v on %s", m.Card, m.QuickReplies, ch)
				}
				// Coupon codes and product names are the answer; SMS may shorten the rest.
				if ch != domain.ChannelSMS || tc.skill == domain.SkillCouponsDiscounts {
					mustContain(t, m.Text, tc.says...)
				} else {
					mustContain(t, m.Text, tc.says[0])
				}
				if tc.link != "" {
					mustContain(t, m.Text, tc.link)
				}
				switch ch {
				case domain.ChannelSMS:
					if n := len(m.Text); n > maxSMSText+120 {
						t.Errorf("SMS of %d characters: %q", n, m.Text)
					}
				case domain.ChannelEmail:
					if !strings.HasPrefix(m.Text, "Hi Ava,") {
						t.Errorf("email does not greet Ava: %q", m.Text)
					}
					if tc.link != "" && !hasLink(m, tc.link) {
						t.Errorf("email links %+v lack %s", m.Links, tc.link)
					}
				}
			})
		}
	}
}

func hasLink(m domain.Message, url string) bool {
	for _, l := range m.Links {
		if l.URL == url {
			return true
		}
	}
	return false
}

func TestPolicyPassagesNotWholeArticles(t *testing.T) {
	s := newSetup(t)
	r := s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("I'd like to return something from order #1037")
	mustContain(t, text(r), "From our returns policy: You can return unworn, unwashed items")
	if c := cards(r)[0]; !strings.Contains(c.Return.PolicySummary, "within 30 days of delivery") || !c.Return.Eligible {
		t.Errorf("return card %+v", c.Return)
	}
	if !hasLink(r.Messages[0], "https://northwind.example/help/returns") {
		t.Errorf("links %+v lack the policy article", r.Messages[0].Links)
	}

	r = s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("I want to cancel order #1042")
	mustContain(t, text(r), "the carrier may redirect the parcel")
}

func TestOrderNotFound(t *testing.T) {
	s := newSetup(t)
	r := s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("where is order #9999?")
	mustContain(t, text(r), "couldn't find order #9999", "#1045, #1042, #1037 and #1029")
	if r.Handoff != nil || len(cards(r)) != 0 {
		t.Errorf("handoff %+v, cards %+v", r.Handoff, cards(r))
	}
	// Marcus cannot see Ava's order by naming it.
	marcus := domain.Visitor{Authenticated: true, ProfileID: "cust_1002"}
	r = s.chat(t, domain.ChannelWebchat, marcus).send("where is order #1042?")
	mustContain(t, text(r), "couldn't find order #1042")
	mustNotContain(t, text(r), "UPS")
}

func TestNothingToAnswerWithHandsOff(t *testing.T) {
	s := newSetup(t)
	r := s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("what is your policy on bringing pets into your stores?")
	if r.Skill != domain.SkillGeneralQA || r.Handoff == nil || r.Handoff.Reason != domain.HandoffNoAnswer || r.Outcome != domain.TurnHandoff {
		t.Fatalf("skill %s, handoff %+v, outcome %s: %q", r.Skill, r.Handoff, r.Outcome, text(r))
	}
	mustContain(t, text(r), "couldn't find an answer to that in our help centre")
	if r.Handoff.Question != "what is your policy on bringing pets into your stores?" || r.Handoff.Skill != domain.SkillGeneralQA {
		t.Errorf("handoff %+v", r.Handoff)
	}

	// A product the catalog lacks is answered plainly, without a handoff.
	r = s.chat(t, domain.ChannelWebchat, avaLoggedIn).send("I'm looking for a kayak")
	mustContain(t, text(r), `couldn't find anything matching "kayak"`)
	if r.Handoff != nil {
		t.Errorf("handoff %+v", r.Handoff)
	}
}

func TestCouponMinimumSpendIsSaidOnce(t *testing.T) {
	minimum := &domain.Money{MinorUnits: 15000, Currency: "USD"}
	r := &request{now: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	got := couponLines([]tools.Coupon{
		{Code: "TRAIL20", Description: "$20 off orders of $150 or more", MinimumSpend: minimum},
		{Code: "GEAR15", Description: "15% off gear", MinimumSpend: minimum},
	}, r)
	want := []string{
		"• TRAIL20: $20 off orders of $150 or more (no expiry date)",
		"• GEAR15: 15% off gear, on orders of $150 or more (no expiry date)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("coupon lines %q, want %q", got, want)
	}
}
