package skill

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tandemhq/tandem/server/domain"
)

// Prerequisite is something a skill needs before it goes live.
type Prerequisite string

// The prerequisites, in the contract's order.
const (
	// PrerequisiteAgentEnabled is the Customer Agent enabled with at least one active
	// channel the skill answers on.
	PrerequisiteAgentEnabled Prerequisite = "agent_enabled"
	// PrerequisiteCustomerHub is Customer Hub enabled.
	PrerequisiteCustomerHub Prerequisite = "customer_hub"
	// PrerequisiteShopify is Shopify connected.
	PrerequisiteShopify Prerequisite = "shopify"
	// PrerequisiteReturnsProvider is a returns provider (Loop, AfterShip) connected.
	PrerequisiteReturnsProvider Prerequisite = "returns_provider"
	// PrerequisiteSubscriptionProvider is a subscription provider connected.
	PrerequisiteSubscriptionProvider Prerequisite = "subscription_provider"
	// PrerequisiteLoyaltyProvider is a loyalty provider connected.
	PrerequisiteLoyaltyProvider Prerequisite = "loyalty_provider"
	// PrerequisiteProductCatalog is the product catalog synced.
	PrerequisiteProductCatalog Prerequisite = "product_catalog"
	// PrerequisiteReturnsPolicy is a returns and exchange policy in the knowledge base.
	PrerequisiteReturnsPolicy Prerequisite = "returns_policy"
	// PrerequisiteOrderEditPolicy is an order edit and cancel policy in the knowledge base.
	PrerequisiteOrderEditPolicy Prerequisite = "order_edit_policy"
	// PrerequisiteSubscriptionPolicy is a subscription policy in the knowledge base.
	PrerequisiteSubscriptionPolicy Prerequisite = "subscription_policy"
	// PrerequisiteLoyaltyProgram is the loyalty program described in the knowledge base.
	PrerequisiteLoyaltyProgram Prerequisite = "loyalty_program"
	// PrerequisiteCouponInfo is coupon and discount information in the knowledge base.
	PrerequisiteCouponInfo Prerequisite = "coupon_info"
	// PrerequisiteFAQ is FAQ or knowledge articles in the knowledge base.
	PrerequisiteFAQ Prerequisite = "faq"
)

// Prerequisites returns every prerequisite, in the contract's order.
func Prerequisites() []Prerequisite {
	return []Prerequisite{
		PrerequisiteAgentEnabled,
		PrerequisiteCustomerHub,
		PrerequisiteShopify,
		PrerequisiteReturnsProvider,
		PrerequisiteSubscriptionProvider,
		PrerequisiteLoyaltyProvider,
		PrerequisiteProductCatalog,
		PrerequisiteReturnsPolicy,
		PrerequisiteOrderEditPolicy,
		PrerequisiteSubscriptionPolicy,
		PrerequisiteLoyaltyProgram,
		PrerequisiteCouponInfo,
		PrerequisiteFAQ,
	}
}

// reasons says in words, as an instruction to a brand admin, what meets a prerequisite.
var reasons = map[Prerequisite]string{
	PrerequisiteAgentEnabled:         "Enable the Customer Agent on at least one channel",
	PrerequisiteCustomerHub:          "Requires Customer Hub",
	PrerequisiteShopify:              "Connect Shopify",
	PrerequisiteReturnsProvider:      "Connect a returns provider (Loop, AfterShip)",
	PrerequisiteSubscriptionProvider: "Connect a subscription provider",
	PrerequisiteLoyaltyProvider:      "Connect a loyalty provider",
	PrerequisiteProductCatalog:       "Sync the product catalog",
	PrerequisiteReturnsPolicy:        "Add a returns & exchange policy to the knowledge base",
	PrerequisiteOrderEditPolicy:      "Add an order edit & cancel policy to the knowledge base",
	PrerequisiteSubscriptionPolicy:   "Add a subscription policy to the knowledge base",
	PrerequisiteLoyaltyProgram:       "Add your loyalty program details to the knowledge base",
	PrerequisiteCouponInfo:           "Add coupon & discount info to the knowledge base",
	PrerequisiteFAQ:                  "Add FAQ or knowledge articles to the knowledge base",
}

// Reason says in words what the brand must do to meet the prerequisite ("Connect
// Shopify"), capitalised as a sentence of its own. An unknown prerequisite gets a generic
// "Requires …" with its name.
func (p Prerequisite) Reason() string {
	if r, ok := reasons[p]; ok {
		return r
	}
	return "Requires " + strings.ReplaceAll(string(p), "_", " ")
}

// Status is a skill's state for an account, derived when read and never stored.
type Status string

// The statuses.
const (
	// StatusLive means every prerequisite is met; the skill handles conversations.
	StatusLive Status = "live"
	// StatusComingSoon means the skill is in the catalog but not released yet.
	StatusComingSoon Status = "coming_soon"
	// StatusUnavailable means something is missing; Derived says what.
	StatusUnavailable Status = "unavailable"
)

