package agent

import (
	"context"
	"strings"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// subscriptions describes the subscription the visitor means (named by its product,
// else the first, active ones first) and how to skip, pause, swap or cancel it, from
// the subscription policy, with the link to manage it.
type subscriptions struct{}

func (subscriptions) id() domain.SkillID { return domain.SkillSubscriptions }
func (subscriptions) ready(ts tools.Set) bool {
	return ts.Profiles != nil && ts.Subscriptions != nil
}

// subscriptionChanges are the changes a subscriber may ask for, as the verb the
// answer uses for each word the visitor might write.
var subscriptionChanges = []struct{ word, verb string }{
	{"skip", "skip a delivery"}, {"pause", "pause it"}, {"resume", "resume it"}, {"cancel", "cancel it"},
	{"swap", "swap the product"}, {"frequen", "change how often it comes"}, {"often", "change how often it comes"},
	{"change", "change it"},
}

func (subscriptions) answer(ctx context.Context, r *request) (answer, error) {
	subs, err := r.tools.Subscriptions.Subscriptions(ctx, *r.customer)
	if err != nil {
		return answer{}, err
	}
	if len(subs) == 0 {
		return answer{noAnswer: true, text: "I couldn't find any subscriptions on your account (" + r.customer.Email + ")."}, nil
	}
	s := subs[0]
	for _, x := range subs {
		if r.mentions(significantWords(x.ProductTitle)...) {
			s = x
			break
		}
	}
	p, err := r.passage(ctx, domain.TopicSubscriptionPolicy, "skip pause cancel subscription")
	if err != nil {
		return answer{}, err
	}
	manage := firstNonEmpty(s.ManageURL, hubURL(r.customer, "", hubSubscriptions))
	a := answer{text: subscriptionText(s, r)}
	for _, c := range subscriptionChanges {
		if r.mentions(c.word) {
			a.text += " You can " + c.verb + " yourself in your account."
			break
		}
	}
	var more []string
	for _, x := range subs {
		if x.ID != s.ID {
			more = append(more, x.ProductTitle+" ("+x.Status+")")
		}
	}
	if len(more) > 0 {
		a.details = append(a.details, "You also subscribe to "+list(more)+".")
	}
	a.addPassage("From our subscription policy", p)
	a.cards = []domain.Card{{
		Type: domain.CardSubscription, Title: s.ProductTitle, Subtitle: capitalise(s.Status) + ", " + s.Interval,
		Actions: action("Manage subscription", manage),
		Subscription: &domain.SubscriptionCard{SubscriptionID: s.ID, ProductTitle: s.ProductTitle, Status: s.Status,
			Interval: s.Interval, NextChargeAt: s.NextChargeAt, Price: s.Price},
	}}
	a.link = linkTo("Manage your subscription", manage)
	return a, nil
}

// subscriptionText says how the subscription stands.
func subscriptionText(s tools.Subscription, r *request) string {
	name := "Your " + s.ProductTitle + " subscription"
	switch s.Status {
	case "paused":
		return name + " is paused, so nothing will be charged or sent until you resume it."
	case "cancelled":
		return name + " is cancelled, so no more deliveries will come."
	}
	text := name + " is active: " + money(s.Price) + " " + s.Interval
	if !s.NextChargeAt.IsZero() {
		text += ", with the next charge " + onDay(s.NextChargeAt, r.now)
	}
	return text + "."
}

// significantWords are a title's words of four letters or more, lowercased, for
// recognising it in a question ("coffee" finds "Camp Coffee - Dark Roast").
func significantWords(title string) []string {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(title)) {
		if len(w) >= 4 {
			out = append(out, w)
		}
	}
	return out
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
