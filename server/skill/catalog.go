// Package skill is the skill catalog and the rule that derives each skill's status from
// an account's state.
//
// The catalog is fixed: eight skills, each with its copy (what a brand admin reads in the
// dashboard), category, tools, channels, login requirement and prerequisites. Skills are
// never switched on or off one by one; Derive computes a skill's status (LIVE,
// COMING_SOON or UNAVAILABLE with the reason and the missing prerequisites) from an
// AccountState at read time, and nothing of it is stored.
//
// The package is pure domain: it knows nothing of protobuf or SQL. Handlers map these
// string types to the contract's enums, and the store builds the AccountState.
package skill

import (
	"slices"

	"github.com/tandemhq/tandem/server/domain"
)

// Category groups skills.
type Category string

// The categories.
const (
	// CategoryPostPurchase is about an order already placed.
	CategoryPostPurchase Category = "post_purchase"
	// CategoryCore is core pre- and post-sale help.
	CategoryCore Category = "core"
)

// Login says whether a skill needs an authenticated visitor.
type Login string

// The login requirements.
const (
	// LoginNone means the skill answers anyone.
	LoginNone Login = "none"
	// LoginPartial means the skill answers anyone, but personal answers need login.
	LoginPartial Login = "partial"
	// LoginRequired means the skill answers only authenticated visitors.
	LoginRequired Login = "required"
)

// Tool is something a skill calls to answer.
type Tool string

// The tools.
const (
	// ToolProfileLookup reads the customer's profile and orders.
	ToolProfileLookup Tool = "profile_lookup"
	// ToolKnowledgeSearch searches the account's knowledge base.
	ToolKnowledgeSearch Tool = "knowledge_search"
	// ToolOrderStatus reads an order's status and tracking (Shopify).
	ToolOrderStatus Tool = "order_status"
	// ToolReturnsPortal builds a link into the returns portal.
	ToolReturnsPortal Tool = "returns_portal"
	// ToolSubscriptionLookup reads the customer's subscriptions.
	ToolSubscriptionLookup Tool = "subscription_lookup"
	// ToolLoyaltyBalance reads the customer's loyalty points and tier.
	ToolLoyaltyBalance Tool = "loyalty_balance"
	// ToolCouponLookup finds public and personal coupons.
	ToolCouponLookup Tool = "coupon_lookup"
	// ToolProductSearch searches the product catalog.
	ToolProductSearch Tool = "product_search"
)

// Skill is one skill of the catalog: what it does, what it calls, where it answers and
// what it needs to go live. Its status is not part of it; see Derive.
type Skill struct {
	// ID identifies the skill.
	ID domain.SkillID
	// Name is the skill's display name.
	Name string
	// Overview says what the skill does.
	Overview string
	// WhenUsed says which visitor messages the router sends to it.
	WhenUsed string
	// HowItResponds says how it answers, per channel where that differs.
	HowItResponds string
	// Category groups the skill.
	Category Category
	// Tools are the tools it calls, in the order it usually calls them.
	Tools []Tool
	// Channels are the channels it answers on; all four by default.
	Channels []domain.Channel
	// Login says whether it needs an authenticated visitor. Login is a per-conversation
	// matter handled by the agent, not a prerequisite of the skill's status.
	Login Login
	// Prerequisites are everything it needs to go live, in display order: the Customer
	// Agent, Customer Hub, the integration, then knowledge content.
	Prerequisites []Prerequisite
	// ComingSoon is set while the skill is in the catalog but not released.
	ComingSoon bool
}

// AllChannels returns the four channels, the default channel set of every skill.
func AllChannels() []domain.Channel {
	return []domain.Channel{
		domain.ChannelWebchat,
		domain.ChannelSMS,
		domain.ChannelWhatsApp,
		domain.ChannelEmail,
	}
}