// AccountState is what Derive needs to know about an account, gathered by the caller
// from the account's settings, integrations and knowledge base.
//
// The agent and its channels are kept apart because PrerequisiteAgentEnabled depends on
// the skill too: it is met only when the agent is enabled on at least one channel the
// skill answers on. Every other prerequisite is a plain yes or no in Met, whatever
// satisfies it: Customer Hub enabled, an integration connected (Loop or AfterShip both
// meet PrerequisiteReturnsProvider), the product catalog synced, or a knowledge article
// with the right topic. Which integration or topic meets which prerequisite is the
// caller's mapping; this package only reads the result. Met[PrerequisiteAgentEnabled]
// is ignored. The zero value is an account with nothing set up.
type AccountState struct {
	// AgentEnabled is true when the Customer Agent is switched on.
	AgentEnabled bool
	// ActiveChannels are the channels the agent answers on.
	ActiveChannels []domain.Channel
	// Met holds the prerequisites other than PrerequisiteAgentEnabled that the account
	// meets; absent or false means missing. A nil map meets none.
	Met map[Prerequisite]bool
}

// NewAccountState returns the state of an account whose agent is enabled or not, answers
// on activeChannels, and meets the prerequisites in met.
func NewAccountState(agentEnabled bool, activeChannels []domain.Channel, met ...Prerequisite) AccountState {
	st := AccountState{
		AgentEnabled:   agentEnabled,
		ActiveChannels: slices.Clone(activeChannels),
		Met:            make(map[Prerequisite]bool, len(met)),
	}
	for _, p := range met {
		st.Met[p] = true
	}
	return st
}

// Derived is a skill's status for an account.
type Derived struct {
	// Status is the skill's state.
	Status Status
	// Reason says in words why the skill is unavailable ("Requires Customer Hub; connect
	// Shopify"); empty unless Status is StatusUnavailable.
	Reason string
	// Missing lists the prerequisites still missing, in the skill's prerequisite order;
	// empty unless Status is StatusUnavailable.
	Missing []Prerequisite
}

// Derive computes the skill's status for an account:
//   - StatusComingSoon when the catalog flags the skill as not released, whatever the
//     account's state;
//   - StatusUnavailable when any prerequisite is missing, with every missing one in the
//     skill's prerequisite order and a reason joining what to do about each;
//   - StatusLive otherwise.
//
// Every skill needs the Customer Agent enabled on at least one channel it answers on,
// whether or not it lists PrerequisiteAgentEnabled (when unlisted, it is reported first).
// When the agent is enabled but none of its active channels is one of the skill's, the
// skill is unavailable with PrerequisiteAgentEnabled missing and a reason naming the
// skill's channels.
func Derive(s Skill, st AccountState) Derived {
	if s.ComingSoon {
		return Derived{Status: StatusComingSoon}
	}
	var missing []Prerequisite
	var why []string
	add := func(p Prerequisite, reason string) {
		if slices.Contains(missing, p) {
			return
		}
		missing = append(missing, p)
		why = append(why, reason)
	}
	agentReason, agentOK := agentReady(s.Channels, st)
	if !agentOK && !slices.Contains(s.Prerequisites, PrerequisiteAgentEnabled) {
		add(PrerequisiteAgentEnabled, agentReason)
	}
	for _, p := range s.Prerequisites {
		switch {
		case p == PrerequisiteAgentEnabled:
			if !agentOK {
				add(p, agentReason)
			}
		case !st.Met[p]:
			add(p, p.Reason())
		}
	}
	if len(missing) == 0 {
		return Derived{Status: StatusLive}
	}
	return Derived{Status: StatusUnavailable, Reason: joinReasons(why), Missing: missing}
}

// agentReady reports whether the agent answers on at least one of the skill's channels,
// and if not, why in words.
func agentReady(skillChannels []domain.Channel, st AccountState) (string, bool) {
	if !st.AgentEnabled || len(st.ActiveChannels) == 0 {
		return PrerequisiteAgentEnabled.Reason(), false
	}
	for _, c := range st.ActiveChannels {
		if slices.Contains(skillChannels, c) {
			return "", true
		}
	}
	if len(skillChannels) == 0 {
		return "Not offered on any channel", false
	}
	return "Not offered on your active channels; enable the Customer Agent on " +
		channelList(skillChannels), false
}

// channelLabels are the channels' names in a sentence.
var channelLabels = map[domain.Channel]string{
	domain.ChannelWebchat:  "web chat",
	domain.ChannelSMS:      "SMS",
	domain.ChannelWhatsApp: "WhatsApp",
	domain.ChannelEmail:    "email",
}

// channelList names channels as alternatives: "web chat", "web chat or SMS",
// "web chat, SMS or email".
func channelList(cs []domain.Channel) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		if l, ok := channelLabels[c]; ok {
			names[i] = l
		} else {
			names[i] = string(c)
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// joinReasons joins reasons into one sentence: the first keeps its capital, the others
// are lowercased where they start with an ordinary word ("Requires Customer Hub; connect
// Shopify"), and acronyms such as "SMS" keep their case.
func joinReasons(rs []string) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		if i > 0 {
			r = lowerFirst(r)
		}
		out[i] = r
	}
	return strings.Join(out, "; ")
}

// lowerFirst lowercases s's first letter unless the second is also upper case.
func lowerFirst(s string) string {
	first, n := utf8.DecodeRuneInString(s)
	second, _ := utf8.DecodeRuneInString(s[n:])
	if !unicode.IsUpper(first) || unicode.IsUpper(second) {
		return s
	}
	return string(unicode.ToLower(first)) + s[n:]
}
