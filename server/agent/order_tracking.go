package agent

import (
	"context"
	"strings"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// orderTracking tells where an order is: the one named in the conversation, else the
// newest order still on its way (else the newest), mentioning the other open ones.
type orderTracking struct{}

func (orderTracking) id() domain.SkillID      { return domain.SkillOrderTracking }
func (orderTracking) ready(ts tools.Set) bool { return needsOrders(ts) }

func (orderTracking) answer(ctx context.Context, r *request) (answer, error) {
	o, others, missing, err := findOrder(ctx, r, newestOpen)
	if err != nil || missing != nil {
		return deref(missing), err
	}
	a := answer{text: trackingText(o, r.now)}
	for _, s := range o.Shipments[min(1, len(o.Shipments)):] {
		a.details = append(a.details, "Another parcel of this order: "+shipmentText(s, r.now))
	}
	var open []string
	for _, x := range others {
		if isOpen(x) {
			open = append(open, orderName(x)+" ("+strings.ToLower(statusWords(x.FulfillmentStatus))+")")
		}
	}
	if len(open) > 0 {
		a.details = append(a.details, "You also have order "+list(open)+". Just ask if you'd like the details.")
	}
	page := orderPage(r.customer, o)
	var actions []domain.CardAction
	if len(o.Shipments) > 0 && o.Shipments[0].TrackingURL != "" {
		s := o.Shipments[0]
		actions = append(actions, domain.CardAction{Label: "Track order", URL: s.TrackingURL})
		a.links = append(a.links, domain.Link{Label: "Track with " + s.Carrier, URL: s.TrackingURL})
	}
	actions = append(actions, action("View order", page)...)
	a.cards = []domain.Card{orderCard(o, actions)}
	a.link = linkTo("Your order "+orderName(o), page)
	return a, nil
}

// deref is the answer a points to, or none.
func deref(a *answer) answer {
	if a == nil {
		return answer{}
	}
	return *a
}

// newestOpen picks the newest order still on its way, else the newest.
func newestOpen(os []tools.Order) tools.Order {
	for _, o := range os {
		if isOpen(o) {
			return o
		}
	}
	return os[0]
}

// trackingText says where the order is.
func trackingText(o tools.Order, now time.Time) string {
	name := "Order " + orderName(o)
	switch {
	case o.FulfillmentStatus == "cancelled":
		if o.CancelledAt.IsZero() {
			return name + " was cancelled, so it won't be shipped."
		}
		return name + " was cancelled " + onDay(o.CancelledAt, now) + ", so it won't be shipped."
	case len(o.Shipments) == 0 && o.FulfillmentStatus == "delivered":
		return name + " has been delivered."
	case len(o.Shipments) == 0:
		return name + ", placed " + day(o.PlacedAt, now) + ", hasn't shipped yet: it's being prepared. " +
			"Once it's on its way, ask me again and I'll give you the tracking details."
	case o.FulfillmentStatus == "partially_fulfilled":
		return "Part of order " + orderName(o) + " has shipped: " + shipmentText(o.Shipments[0], now) +
			" The rest is still being prepared."
	}
	return name + " " + shipmentText(o.Shipments[0], now)
}

// shipmentText says where a parcel is, as the rest of a sentence that names it: "shipped
// with UPS. Latest status: in transit. It should arrive on Thursday, March 12. Tracking number: …".
func shipmentText(s domain.Shipment, now time.Time) string {
	status := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s.Status), "_", " "))
	carrier := ""
	if s.Carrier != "" {
		carrier = " with " + s.Carrier
	}
	var b strings.Builder
	switch {
	case status == "delivered":
		b.WriteString("was delivered" + carrier + ".")
	case status == "":
		b.WriteString("has shipped" + carrier + ".")
	default:
		b.WriteString("shipped" + carrier + ". Latest status: " + status + ".")
	}
	if eta := s.EstimatedDelivery; !eta.IsZero() && status != "delivered" {
		if eta.Before(now) && day(eta, now) != "today" {
			b.WriteString(" It was expected " + onDay(eta, now) + ", so it's running late.")
		} else {
			b.WriteString(" It should arrive " + onDay(eta, now) + ".")
		}
	}
	if s.TrackingNumber != "" {
		b.WriteString(" Tracking number: " + s.TrackingNumber + ".")
	}
	return b.String()
}
