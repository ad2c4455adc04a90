package agent

import (
	"context"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// orderEditing says whether an order (the one named in the conversation, else the
// newest) can still be changed or cancelled: yes while it is unfulfilled, with its page
// in Customer Hub; no once it has shipped, with the order edit policy passage.
type orderEditing struct{}

func (orderEditing) id() domain.SkillID      { return domain.SkillOrderEditing }
func (orderEditing) ready(ts tools.Set) bool { return needsOrders(ts) }

func (orderEditing) answer(ctx context.Context, r *request) (answer, error) {
	o, _, missing, err := findOrder(ctx, r, latest)
	if err != nil || missing != nil {
		return deref(missing), err
	}
	p, err := r.passage(ctx, domain.TopicOrderEditPolicy, "change address cancel order")
	if err != nil {
		return answer{}, err
	}
	name := orderName(o)
	page := orderPage(r.customer, o)
	var a answer
	var actions []domain.CardAction
	switch o.FulfillmentStatus {
	case "cancelled":
		a.text = "Order " + name + " has already been cancelled, so there's nothing left to change."
	case "unfulfilled":
		a.text = "Yes: order " + name + " hasn't been packed yet, so " + r.editWish() +
			". You can do it yourself on the order's page in your account."
		actions = action("Edit order", page)
		a.link = linkTo("Edit order "+name, page)
	case "delivered":
		a.text = "I'm sorry, order " + name + " has already been delivered, so it can no longer be changed or cancelled. " +
			"If something isn't right, you may be able to return or exchange it."
	default:
		a.text = "I'm sorry, order " + name + " has already shipped, so it can no longer be changed or cancelled."
		if len(o.Shipments) > 0 && o.Shipments[0].TrackingURL != "" {
			actions = action("Track order", o.Shipments[0].TrackingURL)
			a.link = linkTo("Track order "+name, o.Shipments[0].TrackingURL)
		}
	}
	a.addPassage("From our order changes policy", p)
	a.cards = []domain.Card{orderCard(o, actions)}
	return a, nil
}

// editWish says what the visitor can still do, in the terms they asked about.
func (r *request) editWish() string {
	switch {
	case r.mentions("cancel"):
		return "you can still cancel it"
	case r.mentions("address", "ship to", "deliver to"):
		return "you can still change the shipping address"
	case r.mentions("size", "colour", "color", "item", "add", "remove", "swap"):
		return "you can still change the items"
	}
	return "you can still change it (shipping address or items) or cancel it"
}
