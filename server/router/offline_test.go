package router

import (
	"context"
	"testing"

	"github.com/tandemhq/tandem/server/domain"
)

func TestOfflineRoute(t *testing.T) {
	r := NewOffline(nil)
	visitor := func(text string) domain.Message { return domain.Message{Author: domain.AuthorVisitor, Text: text} }
	ai := func(text string) domain.Message { return domain.Message{Author: domain.AuthorAIAgent, Text: text} }
	for _, tc := range []struct {
		history []domain.Message
		message string
		kind    domain.RouteKind
		skill   domain.SkillID
	}{
		{nil, "where is my order #1042?", domain.RouteSkill, domain.SkillOrderTracking},
		{nil, "can I talk to a real person", domain.RouteHuman, ""},
		{nil, "asdf qwer", domain.RouteNone, ""},
		// Follow-ups keep the topic of the visitor's earlier messages; the agent's
		// messages in between do not count.
		{[]domain.Message{visitor("I want to return my boots"), ai("Good news: order #1037 can be returned.")},
			"and how long does that take?", domain.RouteSkill, domain.SkillReturnsExchanges},
		{[]domain.Message{visitor("can you recommend a good tent for 2 people"), ai("Here's what I found: Summit 2 Tent, $349")},
			"what about the blue one?", domain.RouteSkill, domain.SkillProductRecommendations},
		// A new topic switches.
		{[]domain.Message{visitor("where is my order #1042?"), ai("Order #1042 shipped with UPS.")},
			"actually do you have any coupons?", domain.RouteSkill, domain.SkillCouponsDiscounts},
	} {
		d, err := r.Route(context.Background(), tc.history, tc.message)
		if err != nil {
			t.Fatal(err)
		}
		if d.Kind != tc.kind || d.Skill != tc.skill {
			t.Errorf("Route(%q) = %s %s (%.2f), want %s %s", tc.message, d.Kind, d.Skill, d.Confidence, tc.kind, tc.skill)
		}
		if d.Confidence <= 0 || d.Confidence > 1 {
			t.Errorf("Route(%q) confidence %v", tc.message, d.Confidence)
		}
		for _, a := range d.Alternatives {
			if a.Skill == "" || a.Skill == d.Skill || a.Skill == LabelHuman || a.Skill == LabelNone {
				t.Errorf("Route(%q) alternative %+v", tc.message, a)
			}
		}
	}
	// Without history it agrees with Classify.
	d, _ := r.Route(context.Background(), nil, "how many points do I have")
	if c := Default().Classify("how many points do I have"); string(d.Skill) != c.Label || d.Confidence != c.Confidence || len(d.Alternatives) == 0 {
		t.Errorf("Route = %+v, Classify = %+v", d, c)
	}
}
