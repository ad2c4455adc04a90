package agent

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/router"
	"github.com/tandemhq/tandem/server/skill"
	"github.com/tandemhq/tandem/server/tools"
)

// now is the tests' clock: Tuesday, March 10, 2026, noon UTC.
var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

const hub = "https://northwind.example/account"

func usd(cents int64) domain.Money { return domain.Money{MinorUnits: cents, Currency: "USD"} }

// shop is a small fake of every tool, holding the demo brand's facts (Northwind
// Outfitters): Ava Chen and Marcus Reed, their orders, subscriptions, points and
// coupons, a few products and knowledge passages. fail makes a method fail.
type shop struct {
	customers []tools.Customer
	orders    map[string][]tools.Order // by profile id, newest first
	returns   map[string]tools.ReturnOption
	subs      map[string][]tools.Subscription
	balances  map[string]tools.LoyaltyBalance
	public    []tools.Coupon
	personal  map[string][]tools.Coupon
	products  []tools.Product
	passages  []domain.KnowledgePassage

	mu    sync.Mutex
	fail  map[string]error
	calls []string
}

func (s *shop) call(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, name)
	return s.fail[name]
}

func (s *shop) called(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.calls, name)
}

func notFound() error { return domain.Errorf(domain.ENotFound, "not found") }

func (s *shop) CustomerByID(_ context.Context, id string) (tools.Customer, error) {
	if err := s.call("CustomerByID"); err != nil {
		return tools.Customer{}, err
	}
	for _, c := range s.customers {
		if c.ProfileID == id {
			return c, nil
		}
	}
	return tools.Customer{}, notFound()
}

func (s *shop) CustomerByEmail(_ context.Context, email string) (tools.Customer, error) {
	if err := s.call("CustomerByEmail"); err != nil {
		return tools.Customer{}, err
	}
	for _, c := range s.customers {
		if strings.EqualFold(c.Email, email) {
			return c, nil
		}
	}
	return tools.Customer{}, notFound()
}

func (s *shop) RecentOrders(_ context.Context, c tools.Customer, limit int) ([]tools.Order, error) {
	if err := s.call("RecentOrders"); err != nil {
		return nil, err
	}
	os := s.orders[c.ProfileID]
	return os[:min(limit, len(os))], nil
}

func (s *shop) OrderByNumber(_ context.Context, c tools.Customer, number string) (tools.Order, error) {
	if err := s.call("OrderByNumber"); err != nil {
		return tools.Order{}, err
	}
	for _, o := range s.orders[c.ProfileID] {
		if o.Number == "#"+strings.TrimPrefix(number, "#") {
			return o, nil
		}
	}
	return tools.Order{}, notFound()
}

func (s *shop) ReturnOption(_ context.Context, _ tools.Customer, o tools.Order) (tools.ReturnOption, error) {
	if err := s.call("ReturnOption"); err != nil {
		return tools.ReturnOption{}, err
	}
	if r, ok := s.returns[o.Number]; ok {
		return r, nil
	}
	return tools.ReturnOption{Reason: "It hasn't been delivered yet."}, nil
}

func (s *shop) Subscriptions(_ context.Context, c tools.Customer) ([]tools.Subscription, error) {
	if err := s.call("Subscriptions"); err != nil {
		return nil, err
	}
	return s.subs[c.ProfileID], nil
}

func (s *shop) Balance(_ context.Context, c tools.Customer) (tools.LoyaltyBalance, error) {
	if err := s.call("Balance"); err != nil {
		return tools.LoyaltyBalance{}, err
	}
	b, ok := s.balances[c.ProfileID]
	if !ok {
		return b, notFound()
	}
	return b, nil
}

func (s *shop) PublicCoupons(context.Context) ([]tools.Coupon, error) {
	if err := s.call("PublicCoupons"); err != nil {
		return nil, err
	}
	return s.public, nil
}

func (s *shop) PersonalCoupons(_ context.Context, c tools.Customer) ([]tools.Coupon, error) {
	if err := s.call("PersonalCoupons"); err != nil {
		return nil, err
	}
	return s.personal[c.ProfileID], nil
}

