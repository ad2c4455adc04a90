package skill

import (
	"slices"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/server/domain"
)

// allMet is an account that meets every prerequisite on every channel.
func allMet() AccountState {
	return NewAccountState(true, AllChannels(), Prerequisites()...)
}

// without is st with p unmet: the agent switched off for PrerequisiteAgentEnabled,
// otherwise p removed from Met.
func without(st AccountState, p Prerequisite) AccountState {
	if p == PrerequisiteAgentEnabled {
		st.AgentEnabled = false
		return st
	}
	met := make(map[Prerequisite]bool, len(st.Met))
	for k, v := range st.Met {
		met[k] = v
	}
	delete(met, p)
	st.Met = met
	return st
}

// with is st with p met.
func with(st AccountState, p Prerequisite) AccountState {
	if p == PrerequisiteAgentEnabled {
		st.AgentEnabled = true
		return st
	}
	met := make(map[Prerequisite]bool, len(st.Met)+1)
	for k, v := range st.Met {
		met[k] = v
	}
	met[p] = true
	st.Met = met
	return st
}

// TestCatalogMatchesDesign spells out DESIGN.md §1's table row by row.
func TestCatalogMatchesDesign(t *testing.T) {
	want := []struct {
		id            domain.SkillID
		name          string
		category      Category
		login         Login
		prerequisites []Prerequisite
		tools         []Tool
	}{
		{
			domain.SkillReturnsExchanges, "Returns & exchanges", CategoryPostPurchase, LoginRequired,
			[]Prerequisite{PrerequisiteAgentEnabled, PrerequisiteCustomerHub, PrerequisiteReturnsProvider, PrerequisiteReturnsPolicy},
			[]Tool{ToolProfileLookup, ToolOrderStatus, ToolReturnsPortal, ToolKnowledgeSearch},
		},
		{
			domain.SkillOrderEditing, "Order editing", CategoryPostPurchase, LoginRequired,
			[]Prerequisite{PrerequisiteAgentEnabled, PrerequisiteCustomerHub, PrerequisiteShopify, PrerequisiteOrderEditPolicy},
			[]Tool{ToolProfileLookup, ToolOrderStatus, ToolKnowledgeSearch},
		},
		{
			domain.SkillSubscriptions, "Subscriptions", CategoryPostPurchase, LoginRequired,
			[]Prerequisite{PrerequisiteAgentEnabled, PrerequisiteCustomerHub, PrerequisiteSubscriptionProvider, PrerequisiteSubscriptionPolicy},
			[]Tool{ToolProfileLookup, ToolSubscriptionLookup, ToolKnowledgeSearch},
		},
		{
			domain.SkillLoyalty, "Loyalty", CategoryPostPurchase, LoginRequired,
			[]Prerequisite{PrerequisiteAgentEnabled, PrerequisiteCustomerHub, PrerequisiteLoyaltyProvider, PrerequisiteLoyaltyProgram},
			[]Tool{ToolProfileLookup, ToolLoyaltyBalance, ToolKnowledgeSearch},
		},
		{
			domain.SkillOrderTracking, "Order tracking", CategoryPostPurchase, LoginRequired,
			[]Prerequisite{PrerequisiteAgentEnabled, PrerequisiteShopify},
			[]Tool{ToolProfileLookup, ToolOrderStatus},
		},
		{
			domain.SkillCouponsDiscounts, "Coupons & discounts", CategoryCore, LoginPartial,
			[]Prerequisite{PrerequisiteAgentEnabled, PrerequisiteCouponInfo},
			[]Tool{ToolCouponLookup, ToolKnowledgeSearch, ToolProfileLookup},
		},
		{
			domain.SkillGeneralQA, "General Q&A", CategoryCore, LoginNone,
			[]Prerequisite{PrerequisiteAgentEnabled, PrerequisiteFAQ},
			[]Tool{ToolKnowledgeSearch},
		},
		{
			domain.SkillProductRecommendations, "Product recommendations", CategoryCore, LoginNone,
			[]Prerequisite{PrerequisiteAgentEnabled, PrerequisiteProductCatalog},
			[]Tool{ToolProductSearch},
		},
	}
	got := Catalog()
	if len(got) != len(want) {
		t.Fatalf("Catalog() has %d skills, want %d", len(got), len(want))
	}
	for i, w := range want {
		s := got[i]
		if s.ID != w.id {
			t.Errorf("Catalog()[%d].ID = %q, want %q", i, s.ID, w.id)
			continue
		}
		if s.Name != w.name {
			t.Errorf("%s: Name = %q, want %q", s.ID, s.Name, w.name)
		}
		if s.Category != w.category {
			t.Errorf("%s: Category = %q, want %q", s.ID, s.Category, w.category)
		}
		if s.Login != w.login {
			t.Errorf("%s: Login = %q, want %q", s.ID, s.Login, w.login)
		}
		if !slices.Equal(s.Prerequisites, w.prerequisites) {
			t.Errorf("%s: Prerequisites = %v, want %v", s.ID, s.Prerequisites, w.prerequisites)
		}
		if !slices.Equal(s.Tools, w.tools) {
			t.Errorf("%s: Tools = %v, want %v", s.ID, s.Tools, w.tools)
		}
		if s.ComingSoon {
			t.Errorf("%s: ComingSoon is set; every catalog skill is released", s.ID)
		}
	}
}