// catalog is the source of Catalog, in catalog order (the rows of DESIGN.md §1's table).
// It is never handed out directly: Catalog and Lookup return deep copies.
var catalog = []Skill{
	{
		ID:       domain.SkillReturnsExchanges,
		Name:     "Returns & exchanges",
		Category: CategoryPostPurchase,
		Overview: "Checks whether an order can be returned or exchanged under your returns & " +
			"exchange policy and sends shoppers to your returns portal (Loop or AfterShip) " +
			"with the order ready to go.",
		WhenUsed: "A shopper wants to return or exchange an item, asks how long they have to " +
			"send something back, wants a different size or colour, or asks when their " +
			"refund will arrive.",
		HowItResponds: "Finds the order the shopper means, checks its delivery date against " +
			"the return window in your policy, and explains which items qualify, what they " +
			"cost to send back and how refunds or exchanges are issued. It then links to " +
			"your returns portal for that order: a return card with a \"Start a return\" " +
			"button on web chat, a Customer Hub link on SMS, WhatsApp and email.",
		Tools:    []Tool{ToolProfileLookup, ToolOrderStatus, ToolReturnsPortal, ToolKnowledgeSearch},
		Channels: AllChannels(),
		Login:    LoginRequired,
		Prerequisites: []Prerequisite{
			PrerequisiteAgentEnabled, PrerequisiteCustomerHub, PrerequisiteReturnsProvider, PrerequisiteReturnsPolicy,
		},
	},
	{
		ID:       domain.SkillOrderEditing,
		Name:     "Order editing",
		Category: CategoryPostPurchase,
		Overview: "Helps shoppers change or cancel an order before it ships — shipping " +
			"address, items, sizes or colours — within your order edit & cancel policy.",
		WhenUsed: "A shopper wants to cancel an order, fix the delivery address, swap a size " +
			"or colour, or add or remove an item after checking out.",
		HowItResponds: "Looks the order up in Shopify and checks its fulfilment status against " +
			"the edit window in your policy. If the order can still change, it says what can " +
			"be edited and links to the order in Customer Hub to make the change; if it has " +
			"already shipped or the window has closed, it explains why and what your policy " +
			"offers instead.",
		Tools:    []Tool{ToolProfileLookup, ToolOrderStatus, ToolKnowledgeSearch},
		Channels: AllChannels(),
		Login:    LoginRequired,
		Prerequisites: []Prerequisite{
			PrerequisiteAgentEnabled, PrerequisiteCustomerHub, PrerequisiteShopify, PrerequisiteOrderEditPolicy,
		},
	},
	{
		ID:       domain.SkillSubscriptions,
		Name:     "Subscriptions",
		Category: CategoryPostPurchase,
		Overview: "Lets subscribers manage their subscription in the conversation — next " +
			"delivery, skip, pause, swap products, change frequency or cancel — following " +
			"your subscription policy.",
		WhenUsed: "A shopper asks when their next subscription order ships or what it will " +
			"cost, or wants to skip, pause, reschedule, change or cancel a subscription.",
		HowItResponds: "Looks up the shopper's subscriptions and answers with the next charge " +
			"date, the items and the frequency, then explains the options your policy allows " +
			"(such as cancellation notice or minimum orders) with a link to make the change " +
			"in Customer Hub. Web chat shows a subscription card; SMS, WhatsApp and email get " +
			"the same details as text with the link.",
		Tools:    []Tool{ToolProfileLookup, ToolSubscriptionLookup, ToolKnowledgeSearch},
		Channels: AllChannels(),
		Login:    LoginRequired,
		Prerequisites: []Prerequisite{
			PrerequisiteAgentEnabled, PrerequisiteCustomerHub, PrerequisiteSubscriptionProvider, PrerequisiteSubscriptionPolicy,
		},
	},
	{
		ID:       domain.SkillLoyalty,
		Name:     "Loyalty",
		Category: CategoryPostPurchase,
		Overview: "Answers loyalty questions with the shopper's own numbers: points balance, " +
			"tier, rewards they can redeem now and how to earn more.",
		WhenUsed: "A shopper asks how many points they have, what tier they are in, how to " +
			"redeem a reward, why points are missing, or how the loyalty program works.",
		HowItResponds: "Reads the shopper's balance and tier from your loyalty provider and " +
			"combines them with your program details: points available, progress to the next " +
			"tier and the rewards within reach. Web chat shows a loyalty card; SMS, WhatsApp " +
			"and email get the summary with a link to the rewards page in Customer Hub.",
		Tools:    []Tool{ToolProfileLookup, ToolLoyaltyBalance, ToolKnowledgeSearch},
		Channels: AllChannels(),
		Login:    LoginRequired,
		Prerequisites: []Prerequisite{
			PrerequisiteAgentEnabled, PrerequisiteCustomerHub, PrerequisiteLoyaltyProvider, PrerequisiteLoyaltyProgram,
		},
	},
	{
		ID:       domain.SkillOrderTracking,
		Name:     "Order tracking",
		Category: CategoryPostPurchase,
		Overview: "Tells shoppers where their order is — fulfilment status, carrier, tracking " +
			"number and expected delivery — straight from Shopify.",
		WhenUsed: "A shopper asks where their order is, when it will arrive, whether it has " +
			"shipped, or why the tracking has not moved.",
		HowItResponds: "Looks up the shopper's recent orders, picks the one they mean (asking " +
			"which when several are open) and replies with its current status, carrier and " +
			"expected delivery date. Web chat shows an order card with a \"Track order\" " +
			"button; SMS, WhatsApp and email get the same details with the tracking link.",
		Tools:         []Tool{ToolProfileLookup, ToolOrderStatus},
		Channels:      AllChannels(),
		Login:         LoginRequired,
		Prerequisites: []Prerequisite{PrerequisiteAgentEnabled, PrerequisiteShopify},
	},
	{
		ID:       domain.SkillCouponsDiscounts,
		Name:     "Coupons & discounts",
		Category: CategoryCore,
		Overview: "Explains your current promotions and discount rules and helps shoppers find " +
			"a code that works, including coupons issued to them personally.",
		WhenUsed: "A shopper asks for a discount code, whether a sale applies to an item, why " +
			"a code was rejected at checkout, or whether offers can be combined.",
		HowItResponds: "Answers from your coupon & discount information: active offers, " +
			"exclusions, minimum spend and expiry dates. For a logged-in shopper it also looks " +
			"up the coupons issued to them; anonymous shoppers get your public offers and an " +
			"invitation to log in for personal ones. Web chat shows a coupon card with the " +
			"code to copy; other channels get the code and its conditions as text.",
		Tools:         []Tool{ToolCouponLookup, ToolKnowledgeSearch, ToolProfileLookup},
		Channels:      AllChannels(),
		Login:         LoginPartial,
		Prerequisites: []Prerequisite{PrerequisiteAgentEnabled, PrerequisiteCouponInfo},
	},
	{
		ID:       domain.SkillGeneralQA,
		Name:     "General Q&A",
		Category: CategoryCore,
		Overview: "Answers general questions about your store — shipping, payments, sizing, " +
			"product care, store policies — from your FAQ and knowledge articles.",
		WhenUsed: "A question about your store or products that no other skill covers, such " +
			"as shipping times and costs, international delivery, payment options, sizing or " +
			"care instructions.",
		HowItResponds: "Searches your knowledge base for the passages that answer the question " +
			"and replies in a few sentences in its own words, linking to the full article " +
			"when you publish it. When nothing in your knowledge base answers, it offers your " +
			"team instead of guessing.",
		Tools:         []Tool{ToolKnowledgeSearch},
		Channels:      AllChannels(),
		Login:         LoginNone,
		Prerequisites: []Prerequisite{PrerequisiteAgentEnabled, PrerequisiteFAQ},
	},
	{
		ID:       domain.SkillProductRecommendations,
		Name:     "Product recommendations",
		Category: CategoryCore,
		Overview: "Suggests products from your synced catalog that fit what the shopper is " +
			"looking for — by need, budget, size, colour or occasion.",
		WhenUsed: "A shopper asks what to buy, compares options, wants a gift idea, or asks " +
			"whether you sell something specific.",
		HowItResponds: "Searches your product catalog for items that match the request and " +
			"replies with a short list and why each one fits. Web chat shows product cards " +
			"with price and a link to the product page; SMS, WhatsApp and email get names, " +
			"prices and links.",
		Tools:         []Tool{ToolProductSearch},
		Channels:      AllChannels(),
		Login:         LoginNone,
		Prerequisites: []Prerequisite{PrerequisiteAgentEnabled, PrerequisiteProductCatalog},
	},
}

// Catalog returns the eight skills in catalog order. The result is a fresh copy: callers
// may change it (to narrow a skill's channels, say) without affecting anyone else.
func Catalog() []Skill {
	out := make([]Skill, len(catalog))
	for i, s := range catalog {
		out[i] = s.clone()
	}
	return out
}

// Lookup returns the catalog skill with the id, and false when there is none.
func Lookup(id domain.SkillID) (Skill, bool) {
	for _, s := range catalog {
		if s.ID == id {
			return s.clone(), true
		}
	}
	return Skill{}, false
}

// clone copies s with its own slices.
func (s Skill) clone() Skill {
	s.Tools = slices.Clone(s.Tools)
	s.Channels = slices.Clone(s.Channels)
	s.Prerequisites = slices.Clone(s.Prerequisites)
	return s
}