// SearchProducts returns the products whose title, description or tags hold every
// word of the query.
func (s *shop) SearchProducts(_ context.Context, query string, limit int) ([]tools.Product, error) {
	if err := s.call("SearchProducts"); err != nil {
		return nil, err
	}
	var out []tools.Product
	for _, p := range s.products {
		hay := strings.ToLower(p.Title + " " + p.Description + " " + strings.Join(p.Tags, " "))
		all := true
		for _, w := range strings.Fields(query) {
			all = all && strings.Contains(hay, strings.TrimSuffix(w, "s"))
		}
		if all && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}

// SearchKnowledge returns the passages of the topics sharing the most words of five
// letters or more with the query.
func (s *shop) SearchKnowledge(_ context.Context, query string, topics []domain.KnowledgeTopic, limit int) ([]domain.KnowledgePassage, error) {
	if err := s.call("SearchKnowledge"); err != nil {
		return nil, err
	}
	var out []domain.KnowledgePassage
	for _, p := range s.passages {
		if len(topics) > 0 && !slices.Contains(topics, p.Topic) {
			continue
		}
		hay := strings.ToLower(p.Title + " " + p.Passage)
		score := 0
		for _, w := range strings.Fields(strings.ToLower(query)) {
			if w = strings.Trim(w, "?!.,"); len(w) >= 5 && strings.Contains(hay, w) {
				score++
			}
		}
		if score > 0 {
			p.Score = float32(score)
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b domain.KnowledgePassage) int { return int(b.Score - a.Score) })
	return out[:min(limit, len(out))], nil
}

// set is the shop as a connected tool set.
func (s *shop) set() tools.Set {
	return tools.Set{Profiles: s, Orders: s, Returns: s, Subscriptions: s, Loyalty: s, Coupons: s, Products: s, Knowledge: s}
}

// resolver resolves a tool set, or fails.
type resolver struct {
	set tools.Set
	err error
}

func (r resolver) Tools(context.Context, string) (tools.Set, error) { return r.set, r.err }

// statuses derives every skill as live except the unavailable ones, for an account in
// zone (UTC when nil).
type statuses struct {
	unavailable []domain.SkillID
	calls       *int
	zone        *time.Location
}

func (s statuses) Statuses(context.Context, string) (skill.Statuses, error) {
	if s.calls != nil {
		*s.calls++
	}
	out := skill.Statuses{Skills: map[domain.SkillID]skill.Derived{}, Location: cmp.Or(s.zone, time.UTC)}
	for _, sk := range skill.Catalog() {
		out.Skills[sk.ID] = skill.Derived{Status: skill.StatusLive}
		if slices.Contains(s.unavailable, sk.ID) {
			out.Skills[sk.ID] = skill.Derived{Status: skill.StatusUnavailable, Reason: "Connect a returns provider (Loop, AfterShip)"}
		}
	}
	return out, nil
}

var (
	ava = tools.Customer{ProfileID: "cust_1001", Email: "ava.chen@example.com", FirstName: "Ava", LastName: "Chen", HubURL: hub}
	// marcus has orders of his own, and none of Ava's.
	marcus = tools.Customer{ProfileID: "cust_1002", Email: "marcus.reed@example.com", FirstName: "Marcus", LastName: "Reed", HubURL: hub}
)

const upsTracking = "https://www.ups.com/track?tracknum=1Z999AA10123456784"

// newShop is the demo brand's data.
func newShop() *shop {
	day := 24 * time.Hour
	jacket := domain.LineItem{Title: "Ridgeline Rain Jacket", Variant: "Blue / M", Quantity: 1}
	return &shop{
		customers: []tools.Customer{ava, marcus},
		orders: map[string][]tools.Order{
			"cust_1001": {
				{ID: "o1045", Number: "#1045", PlacedAt: now.Add(-20 * time.Minute), FulfillmentStatus: "unfulfilled", Total: usd(8900),
					LineItems: []domain.LineItem{{Title: "Camp Mug", Quantity: 2}}, StatusURL: "https://northwind.example/orders/1045"},
				{ID: "o1042", Number: "#1042", PlacedAt: now.Add(-3 * day), FulfillmentStatus: "fulfilled", Total: usd(18900),
					LineItems: []domain.LineItem{jacket},
					Shipments: []domain.Shipment{{Carrier: "UPS", TrackingNumber: "1Z999AA10123456784", TrackingURL: upsTracking,
						Status: "in transit", EstimatedDelivery: now.Add(2 * day)}}},
				{ID: "o1037", Number: "#1037", PlacedAt: now.Add(-15 * day), FulfillmentStatus: "delivered", Total: usd(6400),
					Shipments: []domain.Shipment{{Carrier: "USPS", TrackingNumber: "9400", Status: "delivered"}}},
				{ID: "o1029", Number: "#1029", PlacedAt: now.Add(-50 * day), FulfillmentStatus: "delivered", Total: usd(12000)},
			},
			"cust_1002": {
				{ID: "o1040", Number: "#1040", PlacedAt: now.Add(-9 * day), FulfillmentStatus: "delivered", Total: usd(4500)},
			},
		},
		returns: map[string]tools.ReturnOption{
			"#1037": {Eligible: true, WindowEndsAt: now.Add(20 * day), PortalURL: "https://northwind.example/returns?order=1037"},
			"#1029": {Reason: "The 30-day return window ended on February 3"},
			"#1040": {Reason: "It contains a final-sale item, which cannot be returned"},
		},
		subs: map[string][]tools.Subscription{
			"cust_1001": {{ID: "sub_1", ProductTitle: "Camp Coffee - Dark Roast 12 oz", Status: "active", Interval: "every 30 days",
				NextChargeAt: now.Add(9 * day), Price: usd(1530), ManageURL: hub + "/subscriptions"}},
			"cust_1002": {{ID: "sub_2", ProductTitle: "Merino Trail Socks (3-pack)", Status: "paused", Interval: "every 60 days",
				Price: usd(3150), ManageURL: hub + "/subscriptions"}},
		},
		balances: map[string]tools.LoyaltyBalance{
			"cust_1001": {Points: 820, Tier: "Ridge", NextTier: "Summit", PointsToNextTier: 680, RewardsURL: hub + "/rewards"},
			"cust_1002": {Points: 120, Tier: "Base Camp", NextTier: "Ridge", PointsToNextTier: 380, RewardsURL: hub + "/rewards"},
		},
		public: []tools.Coupon{
			{Code: "WELCOME10", Description: "10% off your first order"},
			{Code: "TRAIL20", Description: "$20 off", MinimumSpend: &domain.Money{MinorUnits: 15000, Currency: "USD"},
				ExpiresAt: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)},
		},
		personal: map[string][]tools.Coupon{
			"cust_1001": {{Code: "BDAY-AVA15", Description: "15% off, a birthday gift", ExpiresAt: now.Add(20 * day), Personal: true}},
		},
		products: []tools.Product{
			{ID: "p1", Title: "Ridgeline Rain Jacket - Red", Description: "Waterproof, breathable shell for wet trails.", Price: usd(18900),
				URL: "https://northwind.example/products/ridgeline-red", InStock: true, Tags: []string{"rain", "jacket", "red"}},
			{ID: "p2", Title: "Ridgeline Rain Jacket - Blue", Description: "Waterproof, breathable shell for wet trails.", Price: usd(18900),
				URL: "https://northwind.example/products/ridgeline-blue", InStock: true, Tags: []string{"rain", "jacket", "blue"}},
			{ID: "p3", Title: "Summit 2 Tent", Description: "Two-person backpacking tent, 1.9 kg.", Price: usd(34900),
				URL: "https://northwind.example/products/summit-2", InStock: false, Tags: []string{"tent"}},
		},
		passages: []domain.KnowledgePassage{
			{ArticleID: "a1", Title: "International shipping", Topic: domain.TopicShipping, URL: "https://northwind.example/help/international-shipping",
				Passage: "We ship to Canada, the UK, the EU and Australia in 7-14 business days for $19.95. Duties and taxes are collected at checkout for Canada, the UK and the EU."},
			{ArticleID: "a2", Title: "Returns & exchanges", Topic: domain.TopicReturnsPolicy, URL: "https://northwind.example/help/returns",
				Passage: "You can return unworn, unwashed items with tags attached within 30 days of delivery. Exchanges are free; refunds cost $6 for the prepaid return label."},
			{ArticleID: "a3", Title: "Changing or cancelling an order", Topic: domain.TopicOrderEditPolicy, URL: "https://northwind.example/help/order-changes",
				Passage: "You can change the address or cancel an order until it is packed, usually within 2 hours of ordering. Once shipped, the address cannot change, though the carrier may redirect the parcel."},
			{ArticleID: "a4", Title: "Northwind Refill Club", Topic: domain.TopicSubscriptionPolicy, URL: "https://northwind.example/help/refill-club",
				Passage: "Skip, pause, swap, change frequency or cancel any time in Customer Hub up to 3 days before the next charge."},
			{ArticleID: "a5", Title: "Summit Rewards", Topic: domain.TopicLoyaltyProgram, URL: "https://northwind.example/help/rewards",
				Passage: "Every 100 points is worth a $5 reward: redeem points at checkout or in Customer Hub."},
			{ArticleID: "a6", Title: "Promotions and discount codes", Topic: domain.TopicCoupons, URL: "https://northwind.example/help/promotions",
				Passage: "One code per order; codes do not apply to gift cards or final-sale items."},
		},
	}
}

