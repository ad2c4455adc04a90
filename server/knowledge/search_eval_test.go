package knowledge_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/demo"
	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/knowledge"
	"github.com/tandemhq/tandem/store"
	"github.com/tandemhq/tandem/store/storetest"
)

// searchCase is a shopper's question and the help-centre paragraphs that answer it: the
// article's slug and a phrase of the paragraph, any of which is a right answer.
type searchCase struct {
	question string
	answers  []answerRef
}

// answerRef names one paragraph of the demo help centre.
type answerRef struct {
	slug, phrase string
}

// searchEval is the labelled evaluation set: questions shoppers ask the demo brand,
// short and long, with typos, covering every article of the help centre.
var searchEval = []searchCase{
	// Shipping times and costs.
	{"How much is shipping?", refs("shipping-times-and-costs", "costs $6.95 per order")},
	{"When do I get free shipping?", refs("shipping-times-and-costs", "Free standard shipping applies to US orders over $75")},
	{"Do you offer free shipping?", refs("shipping-times-and-costs", "Free standard shipping applies to US orders over $75")},
	{"is there a minimum for free shipping", refs("shipping-times-and-costs", "Free standard shipping applies to US orders over $75")},
	{"how long does delivery take", refs("shipping-times-and-costs", "takes 3-5 business days")},
	{"which carrier do you use?", refs("shipping-times-and-costs", "ships US orders with UPS and USPS")},
	// Expedited and overnight shipping.
	{"how much is expedited shiping", refs("expedited-and-overnight-shipping", "Expedited shipping costs $14.95", "shipping-times-and-costs", "Expedited shipping takes 2 business days")},
	{"what's the cutoff time for overnight delivery", refs("expedited-and-overnight-shipping", "The overnight cut-off is 12 pm ET")},
	{"do you deliver on weekends", refs("expedited-and-overnight-shipping", "Weekend delivery is not offered")},
	// International shipping.
	{"Do you ship to Canada?", refs("international-shipping", "ships internationally to Canada")},
	{"will I have to pay customs duties in Australia", refs("international-shipping", "Duties and taxes for Australia")},
	// Lost, late or stolen parcels.
	{"my package hasn't arrived and the tracking hasn't updated in a week", refs("lost-late-or-stolen-parcels", "A late parcel is usually only delayed")},
	{"it says delivered but I can't find my parcel", refs("lost-late-or-stolen-parcels", "A parcel marked as delivered that you cannot find", "lost-late-or-stolen-parcels", "marked as delivered but still missing")},
	{"I think my package was stolen", refs("lost-late-or-stolen-parcels", "believe was stolen", "lost-late-or-stolen-parcels", "To report a lost, late or stolen parcel")},
	// Tracking your order.
	{"how do I track my order", refs("track-your-order", "To track a Northwind order")},
	{"what does label created mean", refs("track-your-order", "Label created with no movement")},
	// Changing the address or cancelling.
	{"can I change my order address?", refs("change-address-or-cancel-order", "To change the shipping address", "change-address-or-cancel-order", "You can change the shipping address or cancel")},
	{"how do I cancel my order", refs("change-address-or-cancel-order", "To cancel an order")},
	// Editing items.
	{"can I change the size of something I just ordered", refs("edit-items-or-sizes-on-an-order", "You can change the size or colour of an item on your order")},
	{"can I add an item to my order", refs("edit-items-or-sizes-on-an-order", "Adding a new item to an order")},
	// Returns.
	{"how do I return something?", refs("returns-policy", "To start a return")},
	{"How long do I have to return an item?", refs("returns-policy", "accepts returns within 30 days")},
	{"retrun polcy", refs("returns-policy", "accepts returns within 30 days")},
	{"can I return final sale items", refs("returns-policy", "Items marked \"Final sale\" cannot be returned")},
	{"do I need the original box to send it back", refs("returns-policy", "Return packaging does not have to be the original box")},
	{"how much does a return cost", refs("returns-policy", "Refunds cost $6 for the prepaid return label", "refund-timing-and-method", "Online refunds have the $6 label fee deducted")},
	// Refunds.
	{"when will I get my refund", refs("refund-timing-and-method", "Refunds go back to your original payment method", "returns-policy", "Refunds go to your original payment method")},
	{"is the original shipping charge refunded", refs("refund-timing-and-method", "Original shipping charges are not refunded")},
	// Exchanges and in-store returns.
	{"can I exchange my jacket for a different size", refs("exchanges", "Exchanges at Northwind are free", "exchanges", "To start an exchange")},
	{"can I return my online order at the Denver store", refs("in-store-returns", "Online orders can be returned in any of our three Northwind stores")},
	// Damaged items and warranty.
	{"my item arrived damaged", refs("damaged-or-faulty-items", "Damaged or faulty items must be reported within 14 days")},
	{"you sent me the wrong item", refs("damaged-or-faulty-items", "A wrong item, such as the wrong size")},
	{"is my rain jacket under warranty", refs("trail-tested-guarantee", "The Trail-Tested Guarantee covers Northwind outerwear")},
	{"warrenty claim", refs("trail-tested-guarantee", "To make a Trail-Tested Guarantee claim")},
	// Gift cards.
	{"do gift cards expire", refs("gift-cards", "Northwind gift cards never expire")},
	{"can I buy a gift card with another gift card", refs("gift-cards", "Gift cards cannot be used to buy other gift cards")},
	// Discount codes.
	{"what coupons do you have right now", refs("current-offers-and-coupons", "WELCOME10 gives you 10% off", "current-offers-and-coupons", "TRAIL20 gives you $20 off")},
	{"can I use two discount codes on one order", refs("promotions-and-discount-codes", "one discount code per order", "current-offers-and-coupons", "Only one discount code can be used per order")},
	{"my promo code isn't working", refs("promotions-and-discount-codes", "A discount code that does not work")},
	// Summit Rewards.
	{"how do I earn points", refs("summit-rewards", "Summit Rewards points are earned on every order")},
	{"what are the rewards tiers", refs("summit-rewards", "Base Camp is the first Summit Rewards tier", "summit-rewards", "Your Summit Rewards tier is based on")},
	{"how do I redeem my points", refs("summit-rewards-redeeming-and-expiry", "To redeem Summit Rewards points")},
	{"do my points expire?", refs("summit-rewards-redeeming-and-expiry", "Summit Rewards points expire after 12 months")},
	// Refill Club.
	{"what is the refill club", refs("refill-club", "The Northwind Refill Club is our subscription")},
	{"when is my subscription charged", refs("refill-club", "Refill Club billing")},
	{"how do I skip my next coffee delivery", refs("manage-refill-club-subscription", "To skip a Refill Club delivery")},
	{"cancel my subscripton", refs("manage-refill-club-subscription", "To cancel a Refill Club subscription")},
	// Payment and price match.
	{"what payment methods do you accept", refs("payment-methods-and-instalments", "accepts Visa, Mastercard")},
	{"can I pay in installments with Klarna", refs("payment-methods-and-instalments", "Paying in instalments is available")},
	{"why was my card declined", refs("payment-methods-and-instalments", "A declined payment usually means")},
	{"the price dropped after I bought it, can I get the difference back?", refs("price-match", "If Northwind lowers the price of an item")},
	{"do you match competitors prices", refs("price-match", "does not match competitors")},
	// Product care and sizing.
	{"how should I wash merino socks", refs("product-care", "Merino wool, including Merino Trail Socks")},
	{"how do I clean my waterproof jacket", refs("product-care", "Waterproof jackets and shells need regular washing")},
	{"I'm between two sizes, which should I pick?", refs("sizing-help", "Between two sizes?")},
	{"how do I measure my chest", refs("sizing-help", "To measure your chest")},
	// Contact and account.
	{"what is your phone number", refs("contact-us", "Call Northwind customer care on 1-800-555-0199")},
	{"what are your chat hours", refs("contact-us", "Chat with Northwind is open daily")},
	{"I forgot my password", refs("customer-hub-account", "Forgot your password?")},
	{"how do I delete my account", refs("customer-hub-account", "To close your account")},
}