// TestCatalogCoversEverySkillID checks each domain.SkillID appears exactly once.
func TestCatalogCoversEverySkillID(t *testing.T) {
	ids := []domain.SkillID{
		domain.SkillOrderTracking, domain.SkillReturnsExchanges, domain.SkillOrderEditing,
		domain.SkillSubscriptions, domain.SkillLoyalty, domain.SkillCouponsDiscounts,
		domain.SkillGeneralQA, domain.SkillProductRecommendations,
	}
	seen := map[domain.SkillID]int{}
	for _, s := range Catalog() {
		seen[s.ID]++
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("skill %q appears %d times in the catalog, want 1", id, seen[id])
		}
	}
	if len(seen) != len(ids) {
		t.Errorf("catalog has %d distinct skills, want %d", len(seen), len(ids))
	}
}

// TestCatalogCopy checks every skill has its copy written and well-formed data.
func TestCatalogCopy(t *testing.T) {
	known := map[Prerequisite]bool{}
	for _, p := range Prerequisites() {
		known[p] = true
	}
	for _, s := range Catalog() {
		for field, text := range map[string]string{
			"Name": s.Name, "Overview": s.Overview, "WhenUsed": s.WhenUsed, "HowItResponds": s.HowItResponds,
		} {
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s: %s is empty", s.ID, field)
			}
			if strings.Contains(text, "  ") {
				t.Errorf("%s: %s has a double space: %q", s.ID, field, text)
			}
		}
		for field, text := range map[string]string{
			"Overview": s.Overview, "WhenUsed": s.WhenUsed, "HowItResponds": s.HowItResponds,
		} {
			if !strings.HasSuffix(text, ".") {
				t.Errorf("%s: %s does not end with a full stop: %q", s.ID, field, text)
			}
		}
		if len(s.Tools) == 0 {
			t.Errorf("%s: no tools", s.ID)
		}
		if !slices.Contains(s.Prerequisites, PrerequisiteAgentEnabled) {
			t.Errorf("%s: does not require the Customer Agent", s.ID)
		}
		for _, p := range s.Prerequisites {
			if !known[p] {
				t.Errorf("%s: unknown prerequisite %q", s.ID, p)
			}
		}
		if len(slices.Compact(slices.Sorted(slices.Values(s.Prerequisites)))) != len(s.Prerequisites) {
			t.Errorf("%s: duplicate prerequisites %v", s.ID, s.Prerequisites)
		}
		if len(slices.Compact(slices.Sorted(slices.Values(s.Tools)))) != len(s.Tools) {
			t.Errorf("%s: duplicate tools %v", s.ID, s.Tools)
		}
	}
}

// TestChannelsDefaultToAllFour checks every skill answers on every channel.
func TestChannelsDefaultToAllFour(t *testing.T) {
	all := []domain.Channel{domain.ChannelWebchat, domain.ChannelSMS, domain.ChannelWhatsApp, domain.ChannelEmail}
	if !slices.Equal(AllChannels(), all) {
		t.Fatalf("AllChannels() = %v, want %v", AllChannels(), all)
	}
	for _, s := range Catalog() {
		if !slices.Equal(s.Channels, all) {
			t.Errorf("%s: Channels = %v, want %v", s.ID, s.Channels, all)
		}
	}
}

