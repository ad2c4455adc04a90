package agent

import (
	"context"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// returnsExchanges says whether an order can be returned or exchanged (the one named in
// the conversation, else the newest delivered one), with the returns policy passage and
// the returns portal.
type returnsExchanges struct{}

func (returnsExchanges) id() domain.SkillID { return domain.SkillReturnsExchanges }
func (returnsExchanges) ready(ts tools.Set) bool {
	return needsOrders(ts) && ts.Returns != nil
}

func (returnsExchanges) answer(ctx context.Context, r *request) (answer, error) {
	o, _, missing, err := findOrder(ctx, r, newestDelivered)
	if err != nil || missing != nil {
		return deref(missing), err
	}
	opt, err := r.tools.Returns.ReturnOption(ctx, *r.customer, o)
	if err != nil {
		return answer{}, err
	}
	p, err := r.passage(ctx, domain.TopicReturnsPolicy, "return window refund exchange")
	if err != nil {
		return answer{}, err
	}
	card := domain.Card{Type: domain.CardReturn, Title: "Return for order " + orderName(o),
		Return: &domain.ReturnCard{OrderID: o.ID, OrderNumber: orderName(o), Eligible: opt.Eligible,
			WindowEndsAt: opt.WindowEndsAt, PortalURL: opt.PortalURL}}
	if p != nil {
		card.Return.PolicySummary = p.Passage
	}
	var a answer
	if opt.Eligible {
		a.text = "Good news: order " + orderName(o) + " can be returned or exchanged"
		card.Subtitle = "Eligible for return"
		if !opt.WindowEndsAt.IsZero() {
			a.text += " until " + day(opt.WindowEndsAt, r.now)
			card.Subtitle += " until " + day(opt.WindowEndsAt, r.now)
		}
		a.text += ". You can start it in our returns portal, where you choose the items and whether you'd like a refund or an exchange."
		card.Actions = action("Start a return", opt.PortalURL)
		a.link = linkTo("Start your return", firstNonEmpty(opt.PortalURL, hubURL(r.customer, "", hubReturns)))
	} else {
		a.text = "I'm sorry, order " + orderName(o) + " can't be returned. " + sentence(opt.Reason)
		card.Subtitle = "Not eligible for return"
		if p != nil {
			a.link = linkTo(p.Title, p.URL)
		}
	}
	a.addPassage("From our returns policy", p)
	a.cards = []domain.Card{card}
	return a, nil
}

// newestDelivered picks the newest delivered order, else the newest.
func newestDelivered(os []tools.Order) tools.Order {
	for _, o := range os {
		if o.FulfillmentStatus == "delivered" {
			return o
		}
	}
	return os[0]
}
