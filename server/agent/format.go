package agent

import (
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools"
)

// currencySymbols are the symbols written before an amount; other currencies get their
// code after it.
var currencySymbols = map[string]string{"USD": "$", "CAD": "$", "AUD": "$", "GBP": "£", "EUR": "€"}

// money writes an amount as a shopper reads it: "$20", "$6.95", "12.50 CHF". It assumes
// two decimals, as the stores' currencies have.
func money(m domain.Money) string {
	amount := fmt.Sprintf("%d.%02d", m.MinorUnits/100, abs(m.MinorUnits%100))
	amount = strings.TrimSuffix(amount, ".00")
	if sym, ok := currencySymbols[m.Currency]; ok {
		return sym + amount
	}
	return strings.TrimSpace(amount + " " + m.Currency)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// day writes t's date in now's time zone (the account's), relative to now: "today",
// "tomorrow", "yesterday", "Thursday, March 12", with the year when it is not this
// year's.
func day(t, now time.Time) string {
	t = t.In(now.Location())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	switch days := int(time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC).Sub(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC)).Hours() / 24); {
	case days == 0:
		return "today"
	case days == 1:
		return "tomorrow"
	case days == -1:
		return "yesterday"
	case y1 == y2:
		return t.Format("Monday, January 2")
	default:
		return t.Format("January 2, 2006")
	}
}

// onDay is day with "on" where it needs one: "on Thursday, March 12", "today".
func onDay(t, now time.Time) string {
	d := day(t, now)
	switch d {
	case "today", "tomorrow", "yesterday":
		return d
	}
	return "on " + d
}

// fulfillmentWords say an order's fulfillment status as a shopper reads it.
var fulfillmentWords = map[string]string{
	"unfulfilled":         "Being prepared",
	"partially_fulfilled": "Partly shipped",
	"fulfilled":           "Shipped",
	"delivered":           "Delivered",
	"cancelled":           "Cancelled",
}

func statusWords(status string) string {
	if w, ok := fulfillmentWords[status]; ok {
		return w
	}
	return strings.ReplaceAll(status, "_", " ")
}

// The Customer Hub sections.
const (
	hubOrders        = "orders"
	hubReturns       = "returns"
	hubSubscriptions = "subscriptions"
	hubRewards       = "rewards"
)

// hubURL is a section of the customer's Customer Hub ("…/account/orders/1042"), or
// fallback when the customer has no hub.
func hubURL(c *tools.Customer, fallback string, section ...string) string {
	if c == nil || c.HubURL == "" {
		return fallback
	}
	return strings.TrimRight(c.HubURL, "/") + "/" + strings.Join(section, "/")
}

// linkTo is a link, or nil when there is no address.
func linkTo(label, url string) *domain.Link {
	if url == "" {
		return nil
	}
	return &domain.Link{Label: label, URL: url}
}

// action is a card button opening url; none when url is empty.
func action(label, url string) []domain.CardAction {
	if url == "" {
		return nil
	}
	return []domain.CardAction{{Label: label, URL: url}}
}

// list joins items as a sentence does: "a", "a and b", "a, b and c".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