// TestCatalogReturnsCopies checks callers cannot change the catalog.
func TestCatalogReturnsCopies(t *testing.T) {
	c := Catalog()
	c[0].Name = "changed"
	c[0].Channels[0] = "pigeon"
	c[0].Tools[0] = "hammer"
	c[0].Prerequisites[0] = "nothing"
	s, _ := Lookup(c[0].ID)
	s.Channels[1] = "pigeon"
	again := Catalog()[0]
	if again.Name == "changed" || again.Channels[0] == "pigeon" || again.Channels[1] == "pigeon" ||
		again.Tools[0] == "hammer" || again.Prerequisites[0] == "nothing" {
		t.Fatalf("changing a returned skill changed the catalog: %+v", again)
	}
}

// TestLookup finds every catalog skill by id and reports unknown ids.
func TestLookup(t *testing.T) {
	for _, want := range Catalog() {
		got, ok := Lookup(want.ID)
		if !ok {
			t.Errorf("Lookup(%q) found nothing", want.ID)
			continue
		}
		if got.Name != want.Name || !slices.Equal(got.Prerequisites, want.Prerequisites) {
			t.Errorf("Lookup(%q) = %+v, want %+v", want.ID, got, want)
		}
	}
	for _, id := range []domain.SkillID{"", "weather", "ORDER_TRACKING"} {
		if s, ok := Lookup(id); ok {
			t.Errorf("Lookup(%q) = %+v, true; want false", id, s)
		}
	}
}

