package agent

import (
	"context"
	"strings"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// recentOrders is how many orders the order skills read when none is named.
const recentOrders = 5

// findOrder returns the order the visitor means: the one whose number was mentioned in
// the conversation, else the one choose picks from the customer's recent orders (newest
// first), with the others. When there is no such order it returns the answer that says
// so plainly instead.
func findOrder(ctx context.Context, r *request, choose func([]tools.Order) tools.Order) (tools.Order, []tools.Order, *answer, error) {
	c := *r.customer
	if n := r.memory.orderNumber; n != "" {
		o, err := r.tools.Orders.OrderByNumber(ctx, c, n)
		if domain.CodeOf(err) != domain.ENotFound {
			return o, nil, nil, err
		}
		recent, err := r.tools.Orders.RecentOrders(ctx, c, recentOrders)
		if err != nil {
			return tools.Order{}, nil, nil, err
		}
		ans := &answer{text: "I couldn't find order #" + n + " on your account."}
		if len(recent) > 0 {
			ans.text += " Your most recent orders are " + list(orderNumbers(recent)) + ": which one do you mean?"
		}
		return tools.Order{}, nil, ans, nil
	}
	recent, err := r.tools.Orders.RecentOrders(ctx, c, recentOrders)
	if err != nil {
		return tools.Order{}, nil, nil, err
	}
	if len(recent) == 0 {
		return tools.Order{}, nil, &answer{noAnswer: true, text: "I couldn't find any orders on your account (" + c.Email + "). " +
			"If you ordered with a different email address, someone from our team can look it up."}, nil
	}
	o := choose(recent)
	var others []tools.Order
	for _, x := range recent {
		if x.ID != o.ID {
			others = append(others, x)
		}
	}
	return o, others, nil, nil
}

func orderNumbers(os []tools.Order) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Number
	}
	return out
}

// latest picks the newest order.
func latest(os []tools.Order) tools.Order { return os[0] }

// isOpen reports whether an order is still on its way to the customer.
func isOpen(o tools.Order) bool {
	return o.FulfillmentStatus != "delivered" && o.FulfillmentStatus != "cancelled"
}

// orderName is the order's number as written in answers: "#1042".
func orderName(o tools.Order) string {
	return "#" + digits(o.Number)
}

// orderPage is the order's page in the customer's Customer Hub, else the store's order
// status page.
func orderPage(c *tools.Customer, o tools.Order) string {
	return hubURL(c, o.StatusURL, hubOrders, digits(o.Number))
}

// orderCard is the ORDER card of an order with the given buttons.
func orderCard(o tools.Order, actions []domain.CardAction) domain.Card {
	return domain.Card{
		Type:     domain.CardOrder,
		Title:    "Order " + orderName(o),
		Subtitle: statusWords(o.FulfillmentStatus),
		Actions:  actions,
		Order: &domain.OrderCard{
			OrderID: o.ID, Number: orderName(o), Status: statusWords(o.FulfillmentStatus), PlacedAt: o.PlacedAt,
			Total: o.Total, LineItems: o.LineItems, Shipments: o.Shipments,
		},
	}
}

// sentence ends s with a full stop unless it ends with punctuation already.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// needsOrders is the readiness of the order skills: profiles and orders connected.
func needsOrders(ts tools.Set) bool {
	return ts.Profiles != nil && ts.Orders != nil
}