// setup is a test bundle: the agent over the demo shop with every skill live.
type setup struct {
	shop   *shop
	agent  *Agent
	status *statuses
}

func newSetup(t testing.TB, opts ...func(*Options)) *setup {
	t.Helper()
	s := &setup{shop: newShop(), status: &statuses{calls: new(int)}}
	o := Options{Router: router.NewOffline(nil), Statuses: s.status, Tools: resolver{set: s.shop.set()},
		Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
	for _, f := range opts {
		f(&o)
	}
	s.agent = New(o)
	return s
}

// visitors of the tests.
var (
	avaLoggedIn = domain.Visitor{Authenticated: true, ProfileID: "cust_1001", Email: "ava.chen@example.com", Name: "Ava Chen"}
	anonymous   = domain.Visitor{}
)

// chat drives one conversation turn by turn, keeping its history as the conversation
// service does (the visitor's message carries the skill the agent chose).
type chat struct {
	t       *testing.T
	agent   *Agent
	conv    domain.Conversation
	history []domain.Message
}

func (s *setup) chat(t *testing.T, ch domain.Channel, v domain.Visitor) *chat {
	return &chat{t: t, agent: s.agent, conv: domain.Conversation{AccountID: "acc_1", ID: "conv_1", Channel: ch,
		Status: domain.StatusAIActive, Visitor: v}}
}

func (c *chat) send(text string) domain.Reply {
	return c.turn(domain.Turn{Message: domain.Message{Author: domain.AuthorVisitor, Text: text}})
}

func (c *chat) press(quickReply string) domain.Reply {
	return c.turn(domain.Turn{Message: domain.Message{Author: domain.AuthorVisitor, Text: quickReply}, QuickReplyID: quickReply})
}

func (c *chat) turn(t domain.Turn) domain.Reply {
	c.t.Helper()
	t.Conversation, t.History = c.conv, slices.Clone(c.history)
	r, err := c.agent.Respond(context.Background(), t)
	if err != nil {
		c.t.Fatalf("Respond(%q): %v", t.Message.Text, err)
	}
	if len(r.Messages) == 0 {
		c.t.Fatalf("Respond(%q) said nothing", t.Message.Text)
	}
	if r.Skill != "" {
		c.conv.ActiveSkill = r.Skill
	}
	t.Message.Skill = c.conv.ActiveSkill
	c.history = append(c.history, t.Message)
	for _, m := range r.Messages {
		if m.Skill == "" {
			m.Skill = c.conv.ActiveSkill
		}
		c.history = append(c.history, m)
	}
	return r
}

// text is every message of the reply, one after the other.
func text(r domain.Reply) string {
	var parts []string
	for _, m := range r.Messages {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n---\n")
}

// cards are the reply's cards.
func cards(r domain.Reply) []domain.Card {
	var out []domain.Card
	for _, m := range r.Messages {
		if m.Card != nil {
			out = append(out, *m.Card)
		}
	}
	return out
}

// actionURL is the address of the card's button with the label, or "".
func actionURL(c domain.Card, label string) string {
	for _, a := range c.Actions {
		if a.Label == label {
			return a.URL
		}
	}
	return ""
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("reply %q\ndoes not mention %q", got, w)
		}
	}
}

func mustNotContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if strings.Contains(got, w) {
			t.Errorf("reply %q\nmentions %q", got, w)
		}
	}
}