// TestReasons pins each prerequisite's reason, as the dashboard shows it.
func TestReasons(t *testing.T) {
	want := map[Prerequisite]string{
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
	if len(Prerequisites()) != len(want) {
		t.Fatalf("Prerequisites() has %d, want %d", len(Prerequisites()), len(want))
	}
	for _, p := range Prerequisites() {
		if got := p.Reason(); got != want[p] {
			t.Errorf("%s.Reason() = %q, want %q", p, got, want[p])
		}
	}
	if got := Prerequisite("gift_cards").Reason(); got != "Requires gift cards" {
		t.Errorf("unknown prerequisite reason = %q", got)
	}
}

// TestDeriveEachMissingPrerequisite covers every skill × every one of its prerequisites:
// all met but that one is UNAVAILABLE with exactly it missing and its reason; meeting it
// makes the skill LIVE with no other step.
func TestDeriveEachMissingPrerequisite(t *testing.T) {
	for _, s := range Catalog() {
		for _, p := range s.Prerequisites {
			t.Run(string(s.ID)+"/"+string(p), func(t *testing.T) {
				st := without(allMet(), p)
				got := Derive(s, st)
				if got.Status != StatusUnavailable {
					t.Fatalf("Status = %q, want %q", got.Status, StatusUnavailable)
				}
				if !slices.Equal(got.Missing, []Prerequisite{p}) {
					t.Errorf("Missing = %v, want [%s]", got.Missing, p)
				}
				if got.Reason != p.Reason() {
					t.Errorf("Reason = %q, want %q", got.Reason, p.Reason())
				}
				fixed := Derive(s, with(st, p))
				if fixed.Status != StatusLive || fixed.Reason != "" || len(fixed.Missing) != 0 {
					t.Errorf("after meeting %s: %+v, want live", p, fixed)
				}
			})
		}
	}
}

// TestDeriveAllMetIsLive checks every skill is LIVE on a fully set-up account, and on an
// account with a single active channel.
func TestDeriveAllMetIsLive(t *testing.T) {
	for _, s := range Catalog() {
		if got := Derive(s, allMet()); got.Status != StatusLive || got.Reason != "" || got.Missing != nil {
			t.Errorf("%s: Derive(all met) = %+v, want live", s.ID, got)
		}
		for _, c := range AllChannels() {
			st := NewAccountState(true, []domain.Channel{c}, Prerequisites()...)
			if got := Derive(s, st); got.Status != StatusLive {
				t.Errorf("%s on %s only: Derive = %+v, want live", s.ID, c, got)
			}
		}
	}
}

// TestDeriveUnrelatedPrerequisitesDoNotMatter checks a skill is LIVE when exactly its own
// prerequisites are met and nothing else.
func TestDeriveUnrelatedPrerequisitesDoNotMatter(t *testing.T) {
	for _, s := range Catalog() {
		st := NewAccountState(true, []domain.Channel{domain.ChannelEmail}, s.Prerequisites...)
		if got := Derive(s, st); got.Status != StatusLive {
			t.Errorf("%s with only its prerequisites: %+v, want live", s.ID, got)
		}
	}
}

// TestDeriveComingSoon checks the catalog flag wins over the account's state.
func TestDeriveComingSoon(t *testing.T) {
	for _, s := range Catalog() {
		s.ComingSoon = true
		for name, st := range map[string]AccountState{"all met": allMet(), "nothing": {}} {
			got := Derive(s, st)
			if got.Status != StatusComingSoon || got.Reason != "" || len(got.Missing) != 0 {
				t.Errorf("%s (%s): Derive = %+v, want coming soon", s.ID, name, got)
			}
		}
	}
}

// TestDeriveNothingSetUp checks the zero account misses every prerequisite, in order.
func TestDeriveNothingSetUp(t *testing.T) {
	for _, s := range Catalog() {
		got := Derive(s, AccountState{})
		if got.Status != StatusUnavailable {
			t.Errorf("%s: Status = %q, want unavailable", s.ID, got.Status)
		}
		if !slices.Equal(got.Missing, s.Prerequisites) {
			t.Errorf("%s: Missing = %v, want %v", s.ID, got.Missing, s.Prerequisites)
		}
	}
}

// TestDeriveMultipleReasons checks several missing prerequisites are listed in the skill's
// order and their reasons joined into one readable sentence.
func TestDeriveMultipleReasons(t *testing.T) {
	tests := []struct {
		id      domain.SkillID
		met     []Prerequisite
		missing []Prerequisite
		reason  string
	}{
		{
			domain.SkillOrderEditing,
			[]Prerequisite{PrerequisiteOrderEditPolicy},
			[]Prerequisite{PrerequisiteCustomerHub, PrerequisiteShopify},
			"Requires Customer Hub; connect Shopify",
		},
		{
			domain.SkillReturnsExchanges,
			nil,
			[]Prerequisite{PrerequisiteCustomerHub, PrerequisiteReturnsProvider, PrerequisiteReturnsPolicy},
			"Requires Customer Hub; connect a returns provider (Loop, AfterShip); " +
				"add a returns & exchange policy to the knowledge base",
		},
		{
			domain.SkillLoyalty,
			[]Prerequisite{PrerequisiteCustomerHub},
			[]Prerequisite{PrerequisiteLoyaltyProvider, PrerequisiteLoyaltyProgram},
			"Connect a loyalty provider; add your loyalty program details to the knowledge base",
		},
	}
	for _, tt := range tests {
		s, _ := Lookup(tt.id)
		got := Derive(s, NewAccountState(true, AllChannels(), tt.met...))
		if got.Status != StatusUnavailable || !slices.Equal(got.Missing, tt.missing) || got.Reason != tt.reason {
			t.Errorf("%s: Derive = %+v, want unavailable %v %q", tt.id, got, tt.missing, tt.reason)
		}
	}

	// The agent switched off comes first, before everything else.
	s, _ := Lookup(domain.SkillSubscriptions)
	got := Derive(s, AccountState{ActiveChannels: AllChannels()})
	want := "Enable the Customer Agent on at least one channel; requires Customer Hub; " +
		"connect a subscription provider; add a subscription policy to the knowledge base"
	if got.Reason != want {
		t.Errorf("Reason = %q, want %q", got.Reason, want)
	}
}

// TestDeriveAgent checks the agent must be enabled with an active channel.
func TestDeriveAgent(t *testing.T) {
	s, _ := Lookup(domain.SkillGeneralQA)
	for name, st := range map[string]AccountState{
		"disabled":           NewAccountState(false, AllChannels(), Prerequisites()...),
		"no active channels": NewAccountState(true, nil, Prerequisites()...),
		"Met cannot fake it": NewAccountState(false, nil, Prerequisites()...),
	} {
		got := Derive(s, st)
		if got.Status != StatusUnavailable || !slices.Equal(got.Missing, []Prerequisite{PrerequisiteAgentEnabled}) ||
			got.Reason != "Enable the Customer Agent on at least one channel" {
			t.Errorf("%s: Derive = %+v", name, got)
		}
	}
}

// TestDeriveChannelMismatch checks a skill whose channels are not among the account's
// active channels is UNAVAILABLE, says so, and goes LIVE once a channel overlaps.
func TestDeriveChannelMismatch(t *testing.T) {
	s, _ := Lookup(domain.SkillOrderTracking)
	s.Channels = []domain.Channel{domain.ChannelWebchat, domain.ChannelSMS}
	st := NewAccountState(true, []domain.Channel{domain.ChannelEmail, domain.ChannelWhatsApp}, Prerequisites()...)
	got := Derive(s, st)
	want := "Not offered on your active channels; enable the Customer Agent on web chat or SMS"
	if got.Status != StatusUnavailable || !slices.Equal(got.Missing, []Prerequisite{PrerequisiteAgentEnabled}) || got.Reason != want {
		t.Errorf("Derive = %+v, want unavailable [agent_enabled] %q", got, want)
	}

	// With Shopify missing too, both reasons are given.
	got = Derive(s, without(st, PrerequisiteShopify))
	want += "; connect Shopify"
	if !slices.Equal(got.Missing, []Prerequisite{PrerequisiteAgentEnabled, PrerequisiteShopify}) || got.Reason != want {
		t.Errorf("Derive = %+v, want %q", got, want)
	}

	st.ActiveChannels = append(st.ActiveChannels, domain.ChannelSMS)
	if got := Derive(s, st); got.Status != StatusLive {
		t.Errorf("after activating SMS: %+v, want live", got)
	}

	s.Channels = []domain.Channel{domain.ChannelWhatsApp}
	st.ActiveChannels = []domain.Channel{domain.ChannelWebchat, domain.ChannelEmail, domain.ChannelSMS}
	if got := Derive(s, st); got.Reason != "Not offered on your active channels; enable the Customer Agent on WhatsApp" {
		t.Errorf("one channel: Reason = %q", got.Reason)
	}
	s.Channels = []domain.Channel{domain.ChannelWebchat, domain.ChannelWhatsApp, domain.ChannelEmail}
	st.ActiveChannels = []domain.Channel{domain.ChannelSMS}
	if got := Derive(s, st); got.Reason != "Not offered on your active channels; enable the Customer Agent on web chat, WhatsApp or email" {
		t.Errorf("three channels: Reason = %q", got.Reason)
	}
	s.Channels = nil
	if got := Derive(s, st); got.Status != StatusUnavailable || got.Reason != "Not offered on any channel" {
		t.Errorf("no channels: %+v", got)
	}
}

// TestDeriveAgentImplicit checks a skill that does not list PrerequisiteAgentEnabled
// still needs the agent, reported first.
func TestDeriveAgentImplicit(t *testing.T) {
	s := Skill{ID: "custom", Channels: AllChannels(), Prerequisites: []Prerequisite{PrerequisiteFAQ}}
	got := Derive(s, AccountState{})
	if !slices.Equal(got.Missing, []Prerequisite{PrerequisiteAgentEnabled, PrerequisiteFAQ}) ||
		got.Reason != "Enable the Customer Agent on at least one channel; add FAQ or knowledge articles to the knowledge base" {
		t.Errorf("Derive = %+v", got)
	}
	if got := Derive(s, NewAccountState(true, AllChannels(), PrerequisiteFAQ)); got.Status != StatusLive {
		t.Errorf("Derive = %+v, want live", got)
	}
}

// TestDisconnectMakesUnavailable checks disconnecting an integration flips a live skill
// back to UNAVAILABLE, and reconnecting it makes it live again.
func TestDisconnectMakesUnavailable(t *testing.T) {
	st := allMet()
	for _, s := range Catalog() {
		if Derive(s, st).Status != StatusLive {
			t.Fatalf("%s not live", s.ID)
		}
	}
	st.Met[PrerequisiteShopify] = false
	for _, s := range Catalog() {
		got := Derive(s, st)
		needs := slices.Contains(s.Prerequisites, PrerequisiteShopify)
		if needs != (got.Status == StatusUnavailable) {
			t.Errorf("%s after disconnecting Shopify: %+v", s.ID, got)
		}
	}
	st.Met[PrerequisiteShopify] = true
	for _, s := range Catalog() {
		if got := Derive(s, st); got.Status != StatusLive {
			t.Errorf("%s after reconnecting: %+v", s.ID, got)
		}
	}
}

// TestNewAccountStateCopies checks the constructor does not alias its channel slice.
func TestNewAccountStateCopies(t *testing.T) {
	chans := []domain.Channel{domain.ChannelSMS}
	st := NewAccountState(true, chans, PrerequisiteFAQ)
	chans[0] = domain.ChannelEmail
	if st.ActiveChannels[0] != domain.ChannelSMS || !st.Met[PrerequisiteFAQ] || st.Met[PrerequisiteShopify] {
		t.Errorf("NewAccountState = %+v", st)
	}
}

// TestLowerFirst pins how reasons after the first are lowercased.
func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{
		"Connect Shopify": "connect Shopify",
		"SMS only":        "SMS only",
		"already lower":   "already lower",
		"":                "",
		"É":               "é",
	} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}