// Floors of the evaluation: the share of questions whose best result, or one of whose
// first three results, is a right answer.
const (
	minTop1 = 0.80
	minTop3 = 0.88
)

// refs pairs slugs and phrases: refs(slug1, phrase1, slug2, phrase2...).
func refs(slugAndPhrase ...string) []answerRef {
	var out []answerRef
	for i := 0; i+1 < len(slugAndPhrase); i += 2 {
		out = append(out, answerRef{slug: slugAndPhrase[i], phrase: slugAndPhrase[i+1]})
	}
	return out
}

// TestSearchEvaluation searches the demo help centre with the evaluation set, reports
// the top-1 and top-3 accuracy and the misses, and fails below the floors.
func TestSearchEvaluation(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	st := store.New(storetest.Pool(t))
	account := domain.Account{
		ID: "5f0c1c6e-8f7a-4f7e-9a51-0d7f3c2b9e10", Name: "Northwind", SiteKey: "site_eval", IdentitySecret: "s",
		Greeting: "Hi", TimeZone: "UTC", CreatedAt: time.Now().UTC().Truncate(time.Microsecond),
	}
	if err := st.CreateAccount(ctx, account, nil); err != nil {
		t.Fatal(err)
	}
	svc := knowledge.NewService(st)
	articles := demo.KnowledgeArticles()
	for _, a := range articles {
		if _, err := svc.Create(ctx, account.ID, a); err != nil {
			t.Fatalf("create %q: %v", a.Title, err)
		}
	}
	checkEvalLabels(t, articles)

	covered := map[string]bool{}
	var top1, top3 int
	for _, c := range searchEval {
		for _, r := range c.answers {
			covered[r.slug] = true
		}
		got, err := svc.Search(ctx, account.ID, c.question, nil, 3)
		if err != nil {
			t.Fatalf("Search(%q): %v", c.question, err)
		}
		rank := answerRank(got, c.answers)
		switch {
		case rank == 0:
			top1++
			top3++
		case rank > 0:
			top3++
		}
		if rank != 0 {
			best := "nothing"
			if len(got) > 0 {
				best = slugOf(got[0].URL) + ": " + got[0].Passage
			}
			where := "not in the first 3"
			if rank > 0 {
				where = fmt.Sprintf("result %d", rank+1)
			}
			t.Logf("miss (%s) %q\n\tgot  %.110s\n\twant %s: %s", where, c.question, best, c.answers[0].slug, c.answers[0].phrase)
		}
	}
	for _, a := range articles {
		if !covered[slugOf(a.URL)] {
			t.Errorf("no question of the evaluation set is answered by %s", slugOf(a.URL))
		}
	}
	n := float64(len(searchEval))
	t.Logf("%d questions: top-1 %.1f%% (%d), top-3 %.1f%% (%d)", len(searchEval), 100*float64(top1)/n, top1, 100*float64(top3)/n, top3)
	if float64(top1)/n < minTop1 || float64(top3)/n < minTop3 {
		t.Errorf("accuracy below the floor: top-1 %.1f%% (want %.0f%%), top-3 %.1f%% (want %.0f%%)",
			100*float64(top1)/n, 100*minTop1, 100*float64(top3)/n, 100*minTop3)
	}
}

// answerRank returns the position of the first right answer among the results, -1 if
// there is none.
func answerRank(got []domain.KnowledgePassage, answers []answerRef) int {
	for i, p := range got {
		for _, r := range answers {
			if slugOf(p.URL) == r.slug && strings.Contains(p.Passage, r.phrase) {
				return i
			}
		}
	}
	return -1
}

// checkEvalLabels fails the test if a label names no paragraph of the help centre, so a
// rewritten article cannot silently turn a question into a certain miss.
func checkEvalLabels(t *testing.T, articles []domain.KnowledgeArticle) {
	t.Helper()
	bodies := map[string]string{}
	for _, a := range articles {
		bodies[slugOf(a.URL)] = a.Body
	}
	for _, c := range searchEval {
		for _, r := range c.answers {
			if !strings.Contains(bodies[r.slug], r.phrase) {
				t.Errorf("label of %q: %s has no paragraph with %q", c.question, r.slug, r.phrase)
			}
		}
	}
}

// slugOf returns the help-centre slug of an article URL.
func slugOf(url string) string {
	return strings.TrimPrefix(url, demo.HelpCentreURL)
}
